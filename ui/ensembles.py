"""The Compare page's numbers: seeds as median and band, the crossing, the exponents.

Pure functions over engine runs (no Streamlit); ui.story_runs caches them.
"""

import numpy as np
import pandas as pd

from core import RunConfig, ensemble_bands, simulate
from core.summary import tail_exponent

# The paper's left panel: the first 500 iterations.
LEFT_STEPS = 500
COLUMNS = ("step", "time", "loss", "log_eta_t_loss")
BAND = (0.1, 0.9)  # quantiles of the shaded band over seeds
FLOOR = "— (at the rounding floor)"


def seed_runs(
    n: int, d: int, sigma: float, eta: float, steps: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """One seed: (records up to LEFT_STEPS, records of the whole run, tail slope).

    A separate LEFT_STEPS run is the same trajectory (same seed, deterministic) but
    records its last step exactly, so L(500) is measured, not interpolated.
    """
    shared = {"n": n, "d": d, "sigma": sigma, "eta": eta, "seed": seed}
    whole = simulate(RunConfig(steps=steps, **shared)).metrics
    first = simulate(RunConfig(steps=min(steps, LEFT_STEPS), **shared)).metrics
    return first[list(COLUMNS)], whole[list(COLUMNS)], tail_exponent(whole)


def bands(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Median and BAND quantiles of loss and log_{ηT} L at each record step."""
    return ensemble_bands(frames, ("loss", "log_eta_t_loss"), BAND)


def crossing_step(one: pd.DataFrame, many: pd.DataFrame) -> float:
    """Iteration where the n = 1 median loss passes below the n >= 2 median for good.

    Log-linear interpolation between the two records around the last sign change
    of log L_1 - log L_n; NaN if n = 1 is never above, +inf if never below.
    """
    merged = one.merge(many, on="step", suffixes=("_1", "_n"))
    gap = np.log(merged.loss_median_1.to_numpy()) - np.log(
        merged.loss_median_n.to_numpy()
    )
    above = np.flatnonzero(gap >= 0)
    if above.size == 0:
        return float("nan")
    i = above[-1]
    if i == len(gap) - 1:
        return float("inf")
    steps = merged.step.to_numpy(float)
    share = gap[i] / (gap[i] - gap[i + 1])
    return float(steps[i] + share * (steps[i + 1] - steps[i]))


def summary_table(
    left: dict[int, pd.DataFrame],
    whole: dict[int, pd.DataFrame],
    slopes: dict[int, list[float]],
) -> pd.DataFrame:
    """One row per n: L at the left panel's end, the crossing with n = 1, and the
    exponents at the horizon (medians over seeds, band in brackets)."""
    rows = []
    for n in sorted(left):
        end, last = left[n].iloc[-1], whole[n].iloc[-1]
        rows.append(
            {
                "n": n,
                f"L({int(end.step)})": _banded(end, "loss", "{:.2e}"),
                "n = 1 passes below at iteration": (
                    "—" if n == 1 else _iteration(crossing_step(left[1], left[n]))
                ),
                # n = 1 sits at the rounding floor long before T: no rate to read.
                f"log_ηT L at T = {int(last.step):,}": (
                    FLOOR if n == 1 else _banded(last, "log_eta_t_loss", "{:.3f}")
                ),
                "slope of log L vs log T, last decade": (
                    FLOOR if n == 1 else f"{np.median(slopes[n]):.3f}"
                ),
            }
        )
    return pd.DataFrame(rows)


def _banded(row: pd.Series, column: str, fmt: str) -> str:
    median, lo, hi = (row[f"{column}_{q}"] for q in ("median", "lo", "hi"))
    return f"{fmt.format(median)} [{fmt.format(lo)}, {fmt.format(hi)}]"


def _iteration(step: float) -> str:
    if np.isnan(step):
        return "never above"
    return f"after {LEFT_STEPS}" if np.isinf(step) else f"≈ {step:.0f}"

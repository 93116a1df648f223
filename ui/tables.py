"""Tables a page shows, as text: the engine's numbers formatted for a reader
(medians with their band, "never above", "at the rounding floor")."""

import numpy as np
import pandas as pd

from neuronlab.analysis.studies import LEFT_STEPS, crossing_step

FLOOR = "— (at the rounding floor)"


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

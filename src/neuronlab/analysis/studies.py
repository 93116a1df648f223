"""Every number a page shows that is not a run itself (DESIGN §2): Compare
along n's arms and seeds (on the one pipeline) as median and band, where n = 1
passes below n >= 2, a run's phases with its balance and H-law checks, and
Hessian spectra at chosen steps.

Functions that need runs take `run(config, W0=None, v=None) -> Trajectory`,
neuronlab.simulate by default: a caller that must be able to stop passes a chunked
one (the numbers never depend on the chunks).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from neuronlab.analysis.phases import Phases, detect_phases
from neuronlab.analysis.spectrum import hessian_spectrum
from neuronlab.analysis.summary import ensemble_bands, summarise, tail_exponent
from neuronlab.config import RunConfig
from neuronlab.dynamics.run import simulate
from neuronlab.dynamics.trajectory import Trajectory
from neuronlab.runs.pipeline import BAND, Arm, Run, by_arm, plan, run_one

# The paper's left panel (Figure 1): the first 500 iterations.
LEFT_STEPS = 500
COMPARE_COLUMNS = ("step", "time", "loss", "log_eta_t_loss")
# Explore's seeds: the columns its loss charts band.
SEED_COLUMNS = ("step", "time", "loss", "loss_inv_cbrt")
# At most this many spectra per view: each is an (n k)-square eigenproblem.
MAX_SPECTRA = 8
# Per-step factors this close agree (a theorem-like run: 1e-7; large σ: 1e-2).
H_TOLERANCE = 1e-4
CONTROL = "n = 1 control"


def along_n(ns, **scalars) -> list[Arm]:
    """Compare along n (Figure 1): n = 1 and each n in `ns` (fields `scalars`,
    seed 0 on), each as two arms of the same trajectories: the whole run, and its
    first LEFT_STEPS as a run of its own, deterministic, that records its last
    step exactly, so L(500) is measured, not interpolated."""
    arms = []
    for n in dict.fromkeys((1, *sorted(ns))):
        whole = RunConfig(n=n, **scalars)
        first = whole.replace(steps=min(whole.steps, LEFT_STEPS))
        arms += [Arm(f"n = {n}", whole), Arm(f"n = {n}, first {LEFT_STEPS}", first)]
    return arms


def along_n_view(arms: list[Arm], runs: list[Run]) -> tuple[dict, dict, dict]:
    """(left, whole, slopes) by n from the runs of along_n's arms: bands of the
    first LEFT_STEPS, bands of the whole runs, and each seed's tail slope."""
    grouped = by_arm(runs)
    left, whole, slopes = {}, {}, {}
    for full, first in zip(arms[::2], arms[1::2], strict=True):
        n, mine = full.config.n, grouped[full.label]
        left[n] = bands([r.frame for r in grouped[first.label]])
        whole[n] = bands([r.frame for r in mine])
        slopes[n] = [tail_exponent(r.frame) for r in mine]
    return left, whole, slopes


def compare_along_n(ns, seeds: int, run=simulate, **scalars):
    """along_n_view of seeds 0..seeds-1, serially (the page meters the same runs:
    ui.tasks.compare)."""
    arms = along_n(ns, **scalars)
    todo = plan(arms, seeds)
    runs = [run_one(arm, seed, COMPARE_COLUMNS, run) for arm, seed in todo]
    return along_n_view(arms, runs)


def bands(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Median and BAND quantiles of loss and log_{ηT} L at each record step."""
    return ensemble_bands(frames, ("loss", "log_eta_t_loss"), BAND)


def seed_band(live: pd.DataFrame, extras: list[pd.DataFrame]) -> pd.DataFrame:
    """Median and BAND quantiles of the loss and L^(-1/3) at each record step, over
    a run's own records (`live`) and those of its extra seeds."""
    frames = [live[list(SEED_COLUMNS)], *extras]
    return ensemble_bands(frames, ("loss", "loss_inv_cbrt"), BAND)


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


@dataclass(frozen=True)
class PhaseRun:
    """A run, its metrics frame, the phases detected in it and neuronlab.summarise."""

    trajectory: Trajectory
    phases: Phases
    summary: dict

    @property
    def frame(self) -> pd.DataFrame:
        return self.trajectory.metrics

    @property
    def h_law_holds(self) -> bool:
        """Whether |H| shrank by 1 - n eta/2 per step in Phase 2 (to H_TOLERANCE)."""
        phases = self.phases
        return abs(phases.h_factor - phases.h_factor_predicted) <= H_TOLERANCE

    @property
    def worst_balance(self) -> float:
        """max h_max/h_min from the end of alignment on (the theorems keep it <= 2;
        NaN if alignment is never reached or some h_i <= 0 throughout)."""
        frame = self.frame
        after = frame.balance[frame.time >= self.phases.t1]
        return float(after.max()) if after.notna().any() else float("nan")


def phase_run(run: Callable = simulate, **fields) -> PhaseRun:
    """The run of RunConfig(**fields) with its detected phases and summary."""
    config = RunConfig(**fields)
    trajectory = run(config)
    phases = detect_phases(trajectory.metrics, config.n, config.eta)
    return PhaseRun(trajectory, phases, summarise(trajectory))


def nearest_records(record_steps: np.ndarray, wanted) -> list[int]:
    """Indices of the records nearest each wanted step (log distance), unique.

    Step 0 is never chosen: its time t = 0 has no place on a log axis.
    """
    candidates = np.flatnonzero(record_steps >= 1)
    logs = np.log(record_steps[candidates].astype(float))
    chosen = {int(candidates[np.argmin(abs(logs - np.log(max(w, 1))))]) for w in wanted}
    return sorted(chosen)[:MAX_SPECTRA]


def spectra_at(trajectory: Trajectory, label: str, wanted) -> pd.DataFrame:
    """Long frame of Hessian eigenvalues at the records nearest `wanted` steps.

    Columns: run, step, time, block ("span" | "complement"), value, multiplicity
    (1 in the span; d - k for each eigenvalue of the complement block).
    """
    rows = []
    for index in nearest_records(trajectory.steps, wanted):
        spectrum = hessian_spectrum(trajectory.weights(index), trajectory.v)
        blocks = [("span", spectrum.span, 1)]
        if spectrum.multiplicity:
            blocks.append(("complement", spectrum.complement, spectrum.multiplicity))
        for block, values, multiplicity in blocks:
            rows.extend(
                {
                    "run": label,
                    "step": int(trajectory.steps[index]),
                    "time": float(trajectory.time[index]),
                    "block": block,
                    "value": float(value),
                    "multiplicity": multiplicity,
                }
                for value in values
            )
    return pd.DataFrame(rows)


def spectra(run: PhaseRun, control: PhaseRun | None, wanted) -> pd.DataFrame:
    """Eigenvalues of `run` at the records nearest `wanted` and, for n >= 2, those
    of its n = 1 control (same σ, η, d and seed: W0's first row)."""
    frames = [spectra_at(run.trajectory, f"n = {run.trajectory.config.n}", wanted)]
    if control is not None:
        frames.append(spectra_at(control.trajectory, CONTROL, wanted))
    return pd.concat(frames, ignore_index=True)


def smallest_table(spectra: pd.DataFrame) -> pd.DataFrame:
    """Smallest eigenvalue per run and step, side by side (one row per step)."""
    smallest = spectra.groupby(["step", "run"]).value.min().unstack("run")
    smallest.columns = [f"λ_min {run.removesuffix(' control')}" for run in smallest]
    times = spectra.groupby("step").time.first()
    return pd.concat([times.rename("t"), smallest], axis=1).reset_index()

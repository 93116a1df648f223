"""The Phases page's numbers: one run, its phases, the Hessian spectrum at chosen steps.

Pure functions over the engine (no Streamlit); ui.story_runs caches them.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import RunConfig, Trajectory, simulate, summarise
from core.phases import Phases, detect_phases
from core.spectrum import hessian_spectrum

# At most this many spectra per view: each is an (n k)-square eigenproblem.
MAX_SPECTRA = 8
# Per-step factors this close agree (a theorem-like run: 1e-7; large σ: 1e-2).
H_TOLERANCE = 1e-4


@dataclass(frozen=True)
class PhaseRun:
    """A run, its metrics frame, the phases detected in it and core.summarise."""

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


def phase_run(
    n: int, d: int, sigma: float, eta: float, steps: int, seed: int
) -> PhaseRun:
    config = RunConfig(n=n, d=d, sigma=sigma, eta=eta, steps=steps, seed=seed)
    trajectory = simulate(config)
    phases = detect_phases(trajectory.metrics, n, eta)
    return PhaseRun(trajectory, phases, summarise(trajectory))


def default_steps(steps: int) -> tuple[int, ...]:
    """Decades 10, 100, ... below the last step, and the last step."""
    decades = [10**j for j in range(1, 12) if 10**j < steps]
    return (*decades, steps)


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


def smallest_table(spectra: pd.DataFrame) -> pd.DataFrame:
    """Smallest eigenvalue per run and step, side by side (one row per step)."""
    smallest = spectra.groupby(["step", "run"]).value.min().unstack("run")
    smallest.columns = [f"λ_min {run.removesuffix(' control')}" for run in smallest]
    times = spectra.groupby("step").time.first()
    return pd.concat([times.rename("t"), smallest], axis=1).reset_index()

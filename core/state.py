"""RunState: a run in progress, as a value (state in, state out; DESIGN §3.6).

A worker advances a state chunk by chunk, showing progress between chunks; any
state can be turned into a Trajectory of the records so far.
"""

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from .config import RunConfig
from .schedule import record_steps


@dataclass(frozen=True)
class Record:
    """One row of the record grid: W (n, k) in the run's coordinates."""

    step: int
    time: float
    W: np.ndarray
    loss: float
    empirical_loss: float = float("nan")


@dataclass(frozen=True)
class RunState:
    """A run after `step` steps (flow: t = eta * step).

    config : the validated config.  basis : (d, k) orthonormal columns, the first
    along v (None for sgd, which runs in R^d).  v : (k,) teacher in those coordinates.
    W : (n, k) current students.  records : the rows recorded so far.
    status : "running" | "completed" | "diverged".  extra : method-specific data
    (sgd: the fixed samples).
    """

    config: RunConfig
    basis: np.ndarray | None
    v: np.ndarray
    W: np.ndarray
    step: int
    time: float
    records: tuple[Record, ...]
    status: str = "running"
    message: str = ""
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.status != "running"

    @property
    def progress(self) -> float:
        """Fraction of the run done (flow: of log(1 + t), its cost scale)."""
        if self.config.method == "flow":
            return float(np.log1p(self.time) / np.log1p(self.config.horizon))
        return self.step / self.config.steps

    @property
    def grid(self) -> np.ndarray:
        return record_steps(self.config.steps)

    def trajectory(self):
        """The records so far as a Trajectory (status "stopped" while running)."""
        from .trajectory import Trajectory

        status, message = self.status, self.message
        if status == "running":
            status = "stopped"
            message = (
                f"stopped at step {self.step:,} of {self.config.steps:,} "
                f"(t = {self.time:.6g})"
            )
        return Trajectory.from_records(self, status, message)


def step_through_grid(state: RunState, max_steps: int, run_steps, snapshot) -> RunState:
    """Advance a stepping method (GD, SGD) by up to max_steps, stopping on each
    record step to record it; shared by the methods so that they cannot drift.

    run_steps(step, n) runs n steps from `step` in place and returns how many it
    did (fewer means divergence); snapshot(step) returns (W, Record) of the state.
    """
    config, grid = state.config, state.grid
    target = min(config.steps, state.step + max_steps)
    step, records, status, message = state.step, [], "running", ""
    while step < target:
        next_record = int(grid[np.searchsorted(grid, step, side="right")])
        stop_at = min(next_record, target)
        step += run_steps(step, stop_at - step)
        if step < stop_at:
            status = "diverged"
            message = diverged_message(step, state.extra["bound"], config)
        if step == next_record or status == "diverged":
            records.append(snapshot(step)[1])
        if status == "diverged":
            break
    if status == "running" and step == config.steps:
        status, message = "completed", f"completed {config.steps:,} steps"
    return dataclasses.replace(
        state,
        W=snapshot(step)[0],
        step=step,
        time=config.eta * step,
        records=state.records + tuple(records),
        status=status,
        message=message,
    )


def diverged_message(step: int, bound: float, config: RunConfig) -> str:
    """Why a run stopped, with the step-size hint of DESIGN §3.5."""
    return (
        f"diverged at step {step:,}: a student's norm would exceed {bound:.3g}, "
        f"the loss was exploding. GD on this loss is stable only for eta below "
        f"about 4/n = {4 / config.n:.3g}; this run used eta = {config.eta:g}."
    )


def divergence_bound(W0: np.ndarray, v: np.ndarray) -> float:
    """Norm no converging run reaches: 1e3 x the problem's own scale."""
    return 1e3 * (float(np.linalg.norm(v)) + float(np.max(np.linalg.norm(W0, axis=1))))

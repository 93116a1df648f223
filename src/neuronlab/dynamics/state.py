"""RunState: a run in progress, as a value (state in, state out; DESIGN §3.6).

A worker advances a state chunk by chunk, showing progress between chunks; any
state can be turned into a Trajectory of the records so far. What a method needs
beyond the students (SGD's samples, the flow solver's step) lives in its own
typed `memory` (neuronlab.dynamics.methods defines one per method).
"""

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from neuronlab.config import RunConfig
from neuronlab.dynamics.schedule import record_steps
from neuronlab.dynamics.trajectory import Trajectory
from neuronlab.optim.optimizers import OPTIMIZERS


@dataclass(frozen=True)
class Record:
    """One row of the record grid: W (n, k) in the run's coordinates."""

    step: int
    time: float
    W: np.ndarray
    loss: float
    empirical_loss: float = float("nan")
    # The optimiser's own numbers at this record (neuronlab.optim.optimizers), by column.
    diagnostics: dict = dataclasses.field(default_factory=dict)
    a: np.ndarray | None = None  # (n,) output weights of a trained layer


@dataclass(frozen=True)
class RunState:
    """A run after `step` steps (flow: t = eta * step).

    config : the validated config.  basis : (d, k) orthonormal columns, the first
    along v (None for runs in R^d: sgd, adam).  v : (k,) teacher in those
    coordinates.  W : (n, k) current students.  records : the rows recorded so
    far.  status : "running" | "completed" | "diverged".  memory : the method's
    own typed state (neuronlab.dynamics.methods).  a : (n,) the output weights
    of a trained layer (config.output "trained"), else None.
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
    memory: Any = None
    a: np.ndarray | None = None

    @property
    def done(self) -> bool:
        return self.status != "running"

    @property
    def progress(self) -> float:
        """Fraction of the run done, on the method's own cost scale: its memory's
        (the flow's log time) where it has one, else steps."""
        measure = getattr(self.memory, "progress", None)
        return measure(self) if measure else self.step / self.config.steps

    @property
    def grid(self) -> np.ndarray:
        return record_steps(self.config.steps)

    def trajectory(self):
        """The records so far as a Trajectory (status "stopped" while running)."""
        status, message = self.status, self.message
        if status == "running":
            status = "stopped"
            message = (
                f"stopped at step {self.step:,} of {self.config.steps:,} "
                f"(t = {self.time:.6g})"
            )
        return Trajectory.from_records(self, status, message)


def deadline_after(max_seconds: float | None) -> float:
    """perf_counter() time by which a call to advance should return (inf: none)."""
    return float("inf") if max_seconds is None else time.perf_counter() + max_seconds


def step_through_grid(
    state: RunState, max_steps: int, deadline: float, run_steps, snapshot
) -> RunState:
    """Advance a stepping method (GD, SGD) by up to max_steps, stopping on each
    record step to record it and returning soon after `deadline`; shared by the
    methods so that they cannot drift.

    run_steps(step, n) runs n steps from `step` in place and returns how many it
    did (fewer means divergence); snapshot(step) returns (W, Record) of the state
    (the record's `a` is the state's too: None for a fixed output layer).
    Where the pieces between clock checks end never changes the result: the
    steps are the same, only the pauses between them move.
    """
    config, grid = state.config, state.grid
    target = min(config.steps, state.step + max_steps)
    step, records, status, message = state.step, [], "running", ""
    pacer = _Pacer(deadline)
    while step < target and not pacer.late():
        next_record = int(grid[np.searchsorted(grid, step, side="right")])
        stop_at = min(next_record, target)
        while step < stop_at and status == "running" and not pacer.late():
            count = pacer.piece(stop_at - step)
            done = run_steps(step, count)
            pacer.ran(done)
            step += done
            if done < count:
                status = "diverged"
                message = diverged_message(step, state.memory.bound, config)
        if step == next_record or status == "diverged":
            records.append(snapshot(step)[1])
        if status == "diverged":
            break
    if status == "running" and step == config.steps:
        status, message = "completed", f"completed {config.steps:,} steps"
    W, last = snapshot(step)
    return dataclasses.replace(
        state,
        W=W,
        a=last.a,
        step=step,
        time=config.eta * step,
        records=state.records + tuple(records),
        status=status,
        message=message,
    )


class _Pacer:
    """How many steps to run before looking at the clock again.

    Without a deadline: everything at once (the fast path). With one: one step
    first, then pieces sized from the measured cost to reach about a quarter of
    the time left, growing at most 64x per piece, so an expensive step (large n,
    Gauss-Newton) overruns the deadline by about one step, never by a chunk.

    The cost is this thread's CPU time per step, not the wall clock's: in a
    server whose page threads hold the GIL, each return from the compiled loop
    waits to take it back. Priced by the wall, that wait looked like the steps'
    cost and the pieces stayed small (a 0.25 s chunk under a thread holding the
    GIL, 50 ms switch interval: 49 to 263 steps; priced by CPU, 12,000 to
    24,000). A thread given a tenth of a core overruns its deadline by about
    one piece, and still computes.
    """

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.size = 1
        self.clock = time.thread_time()
        self.per_step = 0.0

    def late(self) -> bool:
        return self.deadline != float("inf") and time.perf_counter() >= self.deadline

    def piece(self, remaining: int) -> int:
        if self.deadline == float("inf"):
            return remaining
        return max(1, min(remaining, self.size))

    def ran(self, count: int) -> None:
        if self.deadline == float("inf") or count == 0:
            return
        used = time.thread_time()
        self.per_step = (used - self.clock) / count
        self.clock = used
        left = max(self.deadline - time.perf_counter(), 0.0)
        fits = left / 4 / self.per_step if self.per_step > 0 else 64 * self.size
        self.size = int(max(1, min(fits, 64 * self.size, 10**8)))


def diverged_message(step: int, bound: float, config: RunConfig) -> str:
    """Why a run stopped, with its optimiser's step-size hint (DESIGN §3.5)."""
    return (
        f"diverged at step {step:,}: a student's norm would exceed {bound:.3g}, "
        f"the loss was exploding. {OPTIMIZERS[config.optimizer].hint(config)}."
    )


def divergence_bound(W0: np.ndarray, v: np.ndarray) -> float:
    """Norm no converging run reaches: 1e3 x the problem's own scale."""
    return 1e3 * (float(np.linalg.norm(v)) + float(np.max(np.linalg.norm(W0, axis=1))))

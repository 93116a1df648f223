"""A run in chunks of bounded wall time with progress: what a caller needs to
show a run live, stop it between chunks, or pause it at a step.

A Meter runs configs chunk by chunk (neuronlab.advance with max_seconds), calling
`progress(share, partial)` after each, where share is the estimated part of the
whole work done; `progress` may raise Stopped to end the work. The numbers never
depend on the chunks. COST learns this process's cost per estimated second from
every chunk (neuronlab.runs.cost), in the thread's CPU seconds: the compute, not
the time it waited for a core other jobs were using.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from neuronlab.config import RunConfig
from neuronlab.dynamics.run import RunState, advance, start_run
from neuronlab.dynamics.trajectory import Trajectory
from neuronlab.runs.cost import Cost
from neuronlab.runs.warmup import estimate_seconds

CHUNK_SECONDS = 0.25
COST = Cost()  # one per process: what its finished chunks took, per estimated second


class Stopped(Exception):
    """Raised by progress() inside metered work (or at a pause); says why."""


@dataclass(frozen=True)
class Live:
    """A run in progress: its state and the steps per second of this job."""

    state: RunState
    steps_per_second: float

    @cached_property
    def trajectory(self) -> Trajectory:
        """The records so far (built once per state; freed with the job)."""
        return self.state.trajectory()


class Meter:
    """Runs configs chunk by chunk, reporting the job's share of `total` seconds
    of estimated work done."""

    def __init__(self, progress: Callable, total: float):
        self.progress, self.total, self.done = progress, max(total, 1e-9), 0.0

    def reach(self, done: float, partial=None) -> None:
        """`done` seconds of the estimate are behind us (a part came from cache)."""
        self.done = done
        self.progress(done / self.total, partial)

    def advance(self, state: RunState, publish=None, until=0) -> RunState:
        """`state` run to its end (or paused at step `until`, if given: Stopped);
        publish(state, steps/s) after every chunk."""
        weight, start, first = estimate_seconds(state.config), self.done, state
        began, left = time.perf_counter(), max(1 - first.progress, 1e-9)
        while not state.done:
            now = time.perf_counter()
            rate = (state.step - first.step) / max(now - began, 1e-9)
            # This job's share: a resumed run has only its remaining part to do.
            share = (
                start + weight * (state.progress - first.progress) / left
            ) / self.total
            self.progress(share, publish(state, rate) if publish else None)
            if until and state.step >= until:
                raise Stopped(f"paused at step {state.step:,} (Step)")
            steps = (until or state.config.steps) - state.step
            # From here: progress() may have waited (a caller's queue, a redraw).
            before, previous = state.progress, time.thread_time()
            state = advance(state, max_steps=steps, max_seconds=CHUNK_SECONDS)
            estimated = weight * (state.progress - before)
            COST.observe(state.config.method, estimated, time.thread_time() - previous)
        self.done = start + weight
        return state

    def run(self, config: RunConfig, W0=None, v=None) -> Trajectory:
        """The Trajectory of `config` (the signature of neuronlab.simulate)."""
        return self.advance(start_run(config, W0, v)).trajectory()

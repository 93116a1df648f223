"""The methods behind one protocol (DESIGN §2): how a run starts and advances.

`method` says what the gradient is and what time means: population GD, gradient
flow, finite-sample GD. Each entry of METHODS starts a run from (W0, v) and
advances a RunState by a budget of steps and wall-clock seconds; its own state
lives in a typed `RunState.memory`. A new method is one entry here.
"""

from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from neuronlab.dynamics.discrete import advance_steps, start_reduced, start_samples
from neuronlab.dynamics.flow import FlowMemory, advance_flow
from neuronlab.dynamics.state import RunState


class Method(Protocol):
    def start(self, config, W0: np.ndarray, v: np.ndarray) -> RunState:
        """Step 0, its record included: W0 (n, d), v (d,) in the original space."""

    def advance(self, state: RunState, max_steps: int, deadline: float) -> RunState:
        """Up to max_steps more steps, returning soon after the perf_counter()
        `deadline` (inf: none). The numbers never depend on the budget."""


@dataclass(frozen=True)
class _Entry:
    start: object
    advance: object


def _start_flow(config, W0, v) -> RunState:
    """The flow starts where GD does (a trained layer's a_i = 1 included) and
    then carries no optimiser state."""
    return replace(start_reduced(config, W0, v), memory=FlowMemory())


METHODS: dict[str, Method] = {
    "gd": _Entry(start_reduced, advance_steps),
    "flow": _Entry(_start_flow, advance_flow),
    "sgd": _Entry(start_samples, advance_steps),
}

"""Population gradient descent in reduced coordinates, chunk by chunk."""

from dataclasses import dataclass

import numpy as np

from . import kernels
from .reduction import reduce
from .state import Record, RunState, divergence_bound, step_through_grid


@dataclass(frozen=True)
class GDMemory:
    """bound : the norm a converging run never reaches (the divergence guard)."""

    bound: float


def evaluate_loss(W: np.ndarray, v: np.ndarray) -> float:
    """Population loss (eq. 23) of W (n, k) for teacher v (k,)."""
    n, k = W.shape
    return float(kernels.loss(kernels.stack(W, v), *kernels.Workspace(n, k).arrays()))


def start_reduced(config, W0: np.ndarray, v: np.ndarray) -> RunState:
    """Step 0 in the exact reduced span{v, w_i(0)} (DESIGN §3.3), first record in.
    Shared by the methods whose iterates never leave the span (GD, flow)."""
    reduced = reduce(W0, v)
    return RunState(
        config=config,
        basis=reduced.basis,
        v=reduced.v,
        W=reduced.W,
        step=0,
        time=0.0,
        records=(
            Record(0, 0.0, reduced.W.copy(), evaluate_loss(reduced.W, reduced.v)),
        ),
        memory=GDMemory(divergence_bound(W0, v)),
    )


def advance_gd(state: RunState, max_steps: int, deadline: float) -> RunState:
    """Up to max_steps more GD steps in the compiled loop, recording on the grid."""
    config = state.config
    X = kernels.stack(state.W, state.v)
    n, k = state.W.shape
    work = kernels.Workspace(n, k).arrays()
    bound = state.memory.bound

    def run_steps(step, count):
        return kernels.gd_steps(X, config.eta, count, bound, *work)

    def snapshot(step):
        W = X[:n].copy()
        return W, Record(step, config.eta * step, W, kernels.loss(X, *work))

    return step_through_grid(state, max_steps, deadline, run_steps, snapshot)

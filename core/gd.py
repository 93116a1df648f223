"""Population gradient descent in reduced coordinates, chunk by chunk."""

import numpy as np

from . import kernels
from .state import Record, RunState, divergence_bound, step_through_grid


def evaluate_loss(W: np.ndarray, v: np.ndarray) -> float:
    """Population loss (eq. 23) of W (n, k) for teacher v (k,)."""
    n, k = W.shape
    return float(kernels.loss(kernels.stack(W, v), *kernels.Workspace(n, k).arrays()))


def advance_gd(state: RunState, max_steps: int) -> RunState:
    """Up to max_steps more GD steps in the compiled loop, recording on the grid."""
    config = state.config
    X = kernels.stack(state.W, state.v)
    n, k = state.W.shape
    work = kernels.Workspace(n, k).arrays()
    bound = state.extra["bound"]

    def run_steps(step, count):
        return kernels.gd_steps(X, config.eta, count, bound, *work)

    def snapshot(step):
        W = X[:n].copy()
        return W, Record(step, config.eta * step, W, kernels.loss(X, *work))

    return step_through_grid(state, max_steps, run_steps, snapshot)


def initial_extra(W0: np.ndarray, v: np.ndarray) -> dict:
    return {"bound": divergence_bound(W0, v)}

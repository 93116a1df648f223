"""Population gradient descent, chunk by chunk: in the reduced span (DESIGN §3.3),
or in R^d for optimisers that are not rotation-equivariant (Adam)."""

import dataclasses
from dataclasses import dataclass

import numpy as np

from neuronlab.dynamics.state import (
    Record,
    RunState,
    divergence_bound,
    step_through_grid,
)
from neuronlab.models import kernels
from neuronlab.models.reduction import reduce
from neuronlab.models.registry import model_of, workspace
from neuronlab.optim.optimizers import OPTIMIZERS, population_source


@dataclass(frozen=True)
class GDMemory:
    """bound : the norm a converging run never reaches (the divergence guard).
    optimizer : the optimiser's own arrays (neuronlab.optim.optimizers), e.g. W_prev."""

    bound: float
    optimizer: tuple[np.ndarray, ...] = ()


def evaluate_loss(config, W: np.ndarray, v: np.ndarray) -> float:
    """Population loss of W (n, k) for teachers v ((k,) or (m, k)) under
    config's activation (eq. 23 for relu)."""
    work = workspace(config, *W.shape)
    return float(model_of(config).loss(kernels.stack(W, v), *work))


def start_reduced(config, W0: np.ndarray, v: np.ndarray) -> RunState:
    """Step 0 in the exact reduced span{v, w_i(0)} (DESIGN §3.3), first record in;
    in R^d itself (basis None) where the optimiser leaves the span (Adam)."""
    if config.runs_in_full_space:
        basis, W, teacher = None, np.ascontiguousarray(W0), np.ascontiguousarray(v)
    else:
        reduced = reduce(W0, v)
        basis, W, teacher = reduced.basis, reduced.W, reduced.v
    return RunState(
        config=config,
        basis=basis,
        v=teacher,
        W=W,
        step=0,
        time=0.0,
        records=(Record(0, 0.0, W.copy(), evaluate_loss(config, W, teacher)),),
        memory=GDMemory(
            divergence_bound(W0, v), OPTIMIZERS[config.optimizer].arrays(W)
        ),
    )


def advance_gd(state: RunState, max_steps: int, deadline: float) -> RunState:
    """Up to max_steps more steps of the run's optimiser in its compiled loop,
    recording on the grid."""
    config = state.config
    optimizer = OPTIMIZERS[config.optimizer]
    X = kernels.stack(state.W, state.v)
    n, k = state.W.shape
    work = workspace(config, n, k)
    loss = model_of(config).loss
    source = population_source(k)
    bound = state.memory.bound
    arrays = tuple(a.copy() for a in state.memory.optimizer)

    def run_steps(step, count):
        return optimizer.run(config, X, source, step, arrays, count, bound, work)

    def snapshot(step):
        W = X[:n].copy()
        notes = optimizer.diagnostics(config, X, source, step, arrays, work)
        return W, Record(step, config.eta * step, W, loss(X, *work), diagnostics=notes)

    state = step_through_grid(state, max_steps, deadline, run_steps, snapshot)
    kept = tuple(a.copy() for a in arrays)
    return dataclasses.replace(state, memory=GDMemory(bound, kept))

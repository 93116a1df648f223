"""Finite-sample GD: `samples` fixed Gaussian inputs, minibatches of `batch`.

The gradient of the empirical loss leaves span{v, w_i}, so this runs in R^d;
the minibatch kernels are in neuronlab.dynamics.samples, the step rule in neuronlab.optim.optimizers.
"""

import dataclasses
from dataclasses import dataclass

import numpy as np

from neuronlab.dynamics.samples import empirical_loss
from neuronlab.dynamics.state import (
    Record,
    RunState,
    divergence_bound,
    step_through_grid,
)
from neuronlab.models import kernels
from neuronlab.models.registry import model_of, workspace
from neuronlab.optim.optimizers import OPTIMIZERS


@dataclass(frozen=True)
class SGDMemory:
    """samples : (samples, d) the fixed Gaussian inputs.  bound : the divergence
    guard's norm.  optimizer : the optimiser's own arrays (neuronlab.optim.optimizers)."""

    samples: np.ndarray
    bound: float
    optimizer: tuple[np.ndarray, ...] = ()


def _record(step, config, W, v, X, diagnostics=None) -> Record:
    model = model_of(config)
    population = model.loss(kernels.stack(W, v), *workspace(config, *W.shape))
    empirical = empirical_loss(model, W, kernels.teacher_rows(v), X, config.alpha)
    return Record(
        step, config.eta * step, W.copy(), population, empirical, diagnostics or {}
    )


def start_sgd(config, W0: np.ndarray, v: np.ndarray) -> RunState:
    """Draw the fixed samples from default_rng((seed, 1)): a stream apart from W0's."""
    X = np.random.default_rng((config.seed, 1)).standard_normal(
        (config.samples, config.d)
    )
    W0 = np.ascontiguousarray(W0)
    arrays = OPTIMIZERS[config.optimizer].arrays(W0)
    return RunState(
        config=config,
        basis=None,
        v=v,
        W=W0,
        step=0,
        time=0.0,
        records=(_record(0, config, W0, v, X),),
        memory=SGDMemory(X, divergence_bound(W0, v), arrays),
    )


def advance_sgd(state: RunState, max_steps: int, deadline: float) -> RunState:
    """Up to max_steps more minibatch steps of the run's optimiser, recording on
    the grid."""
    config, samples = state.config, state.memory.samples
    optimizer = OPTIMIZERS[config.optimizer]
    X = kernels.stack(state.W, state.v)
    n, d = state.W.shape
    work = workspace(config, n, d)
    perm = np.empty(config.samples, dtype=np.int64)
    source = (samples, perm, config.batch_size, config.seed)
    bound = state.memory.bound
    arrays = tuple(a.copy() for a in state.memory.optimizer)

    def run_steps(step, count):
        return optimizer.run(config, X, source, step, arrays, count, bound, work)

    def snapshot(step):
        W = X[:n].copy()
        notes = optimizer.diagnostics(config, X, source, step, arrays, work)
        return W, _record(step, config, W, state.v, samples, notes)

    state = step_through_grid(state, max_steps, deadline, run_steps, snapshot)
    kept = tuple(a.copy() for a in arrays)
    return dataclasses.replace(state, memory=SGDMemory(samples, bound, kept))

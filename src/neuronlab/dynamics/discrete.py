"""Discrete steps, chunk by chunk: population GD in the reduced span (DESIGN
§3.3), or in R^d for optimisers that are not rotation-equivariant (Adam); and
finite-sample GD (`samples` fixed Gaussian inputs, minibatches of `batch`),
whose gradient leaves span{v, w_i}, in R^d. Both run the optimiser's steps
through the one compiled loop (neuronlab.dynamics.loop); they differ only in
the data of the gradient and in the records' empirical loss.
"""

import dataclasses
from dataclasses import dataclass

import numpy as np

from neuronlab.dynamics.samples import empirical_loss, no_samples, sample_data
from neuronlab.dynamics.state import (
    Record,
    RunState,
    divergence_bound,
    step_through_grid,
)
from neuronlab.models import kernels, output
from neuronlab.models.reduction import reduce
from neuronlab.models.registry import model_of, workspace
from neuronlab.optim.optimizers import OPTIMIZERS


@dataclass(frozen=True)
class StepMemory:
    """bound : the norm a converging run never reaches (the divergence guard).
    optimizer : the optimiser's own arrays (neuronlab.optim.optimizers).
    samples : (samples, d) finite-sample GD's fixed inputs; None: population."""

    bound: float
    optimizer: tuple[np.ndarray, ...] = ()
    samples: np.ndarray | None = None


def _record(config, step, X, W, v, samples, work, diagnostics=None, a=None) -> Record:
    """The record of W (X = [W; V], `work` its workspace, whose signs hold the
    output weights a (n,) of a trained layer) at `step`."""
    model = model_of(config)
    loss = model.loss(X, *work)
    empirical = float("nan")
    if samples is not None:
        V = kernels.teacher_rows(v)
        empirical = empirical_loss(model, W, V, samples, config.alpha, a)
    return Record(step, config.eta * step, W, loss, empirical, diagnostics or {}, a)


def trained(config) -> bool:
    return config.output == "trained"


def _outer(config, W, a):
    """The loop's output-layer argument (neuronlab.models.output)."""
    if a is None:
        return output.fixed_output()
    return output.trained_output(W, a, model_of(config).degree)


def start_reduced(config, W0: np.ndarray, v: np.ndarray) -> RunState:
    """Step 0 of population GD in the exact reduced span{v, w_i(0)} (DESIGN
    §3.3), first record in; in R^d itself (basis None) where the optimiser
    leaves the span (Adam). Gradient flow starts here too."""
    if config.runs_in_full_space:
        basis, W, teacher = None, np.ascontiguousarray(W0), np.ascontiguousarray(v)
    else:
        reduced = reduce(W0, v)
        basis, W, teacher = reduced.basis, reduced.W, reduced.v
    return _start(config, basis, W, teacher, divergence_bound(W0, v), None)


def start_samples(config, W0: np.ndarray, v: np.ndarray) -> RunState:
    """Step 0 of finite-sample GD, in R^d; the fixed samples are drawn from
    default_rng((seed, 1)): a stream apart from W0's."""
    X = np.random.default_rng((config.seed, 1)).standard_normal(
        (config.samples, config.d)
    )
    W = np.ascontiguousarray(W0)
    return _start(config, None, W, v, divergence_bound(W0, v), X)


def _start(config, basis, W, v, bound, samples) -> RunState:
    """Step 0; a trained output layer starts at a_i = 1, so its first record is
    the fixed layer's."""
    work = workspace(config, *W.shape)
    a = np.ones(len(W)) if trained(config) else None
    first = _record(config, 0, kernels.stack(W, v), W.copy(), v, samples, work,
                    a=None if a is None else a.copy())  # fmt: skip
    # The optimiser's state has the shape of what it moves: W, or P = [W | a].
    moved = W if a is None else _outer(config, W, a)[0]
    arrays = OPTIMIZERS[config.optimizer].arrays(config, moved)
    return RunState(
        config=config,
        basis=basis,
        v=v,
        W=W,
        step=0,
        time=0.0,
        records=(first,),
        memory=StepMemory(bound, arrays, samples),
        a=a,
    )


def advance_steps(state: RunState, max_steps: int, deadline: float) -> RunState:
    """Up to max_steps more steps of the run's optimiser in the compiled loop,
    recording on the grid."""
    config, memory = state.config, state.memory
    optimizer = OPTIMIZERS[config.optimizer]
    X = kernels.stack(state.W, state.v)
    n, k = state.W.shape
    work = workspace(config, n, k)
    outer = _outer(config, state.W, state.a)
    if state.a is not None:
        work[0][:n] = state.a  # the signs: the loss and gradient of a sum a_i s(.)
    if memory.samples is None:
        data = no_samples(k)
    else:
        data = sample_data(memory.samples, config.batch_size, config.seed, len(X))
    arrays = tuple(a.copy() for a in memory.optimizer)

    def run_steps(step, count):
        bound = memory.bound
        return optimizer.take_steps(config, X, data, step, arrays, count, bound,
                                    work, outer)  # fmt: skip

    def snapshot(step):
        W = X[:n].copy()
        a = None if state.a is None else work[0][:n].copy()
        notes = optimizer.diagnostics(config, X, data, step, arrays, work)
        record = _record(config, step, X, W, state.v, memory.samples, work, notes, a)
        return W, record

    state = step_through_grid(state, max_steps, deadline, run_steps, snapshot)
    kept = tuple(a.copy() for a in arrays)
    return dataclasses.replace(
        state, memory=dataclasses.replace(memory, optimizer=kept)
    )

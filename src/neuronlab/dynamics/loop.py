"""The one compiled discrete step loop.

`steps` runs up to n_steps steps on the student rows of X = [W; V] in place
and returns how many it did: fewer means the next step was refused by the
guard (neuronlab.dynamics.guard: not finite, or some |w_i| above `bound`), X
then holding the last finite state. Per step:

- the gradient at X's students: the model's population kernel, a typed
  first-class function (one cached compile serves every model), or, when
  `data` holds samples, the sum over the step's minibatch
  (neuronlab.dynamics.samples.minibatch, with the model's per-sample kernel);
- the optimiser's update `rule` (neuronlab.optim.steps): it turns the
  gradient into the next iterate through the guard, keeping its own arrays in
  `state` and `scalars`, which the caller keeps, so a run can stop after any
  step and resume with the same numbers. Nesterov takes its gradient at a
  point ahead (its lookahead).

A trained output layer (neuronlab.models.output) is `outer`'s P = [W | a]:
the update rule then moves P by the chained gradient GP, and P is loaded into
X and the signs before each gradient; with `outer`'s P empty (the paper's
fixed a_i = 1) the loop is the one it was, plus a never-taken branch.

The update is picked by an integer, not passed as a first-class function:
calls through function pointers cannot be inlined, and an update, a lookahead
and a minibatch passed so made a step at n = 3, d = 10 take 1.2x (GD), 1.4x
(momentum), 1.6x (Nesterov) its time (measured against the loops this one
replaced). A new rule is a branch below and its update in optim.steps.
Gauss-Newton's trial search is its own loop (neuronlab.optim.gauss_newton)
on the same gradient and guard.
"""

import numpy as np
from numba import njit, types

from neuronlab.dynamics.samples import DATA, minibatch, no_samples
from neuronlab.models import output
from neuronlab.models.kernels import (
    ACTIVATION,
    C1,
    C2,
    C3,
    GRADIENT,
    WORK,
    typed,
    typed_kernel,
)
from neuronlab.models.pairs import KERNEL
from neuronlab.optim import steps as rules


@njit(**KERNEL, inline="always")
def gradient_at(X, step, offset, data, gradient, activation, work):
    """The gradient at X's students into work's G, as a sum over the returned
    count of samples (1.0: the population gradient itself)."""
    sign, norms, U, theta, sin_theta, r, G, XT, A, params = work
    if data[0].shape[0] == 0:
        gradient(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params)
        return 1.0
    return minibatch(X, G, step, offset, data, activation, params[0], sign)


@njit(**KERNEL)
def steps(X, start, n_steps, bound, data, gradient, activation, rule, state,
          scalars, work, outer):  # fmt: skip
    """Steps start..start+n_steps-1 of update `rule` on X's students (or on
    outer's P = [W | a], then loaded into X) in place; returns the steps done
    (fewer: the guard refused the next)."""
    G = work[6]
    P, GP, degree = outer
    trained = P.shape[0] > 0
    target, grad = (P, GP) if trained else (X, G)
    for offset in range(n_steps):
        if rule == rules.NESTEROV:
            rules.nesterov_lookahead(target, state, scalars)
        if trained:
            output.load(P, X, work[0])
        count = gradient_at(X, start + offset, offset, data, gradient, activation,
                            work)  # fmt: skip
        if trained:
            output.chain(X, G, P, GP, degree)
        if rule == rules.GD:
            taken = rules.gd_update(target, grad, count, state, scalars, bound)
        elif rule == rules.MOMENTUM:
            taken = rules.momentum_update(target, grad, count, state, scalars, bound)
        elif rule == rules.NESTEROV:
            taken = rules.nesterov_update(target, grad, count, state, scalars, bound)
        else:
            taken = rules.adam_update(target, grad, count, state, scalars, bound)
        if not taken:
            n_steps = offset
            break
    if trained:  # X and the signs hold the state reached, for its record
        output.load(P, X, work[0])
    return n_steps


STEPS = types.int64(
    C2, types.int64, types.int64, types.float64, DATA, types.FunctionType(GRADIENT),
    types.FunctionType(ACTIVATION), types.int64, C3, C1, types.Tuple(WORK),
    output.OUTER,
)  # fmt: skip


def run(X, start, n_steps, bound, data, model, rule, state, scalars, work,
        outer=None) -> int:  # fmt: skip
    """`steps` with `model`'s kernels (a neuronlab.models.registry.Model),
    compiled for their types: one overload serves every model and rule.
    outer : neuronlab.models.output's (P, GP, p) (None: output fixed at 1)."""
    typed_kernel(model.gradient, GRADIENT)
    typed_kernel(model.activation, ACTIVATION)
    outer = output.fixed_output() if outer is None else outer
    return typed(steps, STEPS)(X, start, n_steps, bound, data, model.gradient,
                               model.activation, rule, state, scalars, work,
                               outer)  # fmt: skip


def run_gd(model, X, eta, n_steps, bound, work) -> int:
    """Population GD steps (the paper's) through the loop: for benchmarks."""
    state, scalars = np.empty((0, *work[6].shape)), np.array([float(eta)])
    data = no_samples(X.shape[1])
    return run(X, 0, n_steps, bound, data, model, rules.GD, state, scalars, work)

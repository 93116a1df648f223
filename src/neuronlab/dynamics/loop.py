"""The one compiled discrete step loop, and its guard.

`steps` runs up to n_steps steps on the student rows of X = [W; V] in place
and returns how many it did: fewer means the next step was refused by the
guard (not finite, or some |w_i| above `bound`), X then holding the last
finite state. What varies arrives as typed first-class functions, so one
cached compile serves every model, gradient and optimiser:

- the gradient: the model's population kernel (GRADIENT), or, when `data`
  holds samples, a minibatch kernel (MINIBATCH, neuronlab.dynamics.samples)
  that leaves the sum over the batch in G and returns the batch's size;
- the optimiser: `lookahead` moves X to where the gradient is taken
  (Nesterov's extrapolation; a no-op for the others) and `update` turns the
  gradient into the next iterate, through the guard (`commit`), keeping its
  own arrays in `state` (UPDATE, neuronlab.optim.steps).

Gauss-Newton's trial search is its own loop (neuronlab.optim.gauss_newton)
on the same gradient and guard (it says why).
"""

import math

import numpy as np
from numba import njit, types

from neuronlab.dynamics.samples import DATA, MINIBATCH, minibatch, no_samples
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

# Coordinates below this share of the divergence bound (1e3 x the problem's
# scale) are set to 0: no record can see them (the loss resolves ~1e-32 |v|^2),
# while they decay on into subnormal numbers, which cost ~100x per operation
# on x86 (measured: 3 teachers, 3 students at 5.2 us/step instead of 0.3).
FLUSH_BELOW = 1e-150


@njit(**KERNEL)
def within(W, bound):
    """Every row of W finite and of norm <= bound."""
    for i in range(W.shape[0]):
        total = 0.0
        for m in range(W.shape[1]):
            total += W[i, m] * W[i, m]
        if not total <= bound * bound:  # also catches NaN
            return False
    return True


@njit(**KERNEL)
def flush_into(X, new, bound):
    """X's student rows <- new (n, k), coordinates below FLUSH_BELOW * bound
    (finite bounds) set to 0."""
    flush = FLUSH_BELOW * bound if bound < math.inf else 0.0
    for i in range(new.shape[0]):
        for m in range(new.shape[1]):
            x = new[i, m]
            X[i, m] = x if abs(x) >= flush else 0.0


@njit(**KERNEL)
def commit(X, new, bound):
    """The guard: X's students <- new if `within(new, bound)` (then True);
    otherwise X is left as it was and False returned."""
    if not within(new, bound):
        return False
    flush_into(X, new, bound)
    return True


# update(X, G, count, state, scalars, bound) -> accepted; G sums `count` samples.
UPDATE = types.boolean(C2, C2, types.float64, C3, C1, types.float64)
# lookahead(X, state, scalars): where the next gradient is taken, in X.
LOOKAHEAD = types.void(C2, C3, C1)


@njit(**KERNEL)
def no_lookahead(X, state, scalars):
    """The gradient at the iterate itself (every optimiser but Nesterov)."""


@njit(**KERNEL)
def gd_update(X, G, count, state, scalars, bound):
    """W+ = W - eta g, g = G / count: state (1, n, k) holds the proposal;
    scalars [eta]. eta / count, not eta * (G / count): the finite-sample GD
    loop's rounding since it was written (the pinned runs)."""
    n, k = G.shape
    new = state[0]
    rate = scalars[0] / count
    for i in range(n):
        for m in range(k):
            new[i, m] = X[i, m] - rate * G[i, m]
    return commit(X, new, bound)


@njit(**KERNEL, inline="always")
def gradient_at(X, step, offset, data, gradient, minibatch, activation, work):
    """The gradient at X's students into work's G, as a sum over the returned
    count of samples (1.0: the population gradient itself). Inlined: a call
    carrying the workspace through a function pointer costs ~0.1 us a step."""
    sign, norms, U, theta, sin_theta, r, G, XT, A, params = work
    if data[0].shape[0] == 0:
        gradient(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params)
        return 1.0
    return minibatch(X, G, step, offset, data, activation, params[0])


@njit(**KERNEL)
def steps(X, start, n_steps, bound, data, gradient, minibatch, activation,
          lookahead, update, state, scalars, work):  # fmt: skip
    """Steps start..start+n_steps-1 of an optimiser on X's students in place;
    returns the steps done (fewer: the guard refused the next)."""
    G = work[6]
    for offset in range(n_steps):
        lookahead(X, state, scalars)
        count = gradient_at(X, start + offset, offset, data, gradient, minibatch,
                            activation, work)  # fmt: skip
        if not update(X, G, count, state, scalars, bound):
            return offset
    return n_steps


STEPS = types.int64(
    C2, types.int64, types.int64, types.float64, DATA,
    types.FunctionType(GRADIENT), types.FunctionType(MINIBATCH),
    types.FunctionType(ACTIVATION), types.FunctionType(LOOKAHEAD),
    types.FunctionType(UPDATE), C3, C1, types.Tuple(WORK),
)  # fmt: skip


def run(X, start, n_steps, bound, data, model, lookahead, update, state, scalars,
        work) -> int:  # fmt: skip
    """`steps` for `model` (a neuronlab.models.registry.Model) with every
    function argument compiled for its type: one overload serves them all."""
    for kernel, signature in (
        (model.gradient, GRADIENT), (model.activation, ACTIVATION),
        (minibatch, MINIBATCH), (lookahead, LOOKAHEAD), (update, UPDATE),
    ):  # fmt: skip
        typed_kernel(kernel, signature)
    return typed(steps, STEPS)(
        X, start, n_steps, bound, data, model.gradient, minibatch, model.activation,
        lookahead, update, state, scalars, work,
    )  # fmt: skip


def run_gd(model, X, eta, n_steps, bound, work) -> int:
    """Population GD steps (the paper's) through the loop: for benchmarks."""
    state, scalars = np.empty((1, *work[6].shape)), np.array([float(eta)])
    data = no_samples(X.shape[1])
    return run(X, 0, n_steps, bound, data, model, no_lookahead, gd_update, state,
               scalars, work)  # fmt: skip

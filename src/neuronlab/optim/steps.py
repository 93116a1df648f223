"""The optimisers' steps as update rules of the one loop (neuronlab.dynamics.loop).

Each update gets the gradient at the point its lookahead chose (Nesterov's;
the iterate itself for the others), as the sum G over `count` samples (1.0:
the population gradient), turns it into the next iterate and passes that
through the guard (neuronlab.dynamics.guard); it returns False, leaving X and
its own arrays as they were, when the guard refuses. Its arrays live in
`state` (s, n, k) and `scalars`, which the caller keeps, so a run can stop
after any step and resume with the same numbers. A new rule is a function
here, a code below and one branch in the loop.

Momentum, Nesterov and Adam take the mean G * (1 / count) (`mean_gradient`),
GD the step (eta / count) G: the roundings each had on finite samples since
they were written (the pinned runs).
"""

import math

from numba import njit

from neuronlab.dynamics.guard import commit, flush_into, guarded_step, within
from neuronlab.models.pairs import KERNEL

# The loop's update rules (neuronlab.dynamics.loop.steps' `rule`).
GD, MOMENTUM, NESTEROV, ADAM = 0, 1, 2, 3


@njit(**KERNEL)
def gd_update(X, G, count, state, scalars, bound):
    """W+ = W - (eta / count) G: the paper's step. scalars: [eta]; no state."""
    return guarded_step(X, G, scalars[0] / count, bound)


@njit(**KERNEL)
def mean_gradient(G, count):
    """G <- G * (1 / count), in place; a population gradient (count 1.0) is
    left alone (no multiplication on the hot path)."""
    if count != 1.0:
        inverse = 1.0 / count
        for i in range(G.shape[0]):
            for m in range(G.shape[1]):
                G[i, m] *= inverse


@njit(**KERNEL)
def momentum_update(X, G, count, state, scalars, bound):
    """Heavy ball W+ = W - eta g(W) + beta (W - W_prev). state: [W_prev,
    proposal]; scalars: [eta, beta]."""
    n, k = G.shape
    previous, new = state[0], state[1]
    eta, beta = scalars[0], scalars[1]
    mean_gradient(G, count)
    for i in range(n):
        for m in range(k):
            new[i, m] = X[i, m] - eta * G[i, m] + beta * (X[i, m] - previous[i, m])
    if not within(new, bound):
        return False
    for i in range(n):
        for m in range(k):
            previous[i, m] = X[i, m]
    flush_into(X, new, bound)
    return True


@njit(**KERNEL)
def nesterov_lookahead(X, state, scalars):
    """Y = W + beta (W - W_prev) into X's students, W kept in state[2]: X
    holds Y only while the gradient is taken."""
    previous, W = state[0], state[2]
    beta = scalars[1]
    for i in range(W.shape[0]):
        for m in range(W.shape[1]):
            W[i, m] = X[i, m]
            X[i, m] = W[i, m] + beta * (W[i, m] - previous[i, m])


@njit(**KERNEL)
def nesterov_update(X, G, count, state, scalars, bound):
    """Nesterov: W+ = Y - eta g(Y). state: [W_prev, proposal, W]; scalars:
    [eta, beta]. Refused, X goes back to W."""
    n, k = G.shape
    previous, new, W = state[0], state[1], state[2]
    eta = scalars[0]
    mean_gradient(G, count)
    for i in range(n):
        for m in range(k):
            new[i, m] = X[i, m] - eta * G[i, m]
    if not within(new, bound):
        for i in range(n):
            for m in range(k):
                X[i, m] = W[i, m]
        return False
    for i in range(n):
        for m in range(k):
            previous[i, m] = W[i, m]
    flush_into(X, new, bound)
    return True


# Adam's scalars: [eta, beta1, beta2, eps, beta1^t, beta2^t].
ADAM_POWERS = 4


@njit(**KERNEL)
def adam_update(X, G, count, state, scalars, bound):
    """Adam (bias-corrected). state: [m, v, m+, v+, proposal]; the powers
    beta^t are running products from t = 0, the same multiplications however
    a run is paused (and no pow per step)."""
    n, k = G.shape
    eta, beta1, beta2, eps = scalars[0], scalars[1], scalars[2], scalars[3]
    power1 = scalars[ADAM_POWERS] * beta1
    power2 = scalars[ADAM_POWERS + 1] * beta2
    # Reciprocals once per step: one division per coordinate, not three.
    step1, inverse2 = eta / (1.0 - power1), 1.0 / (1.0 - power2)
    mean_gradient(G, count)
    # Flat views, and two loops of few arrays each: LLVM vectorises a loop only
    # if it can check at run time that its arrays do not overlap, and gives up
    # past a few of them (measured at n = 10, d = 20: the update took 0.71 us
    # with one loop over rows and coordinates, 0.41 us so; the same numbers).
    s = state.reshape(state.shape[0], n * k)
    g_flat, x_flat = G.reshape(n * k), X[:n].reshape(n * k)
    for j in range(n * k):
        g = g_flat[j]
        s[2, j] = beta1 * s[0, j] + (1.0 - beta1) * g  # the first moment
        s[3, j] = beta2 * s[1, j] + (1.0 - beta2) * g * g  # the second
    for j in range(n * k):
        scale = math.sqrt(s[3, j] * inverse2) + eps
        s[4, j] = x_flat[j] - step1 * s[2, j] / scale  # the proposal
    if not commit(X, state[4], bound):
        return False
    for j in range(n * k):
        s[0, j] = s[2, j]
        s[1, j] = s[3, j]
    scalars[ADAM_POWERS], scalars[ADAM_POWERS + 1] = power1, power2
    return True

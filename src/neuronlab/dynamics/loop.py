"""The compiled GD step loop on the population gradient: `gd_steps` runs a
model's GRADIENT kernel (neuronlab.models.kernels) step after step in place,
with the guard every discrete loop shares (`guarded_update`: stop before a
non-finite or diverging step; flush coordinates that would turn subnormal).
"""

import math

from numba import njit, types

from neuronlab.models.kernels import C2, GRADIENT, WORK, typed
from neuronlab.models.pairs import KERNEL


@njit(**KERNEL)
def gd_steps(X, eta, n_steps, bound, gradient, sign, norms, U, theta, sin_theta,
             r, G, XT, A, params):  # fmt: skip
    """Run up to n_steps GD steps on the student rows of X = [W; V] in place with
    the model's `gradient` (a GRADIENT kernel); return the number of steps done.

    Stops early, before applying it, at a step whose gradient is not finite or
    would take some |w_i| above `bound`: X then holds the last finite state.
    """
    for step in range(n_steps):
        gradient(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params)
        if not guarded_update(X, G, eta, bound):
            return step
    return n_steps


GD_STEPS = types.int64(
    C2, types.float64, types.int64, types.float64, types.FunctionType(GRADIENT), *WORK
)


# Coordinates below this share of the divergence bound (1e3 x the problem's
# scale) are set to 0: no record can see them (the loss resolves ~1e-32 |v|^2),
# while they decay on into subnormal numbers, which cost ~100x per operation
# on x86 (measured: 3 teachers, 3 students at 5.2 us/step instead of 0.3).
FLUSH_BELOW = 1e-150


@njit(**KERNEL)
def guarded_update(W, G, step_size, bound):
    """w_i -= step_size * g_i for the rows of G (n, k), unless some new |w_i|
    would exceed `bound` or be NaN: then W is left as it was and False returned.
    New coordinates below FLUSH_BELOW * bound (finite bounds) become 0."""
    n, k = G.shape
    for i in range(n):
        total = 0.0
        for m in range(k):
            x = W[i, m] - step_size * G[i, m]
            total += x * x
        if not total <= bound * bound:  # also catches NaN
            return False
    flush = FLUSH_BELOW * bound if bound < math.inf else 0.0
    for i in range(n):
        for m in range(k):
            x = W[i, m] - step_size * G[i, m]
            W[i, m] = x if abs(x) >= flush else 0.0
    return True


def run_gd(model, X, eta, n_steps, bound, work) -> int:
    """gd_steps with `model`'s gradient: the compiled loop, one overload for all."""
    return typed(gd_steps, GD_STEPS)(X, eta, n_steps, bound, model.gradient, *work)

"""The one guard of every discrete step (neuronlab.dynamics.loop, and the
Gauss-Newton trials): a proposal is taken only if every student row is finite
and of norm <= `bound` (the divergence bound), and coordinates no record can
see are flushed to 0 as it is taken. `commit` takes a stored proposal;
`guarded_step` is the same guard on W - rate G computed in place (GD's).
"""

import math

from numba import njit

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


@njit(**KERNEL)
def guarded_step(W, G, rate, bound):
    """commit(W, W - rate G, bound) without storing the proposal: each new
    coordinate is computed twice, in the check and in the write (storing it
    and reading it back cost GD 0.1 us a step at n = 3, ~40%; measured)."""
    n, k = G.shape
    for i in range(n):
        total = 0.0
        for m in range(k):
            x = W[i, m] - rate * G[i, m]
            total += x * x
        if not total <= bound * bound:  # also catches NaN
            return False
    flush = FLUSH_BELOW * bound if bound < math.inf else 0.0
    for i in range(n):
        for m in range(k):
            x = W[i, m] - rate * G[i, m]
            W[i, m] = x if abs(x) >= flush else 0.0
    return True

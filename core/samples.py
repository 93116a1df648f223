"""Compiled kernels on fixed samples: minibatches, their gradient and loss.

Minibatches walk through a fresh permutation each epoch; the permutation comes
from a counter-based generator keyed by (seed, epoch), so the batches do not
depend on how a caller chunks the run.
"""

import numpy as np
from numba import njit

from . import kernels
from .kernels import _REASSOC

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True, nogil=True, error_model="numpy")
def _splitmix64(state):
    """One step of SplitMix64: (new state, 64 random bits)."""
    state = state + _GOLDEN
    z = state
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return state, z ^ (z >> np.uint64(31))


@njit(cache=True, nogil=True, error_model="numpy")
def _epoch_permutation(seed, epoch, perm):
    """Fisher-Yates shuffle of 0..m-1 into perm, keyed by (seed, epoch)."""
    state = np.uint64(seed) * _GOLDEN + np.uint64(epoch)
    for i in range(perm.shape[0]):
        perm[i] = i
    for i in range(perm.shape[0] - 1, 0, -1):
        state, bits = _splitmix64(state)
        j = np.int64(bits % np.uint64(i + 1))
        perm[i], perm[j] = perm[j], perm[i]


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_REASSOC)
def _preactivations(W, v, x, pre):
    """pre[i] = w_i.x for the students, pre[n] = v.x (explicit loops: BLAS calls on
    vectors this short cost more than the arithmetic)."""
    n, d = W.shape
    for i in range(n):
        total = 0.0
        for m in range(d):
            total += W[i, m] * x[m]
        pre[i] = total
    total = 0.0
    for m in range(d):
        total += v[m] * x[m]
    pre[n] = total


@njit(cache=True, nogil=True, error_model="numpy")
def _residual(pre):
    """R(x) = sum_i [w_i.x]_+ - [v.x]_+ from the preactivations."""
    n = pre.shape[0] - 1
    total = -max(0.0, pre[n])
    for i in range(n):
        total += max(0.0, pre[i])
    return total


@njit(cache=True, nogil=True, error_model="numpy")
def _residuals(W, v, X, out):
    """R(x) for each row x of X (m, d)."""
    pre = np.empty(W.shape[0] + 1)
    for s in range(X.shape[0]):
        _preactivations(W, v, X[s], pre)
        out[s] = _residual(pre)


@njit(cache=True, nogil=True, error_model="numpy")
def batch_window(step, offset, m, batch, seed, perm):
    """(lo, hi): step's minibatch is perm[lo:hi] of the m samples. A new epoch, or
    the first step of a call, (re)draws the epoch's permutation into perm."""
    per_epoch = (m + batch - 1) // batch
    epoch, j = step // per_epoch, step % per_epoch
    if j == 0 or offset == 0:
        _epoch_permutation(seed, epoch, perm)
    return j * batch, min((j + 1) * batch, m)


@njit(cache=True, nogil=True, error_model="numpy")
def batch_gradient_sum(W, v, X, perm, lo, hi, G, pre):
    """G = sum over the batch X[perm[lo:hi]] of R(x) 1{w_i.x >= 0} x (eq. 4's
    integrand, convention 1{0 >= 0} = 1); pre (n + 1,) scratch."""
    n, d = W.shape
    G[:] = 0.0
    for s in range(lo, hi):
        x = X[perm[s]]
        _preactivations(W, v, x, pre)
        residual = _residual(pre)
        for i in range(n):
            if pre[i] >= 0.0:
                for c in range(d):
                    G[i, c] += residual * x[c]


@njit(cache=True, nogil=True, error_model="numpy")
def batch_loss(W, v, X, perm, lo, hi):
    """1/2 mean of R(x)^2 over the batch X[perm[lo:hi]]."""
    pre = np.empty(W.shape[0] + 1)
    total = 0.0
    for s in range(lo, hi):
        _preactivations(W, v, X[perm[s]], pre)
        total += _residual(pre) ** 2
    return 0.5 * total / (hi - lo)


@njit(cache=True, nogil=True, error_model="numpy")
def sgd_steps(W, v, X, eta, start, n_steps, batch, seed, bound, perm, G):
    """GD on minibatches of the rows of X (m, d), steps start..start+n_steps-1,
    W (n, d) in place; returns the steps done (fewer if |w_i| would pass bound).
    grad_i = mean over the batch of R(x) 1{w_i.x >= 0} x (the convention of eq. 4)."""
    pre = np.empty(W.shape[0] + 1)
    for offset in range(n_steps):
        lo, hi = batch_window(start + offset, offset, X.shape[0], batch, seed, perm)
        batch_gradient_sum(W, v, X, perm, lo, hi, G, pre)
        if not kernels.guarded_update(W, G, eta / (hi - lo), bound):
            return offset
    return n_steps


def empirical_loss(W, v, X) -> float:
    """1/2 mean of R(x)^2 over every sample (the training loss)."""
    residuals = np.empty(X.shape[0])
    _residuals(W, v, X, residuals)
    return 0.5 * float(np.mean(residuals**2))

"""Compiled kernels on fixed samples: minibatches, their gradient and loss.

Students W (n, d), teachers V (m, d); the activation is a model's per-sample
kernel `act(z, alpha) -> (s(z), s'(z))` (neuronlab.models.registry), passed as a function.

Minibatches walk through a fresh permutation each epoch; the permutation comes
from a counter-based generator keyed by (seed, epoch), so the batches do not
depend on how a caller chunks the run.
"""

import numpy as np
from numba import njit, types

from neuronlab.models import kernels
from neuronlab.models.kernels import ACTIVATION, C1, C2
from neuronlab.models.pairs import KERNEL, REASSOC

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


@njit(**KERNEL)
def _splitmix64(state):
    """One step of SplitMix64: (new state, 64 random bits)."""
    state = state + _GOLDEN
    z = state
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return state, z ^ (z >> np.uint64(31))


@njit(**KERNEL)
def _epoch_permutation(seed, epoch, perm):
    """Fisher-Yates shuffle of 0..m-1 into perm, keyed by (seed, epoch)."""
    state = np.uint64(seed) * _GOLDEN + np.uint64(epoch)
    for i in range(perm.shape[0]):
        perm[i] = i
    for i in range(perm.shape[0] - 1, 0, -1):
        state, bits = _splitmix64(state)
        j = np.int64(bits % np.uint64(i + 1))
        perm[i], perm[j] = perm[j], perm[i]


@njit(**KERNEL, fastmath=REASSOC)
def _preactivations(W, V, x, pre):
    """pre[i] = w_i.x for the students, pre[n + j] = v_j.x (explicit loops: BLAS
    calls on vectors this short cost more than the arithmetic)."""
    n, d = W.shape
    for i in range(n):
        total = 0.0
        for m in range(d):
            total += W[i, m] * x[m]
        pre[i] = total
    for j in range(V.shape[0]):
        total = 0.0
        for m in range(d):
            total += V[j, m] * x[m]
        pre[n + j] = total


@njit(**KERNEL)
def _residual(pre, n, act, alpha, weights):
    """R(x) = sum_i a_i s(w_i.x) - sum_j s(v_j.x) from the preactivations, with
    weights = (a_1..a_n, -1..-1) (the workspace's signs; a_i = 1 unless the
    output layer is trained). The first teacher first: ReLU's original order of
    additions; the weights +-1 multiply exactly, so a fixed layer's numbers are
    the ones from before they existed."""
    total = weights[n] * act(pre[n], alpha)[0]
    for j in range(n + 1, pre.shape[0]):
        total += weights[j] * act(pre[j], alpha)[0]
    for i in range(n):
        total += weights[i] * act(pre[i], alpha)[0]
    return total


@njit(cache=True, nogil=True, error_model="numpy")
def _residuals(W, V, X, out, act, alpha, weights):
    """R(x) for each row x of X (S, d)."""
    pre = np.empty(W.shape[0] + V.shape[0])
    for s in range(X.shape[0]):
        _preactivations(W, V, X[s], pre)
        out[s] = _residual(pre, W.shape[0], act, alpha, weights)


@njit(**KERNEL)
def batch_window(step, offset, m, batch, seed, perm):
    """(lo, hi): step's minibatch is perm[lo:hi] of the m samples. A new epoch, or
    the first step of a call, (re)draws the epoch's permutation into perm."""
    per_epoch = (m + batch - 1) // batch
    epoch, j = step // per_epoch, step % per_epoch
    if j == 0 or offset == 0:
        _epoch_permutation(seed, epoch, perm)
    return batch_bounds(step, m, batch)


@njit(**KERNEL)
def batch_bounds(step, m, batch):
    """(lo, hi) of step's minibatch in the epoch's permutation (batch_window
    without drawing it)."""
    j = step % ((m + batch - 1) // batch)
    return j * batch, min((j + 1) * batch, m)


@njit(**KERNEL)
def batch_gradient_sum(W, V, X, perm, lo, hi, G, pre, act, alpha, weights):
    """G = sum over the batch X[perm[lo:hi]] of R(x) s'(w_i.x) x (eq. 4's
    integrand; ReLU: 1{w_i.x >= 0}, convention 1{0 >= 0} = 1); pre (n + m,).
    With trained output weights this is g_i, dL/dw_i over a_i
    (neuronlab.models.output)."""
    n, d = W.shape
    G[:] = 0.0
    for s in range(lo, hi):
        x = X[perm[s]]
        _preactivations(W, V, x, pre)
        residual = _residual(pre, n, act, alpha, weights)
        for i in range(n):
            slope = act(pre[i], alpha)[1]
            if slope != 0.0:
                coef = residual * slope  # ReLU: slope 1, coef = residual exactly
                for c in range(d):
                    G[i, c] += coef * x[c]


@njit(cache=True, nogil=True, error_model="numpy")
def batch_loss(W, V, X, perm, lo, hi, act, alpha, weights):
    """1/2 mean of R(x)^2 over the batch X[perm[lo:hi]]."""
    pre = np.empty(W.shape[0] + V.shape[0])
    total = 0.0
    for s in range(lo, hi):
        _preactivations(W, V, X[perm[s]], pre)
        total += _residual(pre, W.shape[0], act, alpha, weights) ** 2
    return 0.5 * total / (hi - lo)


# data: (samples (S, k), perm (S,), pre (n + m,), batch, seed); S = 0 means the
# population gradient (neuronlab.dynamics.loop). pre: the batch sums' scratch.
DATA = types.Tuple((C2, types.int64[::1], C1, types.int64, types.int64))
_ACT = types.FunctionType(ACTIVATION)


@njit(**KERNEL)
def minibatch(X, G, step, offset, data, activation, alpha, weights):
    """G = the sum over step's minibatch of R(x) s'(w_i.x) x at X = [W; V]
    (offset: the step's place in this call; weights: the rows' signs);
    returns the batch's size."""
    samples, perm, pre, batch, seed = data
    n = G.shape[0]
    lo, hi = batch_window(step, offset, samples.shape[0], batch, seed, perm)
    batch_gradient_sum(X[:n], X[n:], samples, perm, lo, hi, G, pre, activation,
                       alpha, weights)  # fmt: skip
    return float(hi - lo)


def no_samples(k: int) -> tuple:
    """The data of population gradients: no samples."""
    return (np.zeros((0, k)), np.zeros(0, dtype=np.int64), np.zeros(0), 1, 0)


def sample_data(samples: np.ndarray, batch: int, seed: int, rows: int) -> tuple:
    """The data of minibatches of `batch` of `samples`, for X of `rows` rows."""
    perm = np.empty(samples.shape[0], dtype=np.int64)
    return (samples, perm, np.empty(rows), int(batch), int(seed))


_RESIDUALS = types.void(C2, C2, C2, C1, _ACT, types.float64, C1)


def empirical_loss(model, W, V, X, alpha=0.0, a=None) -> float:
    """1/2 mean of R(x)^2 over every sample (the training loss); V (m, d);
    a (n,) the output weights (None: 1)."""
    residuals = np.empty(X.shape[0])
    weights = kernels.signs(len(W), len(V))
    if a is not None:
        weights[: len(W)] = a
    activation = kernels.first_class(model.activation, ACTIVATION)
    kernels.typed(_residuals, _RESIDUALS)(
        W, V, X, residuals, activation, alpha, weights
    )
    return 0.5 * float(np.mean(residuals**2))

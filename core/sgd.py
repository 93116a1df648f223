"""Finite-sample GD: `samples` fixed Gaussian inputs, minibatches of `batch`.

The gradient of the empirical loss leaves span{v, w_i}, so this runs in R^d.
Minibatches walk through a fresh permutation each epoch; the permutation comes
from a counter-based generator keyed by (seed, epoch), so the batches do not
depend on how a caller chunks the run.
"""

from dataclasses import dataclass

import numpy as np
from numba import njit

from . import kernels
from .kernels import _REASSOC
from .state import Record, RunState, divergence_bound, step_through_grid

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class SGDMemory:
    """samples : (samples, d) the fixed Gaussian inputs.  bound : the divergence
    guard's norm."""

    samples: np.ndarray
    bound: float


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
def sgd_steps(W, v, X, eta, start, n_steps, batch, seed, bound, perm, G):
    """GD on minibatches of the rows of X (m, d), steps start..start+n_steps-1,
    W (n, d) in place; returns the steps done (fewer if |w_i| would pass bound).
    grad_i = mean over the batch of R(x) 1{w_i.x >= 0} x (the convention of eq. 4)."""
    m = X.shape[0]
    n, d = W.shape
    per_epoch = (m + batch - 1) // batch
    pre = np.empty(n + 1)
    for offset in range(n_steps):
        step = start + offset
        epoch, j = step // per_epoch, step % per_epoch
        if j == 0 or offset == 0:
            _epoch_permutation(seed, epoch, perm)
        lo, hi = j * batch, min((j + 1) * batch, m)
        G[:] = 0.0
        for s in range(lo, hi):
            x = X[perm[s]]
            _preactivations(W, v, x, pre)
            residual = _residual(pre)
            for i in range(n):
                if pre[i] >= 0.0:
                    for c in range(d):
                        G[i, c] += residual * x[c]
        if not kernels.guarded_update(W, G, eta / (hi - lo), bound):
            return offset
    return n_steps


def _empirical_loss(W, v, X) -> float:
    residuals = np.empty(X.shape[0])
    _residuals(W, v, X, residuals)
    return 0.5 * float(np.mean(residuals**2))


def _record(step, config, W, v, X) -> Record:
    population = kernels.loss(
        kernels.stack(W, v), *kernels.Workspace(*W.shape).arrays()
    )
    return Record(
        step, config.eta * step, W.copy(), population, _empirical_loss(W, v, X)
    )


def start_sgd(config, W0: np.ndarray, v: np.ndarray) -> RunState:
    """Draw the fixed samples from default_rng((seed, 1)): a stream apart from W0's."""
    X = np.random.default_rng((config.seed, 1)).standard_normal(
        (config.samples, config.d)
    )
    W0 = np.ascontiguousarray(W0)
    return RunState(
        config=config,
        basis=None,
        v=v,
        W=W0,
        step=0,
        time=0.0,
        records=(_record(0, config, W0, v, X),),
        memory=SGDMemory(X, divergence_bound(W0, v)),
    )


def advance_sgd(state: RunState, max_steps: int, deadline: float) -> RunState:
    """Up to max_steps more minibatch steps, recording on the grid."""
    config, X = state.config, state.memory.samples
    W = state.W.copy()
    perm = np.empty(config.samples, dtype=np.int64)
    G = np.zeros_like(W)
    bound = state.memory.bound

    def run_steps(step, count):
        return sgd_steps(
            W, state.v, X, config.eta, step, count,
            config.batch_size, config.seed, bound, perm, G,
        )  # fmt: skip

    def snapshot(step):
        return W.copy(), _record(step, config, W, state.v, X)

    return step_through_grid(state, max_steps, deadline, run_steps, snapshot)

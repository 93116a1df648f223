"""Gauss-Newton with Levenberg-Marquardt's safeguard: its own compiled loop.

It takes its gradient as the one loop does (neuronlab.dynamics.loop.gradient_at,
population or minibatch) and judges each trial by the guard
(neuronlab.dynamics.guard.within),
but a step is a search, not an update: a trial that would raise the loss (on
the same batch) is refused and retried with more damping, so the loop needs
the model's loss and Gauss-Newton matrix, and numba's runtime (the Cholesky
factor allocates), which the one loop runs without.
"""

import math

import numpy as np
from numba import njit, types

from neuronlab.dynamics.guard import within
from neuronlab.dynamics.loop import gradient_at
from neuronlab.dynamics.samples import DATA, batch_bounds, batch_loss
from neuronlab.models.empirical import empirical_gauss_newton
from neuronlab.models.kernels import (
    ACTIVATION,
    C1,
    C2,
    GAUSS_NEWTON,
    GRADIENT,
    LOSS,
    WORK,
)
from neuronlab.optim.steps import mean_gradient

# Refusals before a Gauss-Newton step gives up and keeps W (mu then 1e30 x).
MAX_TRIALS = 30
MU_FACTOR = 10.0
MU_MAX = 1e30  # beyond this a refused step keeps W (and mu stays finite)
# lambda never falls below this share of G's largest diagonal entry: at L = 0
# (a batch fitted exactly) sqrt(L) = 0 would leave G + lambda I singular.
LAMBDA_FLOOR = 1e-15

_NUMPY = {"cache": True, "nogil": True, "error_model": "numpy"}  # with the runtime
_WORK = types.Tuple(WORK)
_I, _F = types.int64, types.float64


@njit(**_NUMPY)
def _loss(X, data, lo, hi, loss, activation, work):
    """The objective a step is judged by: the population loss, or the batch's."""
    samples, perm = data[0], data[1]
    if samples.shape[0] == 0:
        return loss(X, *work)
    n = work[6].shape[0]
    return batch_loss(X[:n], X[n:], samples, perm, lo, hi, activation, work[9][0],
                      work[0])  # fmt: skip


@njit(**_NUMPY)
def _positive_solve(A, b, x):
    """x = A^-1 b by Cholesky (A symmetric positive definite: G + lambda I);
    False when the factorisation fails (A not positive definite to rounding)."""
    try:
        L = np.linalg.cholesky(A)
    except Exception:  # noqa: BLE001 - numba raises LinAlgError; any failure: refuse
        return False
    size = b.shape[0]
    for a in range(size):  # L y = b
        total = b[a]
        for c in range(a):
            total -= L[a, c] * x[c]
        x[a] = total / L[a, a]
    for a in range(size - 1, -1, -1):  # L^T x = y
        total = x[a]
        for c in range(a + 1, size):
            total -= L[c, a] * x[c]
        x[a] = total / L[a, a]
    return True


@njit(**_NUMPY)
def damping_scale(loss, code):
    """f(L) of lambda = mu * lam * f(L): sqrt(L), L, or 1 (neuronlab.optim.optimizers).
    At the rounding floor eq. (23) can come out a hair below 0 (-1e-51 seen):
    read that as 0, not as a NaN from sqrt."""
    loss = max(loss, 0.0)
    if code == 0:
        return math.sqrt(loss)
    return loss if code == 1 else 1.0


@njit(**_NUMPY)
def gauss_newton_at(X, data, lo, hi, matrix, activation, work, out):
    """The Gauss-Newton matrix at X's students into out: the model's closed
    form on the population, the empirical one on the batch perm[lo:hi]."""
    samples, perm = data[0], data[1]
    if samples.shape[0] == 0:
        matrix(X, *work, out)
        return
    n = work[6].shape[0]
    empirical_gauss_newton(X[:n], samples, perm, lo, hi, activation, work[9][0], out)


_MATRIX, _ACTIVATION = types.FunctionType(GAUSS_NEWTON), types.FunctionType(ACTIVATION)
GAUSS_NEWTON_AT = types.void(C2, DATA, _I, _I, _MATRIX, _ACTIVATION, _WORK, C2)


@njit(**_NUMPY)
def gauss_newton_steps(X, data, start, mu, eta, code, lam, n_steps, bound,
                       gradient, loss, activation, matrix, work):  # fmt: skip
    """W+ = W - eta (G + lambda I)^-1 g with Levenberg-Marquardt's safeguard: a
    step that would raise the loss is refused, mu x 10 and retried; accepted,
    mu / 10 (at least 1); lambda = mu max(lam f(L), LAMBDA_FLOOR max_a G_aa),
    mu <= MU_MAX. mu (2,): [multiplier, lambda of the last accepted step]. The
    loss never rises, so every step is done (one refused every time keeps W).
    """
    G = work[6]
    n, k = G.shape
    size, S = n * k, data[0].shape[0]
    G_matrix, trial = np.empty((size, size)), X.copy()
    system, delta = np.empty((size, size)), np.empty(size)
    for offset in range(n_steps):
        step = start + offset
        count = gradient_at(X, step, offset, data, gradient, activation, work)
        lo, hi = batch_bounds(step, S, data[3]) if S > 0 else (0, 0)
        mean_gradient(G, count)
        rhs = G.copy().reshape(size)
        gauss_newton_at(X, data, lo, hi, matrix, activation, work, G_matrix)
        current = _loss(X, data, lo, hi, loss, activation, work)
        floor = LAMBDA_FLOOR * max(np.diag(G_matrix).max(), 1e-300)
        # mu scales the floor too: at L = 0 exactly, lam f(L) = 0 and only the
        # floor is left, so a refused step must still raise the damping.
        for _ in range(MAX_TRIALS):
            damping = mu[0] * max(lam * damping_scale(current, code), floor)
            system[:] = G_matrix
            for a in range(size):
                system[a, a] += damping
            solved = _positive_solve(system, rhs, delta)
            trial[:n] = X[:n] - eta * delta.reshape(n, k)
            if (
                solved
                and within(trial[:n], bound)
                and _loss(trial, data, lo, hi, loss, activation, work) <= current
            ):
                X[:n] = trial[:n]
                mu[1] = damping
                mu[0] = max(1.0, mu[0] / MU_FACTOR)
                break
            if mu[0] >= MU_MAX:
                break
            mu[0] = min(mu[0] * MU_FACTOR, MU_MAX)
    return n_steps


GAUSS_NEWTON_STEPS = _I(
    C2, DATA, _I, C1, _F, _I, _F, _I, _F, types.FunctionType(GRADIENT),
    types.FunctionType(LOSS), _ACTIVATION, _MATRIX, _WORK,
)  # fmt: skip

"""Compiled step loops of the optimisers (neuronlab.optim.optimizers has the registry).

Each loop runs up to n_steps steps on the student rows of X = [W; V] in place and
returns the number done: fewer means the next step was refused by the
divergence guard (non-finite, or some |w_i| above `bound`), X then holding the
last finite state. State that outlives a step (the previous iterate, Adam's
moments, Gauss-Newton's damping) is in arrays the caller keeps, so a run can
stop after any step and resume with the same numbers.

The gradient comes from a `source`: (samples (S, k), perm (S,), batch, seed).
With no samples (S = 0) it is the model's population gradient; otherwise the
mean over step's minibatch, drawn as neuronlab.dynamics.samples draws it, so every optimiser
runs on population GD and on finite samples alike. The model's kernels arrive
as typed first-class functions (neuronlab.models.kernels.typed): one cached compile of
each loop serves every activation. `work` is the model's Workspace arrays.
"""

import math

import numpy as np
from numba import njit, types

from neuronlab.dynamics.loop import FLUSH_BELOW
from neuronlab.dynamics.samples import batch_gradient_sum, batch_loss, batch_window
from neuronlab.models.empirical import empirical_gauss_newton
from neuronlab.models.kernels import ACTIVATION, GAUSS_NEWTON, GRADIENT, LOSS, WORK
from neuronlab.models.pairs import KERNEL

# Refusals before a Gauss-Newton step gives up and keeps W (mu then 1e30 x).
MAX_TRIALS = 30
MU_FACTOR = 10.0
MU_MAX = 1e30  # beyond this a refused step keeps W (and mu stays finite)
# lambda never falls below this share of G's largest diagonal entry: at L = 0
# (a batch fitted exactly) sqrt(L) = 0 would leave G + lambda I singular.
LAMBDA_FLOOR = 1e-15

_C1, _C2, _C3 = types.float64[::1], types.float64[:, ::1], types.float64[:, :, ::1]
SOURCE = types.Tuple((_C2, types.int64[::1], types.int64, types.int64))
_WORK = types.Tuple(WORK)
_GRADIENT, _LOSS = types.FunctionType(GRADIENT), types.FunctionType(LOSS)
_ACTIVATION, _MATRIX = types.FunctionType(ACTIVATION), types.FunctionType(GAUSS_NEWTON)
_I, _F = types.int64, types.float64


@njit(**KERNEL, inline="always")
def _gradient(X, source, step, offset, gradient, activation, pre, work):
    """The gradient at X's students into work's G; returns the batch's (lo, hi)
    ((0, 0) for the population). pre (n + m,): scratch of the batch sums.
    Inlined into each loop (a call with these tuples cost 0.06 us per step at
    n = 3, a quarter of the step)."""
    samples, perm, batch, seed = source
    sign, norms, U, theta, sin_theta, r, G, XT, A, params = work
    if samples.shape[0] == 0:
        gradient(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params)
        return 0, 0
    n = G.shape[0]
    lo, hi = batch_window(step, offset, samples.shape[0], batch, seed, perm)
    batch_gradient_sum(X[:n], X[n:], samples, perm, lo, hi, G, pre, activation,
                       params[0])  # fmt: skip
    scale = 1.0 / (hi - lo)
    for i in range(n):
        for m in range(G.shape[1]):
            G[i, m] *= scale
    return lo, hi


@njit(cache=True, nogil=True, error_model="numpy")
def _loss(X, source, lo, hi, loss, activation, work):
    """The objective a step is judged by: the population loss, or the batch's
    (Gauss-Newton's, which runs with numba's runtime: batch_loss allocates)."""
    samples, perm, _, _ = source
    if samples.shape[0] == 0:
        return loss(X, *work)
    n = work[6].shape[0]
    return batch_loss(X[:n], X[n:], samples, perm, lo, hi, activation, work[9][0])


@njit(**KERNEL)
def _finite_within(W, bound):
    """Every row of W (its first W.shape[0] rows) finite, of norm <= bound."""
    for i in range(W.shape[0]):
        total = 0.0
        for m in range(W.shape[1]):
            total += W[i, m] * W[i, m]
        if not total <= bound * bound:  # also catches NaN
            return False
    return True


@njit(**KERNEL)
def _commit(X, new, bound):
    """If every row of `new` (n, k) is finite and of norm <= bound: X's
    students <- new, flushing coordinates below FLUSH_BELOW * bound to 0 (they
    would decay on into subnormals, ~100x slower; neuronlab.models.kernels), True."""
    if not _finite_within(new, bound):
        return False
    flush = FLUSH_BELOW * bound if bound < math.inf else 0.0
    for i in range(new.shape[0]):
        for m in range(new.shape[1]):
            x = new[i, m]
            X[i, m] = x if abs(x) >= flush else 0.0
    return True


@njit(**KERNEL)
def momentum_steps(X, source, start, previous, scratch, eta, beta, n_steps, bound,
                   gradient, activation, pre, work):  # fmt: skip
    """Heavy ball W+ = W - eta g(W) + beta (W - W_prev); previous (n, k) in
    place; scratch (3, n, k) and pre (n + m,) are the loop's work space."""
    G = work[6]
    n, k = G.shape
    new = scratch[0]
    flush = FLUSH_BELOW * bound if bound < math.inf else 0.0
    for offset in range(n_steps):
        _gradient(X, source, start + offset, offset, gradient, activation, pre, work)
        for i in range(n):  # one pass: the new rows and their guard
            total = 0.0
            for m in range(k):
                x = X[i, m] - eta * G[i, m] + beta * (X[i, m] - previous[i, m])
                new[i, m] = x
                total += x * x
            if not total <= bound * bound:  # also catches NaN
                return offset
        for i in range(n):
            for m in range(k):
                previous[i, m] = X[i, m]
                x = new[i, m]
                X[i, m] = x if abs(x) >= flush else 0.0
    return n_steps


@njit(**KERNEL)
def nesterov_steps(X, source, start, previous, scratch, eta, beta, n_steps, bound,
                   gradient, activation, pre, work):  # fmt: skip
    """Nesterov: Y = W + beta (W - W_prev), W+ = Y - eta g(Y). X's student rows
    hold W between steps (Y only while the gradient is taken)."""
    G = work[6]
    n, k = G.shape
    new, W = scratch[0], scratch[1]
    flush = FLUSH_BELOW * bound if bound < math.inf else 0.0
    for offset in range(n_steps):
        for i in range(n):
            for m in range(k):
                W[i, m] = X[i, m]
                X[i, m] = W[i, m] + beta * (W[i, m] - previous[i, m])
        _gradient(X, source, start + offset, offset, gradient, activation, pre, work)
        for i in range(n):  # one pass: the new rows and their guard
            total = 0.0
            for m in range(k):
                x = X[i, m] - eta * G[i, m]
                new[i, m] = x
                total += x * x
            if not total <= bound * bound:  # also catches NaN
                for j in range(n):
                    for m in range(k):
                        X[j, m] = W[j, m]
                return offset
        for i in range(n):
            for m in range(k):
                previous[i, m] = W[i, m]
                x = new[i, m]
                X[i, m] = x if abs(x) >= flush else 0.0
    return n_steps


MOMENTUM_STEPS = _I(_C2, SOURCE, _I, _C2, _C3, _F, _F, _I, _F, _GRADIENT,
                    _ACTIVATION, _C1, _WORK)  # fmt: skip


@njit(**KERNEL)
def adam_steps(X, source, start, moments, powers, scratch, eta, beta1, beta2, eps,
               n_steps, bound, gradient, activation, pre, work):  # fmt: skip
    """Adam (bias-corrected); moments (2, n, k) and powers (2,) = (beta1^t,
    beta2^t) in place. The powers are running products from t = 0, the same
    multiplications however a run is paused (and no pow per step)."""
    G = work[6]
    n, k = G.shape
    new, first, second = scratch[0], scratch[1], scratch[2]
    for offset in range(n_steps):
        power1, power2 = powers[0] * beta1, powers[1] * beta2
        # Reciprocals once per step: one division per coordinate, not three.
        step1, inverse2 = eta / (1.0 - power1), 1.0 / (1.0 - power2)
        _gradient(X, source, start + offset, offset, gradient, activation, pre, work)
        for i in range(n):
            for m in range(k):
                g = G[i, m]
                first[i, m] = beta1 * moments[0, i, m] + (1.0 - beta1) * g
                second[i, m] = beta2 * moments[1, i, m] + (1.0 - beta2) * g * g
                scale = math.sqrt(second[i, m] * inverse2) + eps
                new[i, m] = X[i, m] - step1 * first[i, m] / scale
        if not _commit(X, new, bound):
            return offset
        for i in range(n):
            for m in range(k):
                moments[0, i, m] = first[i, m]
                moments[1, i, m] = second[i, m]
        powers[0], powers[1] = power1, power2
    return n_steps


ADAM_STEPS = _I(_C2, SOURCE, _I, _C3, _C1, _C3, _F, _F, _F, _F, _I, _F, _GRADIENT,
                _ACTIVATION, _C1, _WORK)  # fmt: skip


@njit(cache=True, nogil=True, error_model="numpy")
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


@njit(cache=True, nogil=True, error_model="numpy")
def damping_scale(loss, code):
    """f(L) of lambda = mu * lam * f(L): sqrt(L), L, or 1 (neuronlab.optim.optimizers).
    At the rounding floor eq. (23) can come out a hair below 0 (-1e-51 seen):
    read that as 0, not as a NaN from sqrt."""
    loss = max(loss, 0.0)
    if code == 0:
        return math.sqrt(loss)
    return loss if code == 1 else 1.0


@njit(cache=True, nogil=True, error_model="numpy")
def gauss_newton_at(X, source, lo, hi, matrix, activation, work, out):
    """The Gauss-Newton matrix at X's students into out: the model's closed
    form on the population, the empirical one on the batch perm[lo:hi]."""
    samples, perm, _, _ = source
    if samples.shape[0] == 0:
        matrix(X, *work, out)
        return
    n = work[6].shape[0]
    empirical_gauss_newton(X[:n], samples, perm, lo, hi, activation, work[9][0], out)


GAUSS_NEWTON_AT = types.void(_C2, SOURCE, _I, _I, _MATRIX, _ACTIVATION, _WORK, _C2)


@njit(cache=True, nogil=True, error_model="numpy")
def gauss_newton_steps(X, source, start, mu, eta, code, lam, n_steps, bound,
                       gradient, loss, activation, matrix, work):  # fmt: skip
    """W+ = W - eta (G + lambda I)^-1 g with Levenberg-Marquardt's safeguard: a
    step that would raise the loss is refused, mu x 10 and retried; accepted,
    mu / 10 (at least 1); lambda = mu max(lam f(L), LAMBDA_FLOOR max_a G_aa),
    mu <= MU_MAX. mu (2,): [multiplier, lambda of the last accepted step]. The
    loss never rises, so every step is done (one refused every time keeps W).
    """
    G = work[6]
    n, k = G.shape
    size = n * k
    G_matrix, trial = np.empty((size, size)), X.copy()
    system, delta, pre = np.empty((size, size)), np.empty(size), np.empty(X.shape[0])
    for offset in range(n_steps):
        lo, hi = _gradient(
            X, source, start + offset, offset, gradient, activation, pre, work
        )
        rhs = G.copy().reshape(size)
        gauss_newton_at(X, source, lo, hi, matrix, activation, work, G_matrix)
        current = _loss(X, source, lo, hi, loss, activation, work)
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
                and _finite_within(trial[:n], bound)
                and _loss(trial, source, lo, hi, loss, activation, work) <= current
            ):
                X[:n] = trial[:n]
                mu[1] = damping
                mu[0] = max(1.0, mu[0] / MU_FACTOR)
                break
            if mu[0] >= MU_MAX:
                break
            mu[0] = min(mu[0] * MU_FACTOR, MU_MAX)
    return n_steps


GAUSS_NEWTON_STEPS = _I(_C2, SOURCE, _I, _C1, _F, _I, _F, _I, _F, _GRADIENT, _LOSS,
                        _ACTIVATION, _MATRIX, _WORK)  # fmt: skip

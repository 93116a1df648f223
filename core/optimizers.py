"""How a discrete step uses the gradient (beyond-notes §4): compiled step loops.

Each loop runs up to n_steps steps on the student rows of X = [W; V] in place and
returns the number done: fewer means the next step was refused by the
divergence guard (non-finite, or some |w_i| above `bound`), and X then holds the
last finite state. State that outlives a step (the previous iterate, Adam's
moments, Gauss-Newton's damping multiplier) is in arrays the caller keeps, so a
run can stop after any step and resume with the same numbers.

- momentum (heavy ball): W+ = W - eta grad L(W) + beta (W - W_prev);
- nesterov: Y = W + beta (W - W_prev), W+ = Y - eta grad L(Y);
- adam (Kingma & Ba 2015, bias-corrected): per coordinate, so not rotation-
  equivariant: it runs in the original coordinates R^d;
- gauss_newton: W+ = W - eta (G + lambda I)^-1 grad L(W), G the Gauss-Newton
  matrix (core.gauss_newton), lambda = mu * lam * f(L) with f = sqrt(L), L or 1
  (`damping`), and Levenberg-Marquardt's safeguard: a step that would raise the
  loss is refused and mu grows tenfold (up to MAX_TRIALS times per step); an
  accepted step lets mu fall tenfold, back to 1. The loss therefore never rises,
  which keeps the run stable at the rounding floor, where sqrt(L) -> 0 and G is
  singular (students parallel).
"""

import math

import numpy as np
from numba import njit

from . import kernels
from .gauss_newton import relu_gauss_newton

DAMPING_CODES = {"sqrt_loss": 0, "loss": 1, "fixed": 2}
# Refusals before a Gauss-Newton step gives up and keeps W (mu then 1e30 x).
MAX_TRIALS = 30
MU_FACTOR = 10.0


@njit(cache=True, nogil=True, error_model="numpy")
def _finite_within(W, bound):
    """Every row of W finite and of norm at most `bound`."""
    n, k = W.shape
    for i in range(n):
        total = 0.0
        for m in range(k):
            total += W[i, m] * W[i, m]
        if not total <= bound * bound:  # also catches NaN
            return False
    return True


@njit(cache=True, nogil=True, error_model="numpy")
def momentum_steps(X, previous, eta, beta, n_steps, bound, *work):
    """Heavy ball; previous (n, k) holds W_prev and is updated in place."""
    G = work[6]
    n, k = G.shape
    new = np.empty((n, k))
    for step in range(n_steps):
        kernels.gradient(X, *work)
        for i in range(n):
            for m in range(k):
                new[i, m] = X[i, m] - eta * G[i, m] + beta * (X[i, m] - previous[i, m])
        if not _finite_within(new, bound):
            return step
        for i in range(n):
            for m in range(k):
                previous[i, m] = X[i, m]
                X[i, m] = new[i, m]
    return n_steps


@njit(cache=True, nogil=True, error_model="numpy")
def nesterov_steps(X, previous, eta, beta, n_steps, bound, *work):
    """Nesterov: the gradient at the look-ahead point Y = W + beta (W - W_prev).
    X's student rows hold W between steps (Y only while the gradient is taken)."""
    G = work[6]
    n, k = G.shape
    W = np.empty((n, k))
    new = np.empty((n, k))
    for step in range(n_steps):
        for i in range(n):
            for m in range(k):
                W[i, m] = X[i, m]
                X[i, m] = W[i, m] + beta * (W[i, m] - previous[i, m])
        kernels.gradient(X, *work)
        for i in range(n):
            for m in range(k):
                new[i, m] = X[i, m] - eta * G[i, m]
        if not _finite_within(new, bound):
            X[:n] = W
            return step
        for i in range(n):
            for m in range(k):
                previous[i, m] = W[i, m]
                X[i, m] = new[i, m]
    return n_steps


@njit(cache=True, nogil=True, error_model="numpy")
def adam_steps(
    X, moment1, moment2, start, eta, beta1, beta2, eps, n_steps, bound, *work
):
    """Adam, steps start + 1 ... (1-based, for the bias correction); the moments
    (n, k) are updated in place. beta^t is a power of the step number, so the
    numbers do not depend on where a run was paused."""
    G = work[6]
    n, k = G.shape
    new, new1, new2 = np.empty((n, k)), np.empty((n, k)), np.empty((n, k))
    for offset in range(n_steps):
        t = start + offset + 1
        correction1 = 1.0 - beta1**t
        correction2 = 1.0 - beta2**t
        kernels.gradient(X, *work)
        for i in range(n):
            for m in range(k):
                g = G[i, m]
                new1[i, m] = beta1 * moment1[i, m] + (1.0 - beta1) * g
                new2[i, m] = beta2 * moment2[i, m] + (1.0 - beta2) * g * g
                denominator = math.sqrt(new2[i, m] / correction2) + eps
                new[i, m] = X[i, m] - eta * (new1[i, m] / correction1) / denominator
        if not _finite_within(new, bound):
            return offset
        moment1[:] = new1
        moment2[:] = new2
        X[:n] = new
    return n_steps


@njit(cache=True, nogil=True, error_model="numpy")
def _damping(loss, code, lam, mu):
    if code == 0:
        return mu * lam * math.sqrt(loss)
    if code == 1:
        return mu * lam * loss
    return mu * lam


@njit(cache=True, nogil=True, error_model="numpy")
def gauss_newton_steps(X, alpha, mu, eta, code, lam, n_steps, bound, *work):
    """Damped Gauss-Newton with Levenberg-Marquardt's safeguard (module doc).

    mu : (2,) array, [the damping multiplier, the lambda of the last accepted
    step], updated in place. A step never raises the loss, so the guard never
    fires: every step is done (a step refused MAX_TRIALS times keeps W).
    """
    norms, U, theta, sin_theta, G = work[1], work[2], work[3], work[4], work[6]
    n, k = G.shape
    size = n * k
    matrix = np.empty((size, size))
    trial = X.copy()
    for _ in range(n_steps):
        current = kernels.loss(X, *work)
        kernels.gradient(X, *work)  # also leaves the pair geometry in work
        relu_gauss_newton(U, norms, theta, sin_theta, alpha, matrix)
        rhs = G.copy().reshape(size)
        accepted = False
        for _ in range(MAX_TRIALS):
            damping = _damping(current, code, lam, mu[0])
            system = matrix.copy()
            for a in range(size):
                system[a, a] += damping
            delta = np.linalg.solve(system, rhs).reshape(n, k)
            for i in range(n):
                for m in range(k):
                    trial[i, m] = X[i, m] - eta * delta[i, m]
            if _finite_within(trial[:n], bound):
                value = kernels.loss(trial, *work)
                if value <= current:
                    accepted = True
                    mu[1] = damping
                    mu[0] = max(1.0, mu[0] / MU_FACTOR)
                    break
            mu[0] *= MU_FACTOR
        if accepted:
            X[:n] = trial[:n]
    return n_steps

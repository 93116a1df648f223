"""Quadratic students and teachers, s(z) = z^2 (beyond-notes §2).

K(w, u) = |w|^2 |u|^2 + 2 (w.u)^2, so with A = sum_i w_i w_i^T - sum_j v_j v_j^T
(E[(x^T A x)^2] = 2|A|_F^2 + (tr A)^2):
L = |A|_F^2 + 1/2 (tr A)^2,   grad_i = 2 (2A + (tr A) I) w_i.
This is population matrix sensing with a rank-m target (Xiong, Ding & Du 2024).
Near the optimum A is a difference of O(1) matrices: every entry and the trace
are summed error-free (Dekker products, TwoSum) so that A keeps its own digits
and the loss is accurate relative to itself, not to |v|^4.
w_i = 0 is smooth and stationary for that student: grad_i = 0, so a zero
student stays at zero (no convention; the activation's s'(0) = 0).
"""

import numpy as np
from numba import njit

from neuronlab.models.pairs import KERNEL, REASSOC

_SPLIT = 134217729.0  # 2^27 + 1: Dekker's split of a double into two halves


@njit(**KERNEL)
def _two_product(a, b):
    """(p, e) with p = fl(a b) and p + e = a b exactly (Dekker, no FMA needed)."""
    p = a * b
    c = _SPLIT * a
    ah = c - (c - a)
    al = a - ah
    c = _SPLIT * b
    bh = c - (c - b)
    bl = b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


@njit(**KERNEL)
def _compensated_A(X, sign, A):
    """A[0] = sum_p s_p x_p x_p^T entry by entry, error-free products summed by
    TwoSum with the errors carried (A[1] scratch); returns tr A summed the same
    way over every s_p x_pa^2. No fastmath: both rely on IEEE rounding order."""
    rows, k = X.shape
    trace, trace_err = 0.0, 0.0
    for a in range(k):
        for b in range(a, k):
            total, err = 0.0, 0.0
            for p in range(rows):
                prod, perr = _two_product(sign[p] * X[p, a], X[p, b])
                t = total + prod
                bp = t - total
                err += (total - (t - bp)) + (prod - bp) + perr
                total = t
                if a == b:
                    t = trace + prod
                    bp = t - trace
                    trace_err += (trace - (t - bp)) + (prod - bp) + perr
                    trace = t
            A[0, a, b] = A[0, b, a] = total + err
            A[1, a, b] = A[1, b, a] = err
    return trace + trace_err


@njit(**KERNEL)
def loss(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params):
    """L = |A|_F^2 + 1/2 (tr A)^2 with A compensated."""
    trace = _compensated_A(X, sign, A)
    k = X.shape[1]
    total = 0.0
    for a in range(k):
        for b in range(k):
            total += A[0, a, b] * A[0, a, b]
    return total + 0.5 * trace * trace


@njit(**KERNEL, fastmath=REASSOC)
def _apply(X, A, trace, G):
    """G_i = 4 A w_i + 2 (tr A) w_i."""
    n, k = G.shape
    for i in range(n):
        for a in range(k):
            acc = 0.0
            for b in range(k):
                acc += A[0, a, b] * X[i, b]
            G[i, a] = 4.0 * acc + 2.0 * trace * X[i, a]


@njit(**KERNEL)
def gradient(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params):
    """grad_i = 2 (2A + (tr A) I) w_i into G, A compensated."""
    _apply(X, A, _compensated_A(X, sign, A), G)


@njit(**KERNEL)
def activation(z, alpha):
    """(z^2, 2z)."""
    return z * z, 2.0 * z


def quadratic_hessian(W, V, alpha=0.0) -> np.ndarray:
    """H_ij = 4 [(w_i.w_j) I + w_j w_i^T + w_i w_j^T] + delta_ij (4A + 2 tr A I)."""
    n, d = W.shape
    A = W.T @ W - V.T @ V
    eye = np.eye(d)
    hess = 4 * (
        np.einsum("ij,ab->iajb", W @ W.T, eye)
        + np.einsum("ja,ib->iajb", W, W)
        + np.einsum("ia,jb->iajb", W, W)
    )
    idx = np.arange(n)
    hess[idx, :, idx, :] += 4 * A + 2 * np.trace(A) * eye
    return hess.reshape(n * d, n * d)


@njit(cache=True, nogil=True, error_model="numpy")
def quadratic_gauss_newton(W, out):
    """G (n k, n k) into `out` for z^2: 4 [(w_i.w_j) I + w_i w_j^T + w_j w_i^T]."""
    n, k = W.shape
    for i in range(n):
        for j in range(n):
            dot = 0.0
            for m in range(k):
                dot += W[i, m] * W[j, m]
            for a in range(k):
                for b in range(k):
                    value = W[i, a] * W[j, b] + W[j, a] * W[i, b]
                    if a == b:
                        value += dot
                    out[i * k + a, j * k + b] = 4.0 * value


@njit(cache=True, nogil=True, error_model="numpy")
def quadratic_matrix(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params, out):
    """The z^2 builder."""
    quadratic_gauss_newton(X[: G.shape[0]], out)

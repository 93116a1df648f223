"""erf students and teachers (beyond-notes §2; Williams 1997).

K(w, u) = E[erf(w.x) erf(u.x)] = (2/pi) arcsin(2 w.u / sqrt((1 + 2|w|^2)(1 + 2|u|^2)))
        = (2/pi) atan2(2 w.u, D),
D(w, u) = sqrt(1 + 2|w|^2 + 2|u|^2 + 4|w|^2|u|^2 sin^2 theta):
the atan2 form never takes arcsin near 1, and sin theta comes from the half-angle
form (neuronlab.models.pairs); the kernels leave dot products in theta and 1/D in sin_theta
(off the diagonal). L = 1/2 sum_{p,q} s_p s_q K(x_p, x_q) is the kernel expansion
itself (erf has no eq. 23 analogue): it subtracts O(1) terms, so the loss has an
absolute floor of ~1e-16 (measured in tests/test_models.py).
Gradient: d K(w, u) / dw = (4 / (pi D)) [u - 2 (w.u) / (1 + 2|w|^2) w], so
grad_i = sum_q s_q dK(w_i, x_q)/dw_i over every row q, i included.
erf is smooth: the formula holds at w_i = 0 (no convention needed), where
grad_i = (4/pi) sum_{q != i} s_q x_q / sqrt(1 + 2|x_q|^2).
"""

import math

import numpy as np
from numba import njit

from neuronlab.models.kernels import signs
from neuronlab.models.pairs import KERNEL, REASSOC, angles

_TWO_OVER_PI = 2.0 / math.pi
_FOUR_OVER_PI = 4.0 / math.pi
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


@njit(**KERNEL, fastmath=REASSOC)
def _pair_terms(X, norms, theta, sin_theta):
    """Off the diagonal, in place: theta[p, q] <- x_p.x_q (the dot product, to
    ~1e-16 |x_p||x_q|: all that K needs, as D >= 1) and sin_theta[p, q] <- 1/D_pq.
    The diagonal stays 0 (neuronlab.models.pairs); its terms (theta = 0, D_pp =
    sqrt(1 + 4|x_p|^2)) are written inline."""
    rows, k = X.shape
    for p in range(rows):
        a2 = norms[p] * norms[p]
        for q in range(p + 1, rows):
            b2 = norms[q] * norms[q]
            s = sin_theta[p, q]
            dot = 0.0
            for m in range(k):
                dot += X[p, m] * X[q, m]
            inv_d = 1.0 / math.sqrt(1.0 + 2.0 * (a2 + b2) + 4.0 * a2 * b2 * s * s)
            theta[p, q] = theta[q, p] = dot
            sin_theta[p, q] = sin_theta[q, p] = inv_d


@njit(**KERNEL)
def loss(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params):
    """L = 1/2 sum_p K(x_p, x_p) + sum_{p<q} s_p s_q K(x_p, x_q), K in atan2 form."""
    angles(X, norms, U, theta, sin_theta)
    _pair_terms(X, norms, theta, sin_theta)
    rows = X.shape[0]
    total = 0.0
    for p in range(rows):
        a2 = norms[p] * norms[p]
        total += 0.5 * math.atan2(2.0 * a2, math.sqrt(1.0 + 4.0 * a2))
        for q in range(p + 1, rows):
            kernel = math.atan2(2.0 * theta[p, q], 1.0 / sin_theta[p, q])
            total += sign[p] * sign[q] * kernel
    return _TWO_OVER_PI * total


@njit(**KERNEL, fastmath=REASSOC)
def gradient(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params):
    """grad_i = (4/pi) [sum_q s_q x_q / D_iq
    - 2/(1 + 2|w_i|^2) (sum_q s_q (w_i.x_q) / D_iq) w_i]."""
    angles(X, norms, U, theta, sin_theta)
    _pair_terms(X, norms, theta, sin_theta)
    rows, k = X.shape
    for p in range(rows):  # signed, transposed rows: contiguous sums over q
        for m in range(k):
            XT[m, p] = sign[p] * X[p, m]
    for i in range(G.shape[0]):
        a2 = norms[i] * norms[i]
        self_inv_d = 1.0 / math.sqrt(1.0 + 4.0 * a2)  # q = i: theta 0, dot |w_i|^2
        radial = a2 * self_inv_d
        for q in range(rows):
            radial += sign[q] * theta[i, q] * sin_theta[i, q]  # diagonal: 0
        radial *= 2.0 / (1.0 + 2.0 * a2)
        for m in range(k):
            acc = self_inv_d * X[i, m]
            for q in range(rows):
                acc += sin_theta[i, q] * XT[m, q]
            G[i, m] = _FOUR_OVER_PI * (acc - radial * X[i, m])


@njit(**KERNEL)
def activation(z, alpha):
    """(erf(z), erf'(z) = 2/sqrt(pi) exp(-z^2))."""
    return math.erf(z), _TWO_OVER_SQRT_PI * math.exp(-z * z)


def _erf_partials(w, u):
    """(dg/dw, dg/du) (d, d) of g(w, u) = dK(w, u)/dw = (4/pi) f / D,
    f = u - beta w, beta = 2 w.u / (1 + 2|w|^2) (neuronlab.models.erf)."""
    a, b, c = w @ w, u @ u, w @ u
    N = 1 + 2 * a
    D = np.sqrt(1 + 2 * a + 2 * b + 4 * (a * b - c * c))
    beta = 2 * c / N
    f = u - beta * w
    dD_dw = (2 * w + 4 * (b * w - c * u)) / D
    dD_du = (2 * u + 4 * (a * u - c * w)) / D
    eye = np.eye(len(w))
    df_dw = -beta * eye - np.outer(w, (2 * u - 4 * beta * w) / N)
    df_du = eye - np.outer(w, 2 * w / N)
    scale = 4 / np.pi
    return (
        scale * (df_dw / D - np.outer(f, dD_dw) / D**2),
        scale * (df_du / D - np.outer(f, dD_du) / D**2),
    )


def erf_hessian(W, V, alpha=0.0) -> np.ndarray:
    """H_ij = dg(w_i, u)/du at u = w_j (i != j); H_ii = sum_{q != i} s_q dg(w_i,
    x_q)/dw + d/dw g(w, w) at w_i, with grad_i = sum_q s_q g(w_i, x_q)."""
    n, d = W.shape
    X = np.vstack([W, V])
    sign = signs(n, len(V))
    hess = np.zeros((n, d, n, d))
    for i in range(n):
        for q in range(len(X)):
            d_w, d_u = _erf_partials(W[i], X[q])
            if q == i:
                hess[i, :, i, :] += d_w + d_u
                continue
            hess[i, :, i, :] += sign[q] * d_w
            if q < n:
                hess[i, :, q, :] = d_u
    return hess.reshape(n * d, n * d)


@njit(cache=True, nogil=True, error_model="numpy")
def erf_gauss_newton(W, out):
    """G (n k, n k) into `out` for erf: (4/pi) det(B)^(-1/2) B^(-1), B = I + 2A."""
    n, k = W.shape
    B = np.empty((k, k))
    for i in range(n):
        for j in range(n):
            for a in range(k):
                for b in range(k):
                    B[a, b] = 2.0 * (W[i, a] * W[i, b] + W[j, a] * W[j, b])
                B[a, a] += 1.0
            inverse = np.linalg.inv(B)
            factor = (4.0 / math.pi) / math.sqrt(np.linalg.det(B))
            for a in range(k):
                for b in range(k):
                    out[i * k + a, j * k + b] = factor * inverse[a, b]


@njit(cache=True, nogil=True, error_model="numpy")
def erf_matrix(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params, out):
    """The erf builder."""
    erf_gauss_newton(X[: G.shape[0]], out)

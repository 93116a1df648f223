"""Hessians of the population loss per activation, (n d, n d) with rows i*d + a:
flow's Jacobian (core.flow) and the spectrum (core.spectrum).

relu, eq. (51) (paper-notes §2), summed over every other row q of X = [W; V]
with its sign s_q (teachers -1):
Lambda_ii = 1/2 I + sum_{q != i} s_q zeta(w_i, x_q)
Lambda_ij = 1/(2 pi) [(pi - theta_ij) I + nbar(w_i, w_j) wbar_j^T + nbar(w_j, w_i) wbar_i^T]
zeta(w, u) = sin theta |u| / (2 pi |w|) (I - wbar wbar^T + nbar(u, w) nbar(u, w)^T)
with nbar(u, w) the unit vector of ubar - cos theta wbar (ubar's part orthogonal
to wbar). Defined where every w_i != 0 (the loss is not twice differentiable at
0). leaky_relu: alpha (1 1^T (x) I) + (1 - alpha)^2 Lambda. erf and quadratic:
closed forms of the derivatives of their gradients (core.erf, core.quadratic).
"""

import numpy as np

from . import kernels


def _orthogonal_parts(U: np.ndarray, n: int) -> np.ndarray:
    """N[a, b] (n, rows, k): unit vector of U_b's part orthogonal to U_a, for the
    students a. Computed from U_b -+ U_a so that it keeps its digits when the two
    are nearly (anti-)parallel; 0 where undefined (rows parallel, to rounding)."""
    Ua = U[:n, None, :]
    Ub = U[None, :, :]
    cos = np.einsum("ak,bk->ab", U[:n], U)[..., None]
    diff = np.where(cos >= 0, Ub - Ua, Ub + Ua)
    part = diff - np.einsum("abk,ak->ab", diff, U[:n])[..., None] * Ua
    norm = np.linalg.norm(part, axis=2, keepdims=True)
    # A part at the rounding level of diff (rows parallel to rounding) has no
    # direction: normalised, the two orders of a pair stopped cancelling and
    # added 1/pi to the block (a saddle at the global minimum w_i = lambda_i e_1).
    noise = 16 * np.finfo(float).eps * np.linalg.norm(diff, axis=2, keepdims=True)
    return np.divide(part, norm, out=np.zeros_like(part), where=norm > noise)


def _signs(n: int, m: int) -> np.ndarray:
    return np.r_[np.ones(n), -np.ones(m)]


def relu_hessian(W, V, alpha=0.0) -> np.ndarray:
    """Eq. (51) at W (n, d) for teachers V (m, d). Cost O(n^2 d^2): use it in
    reduced coordinates (k <= n + m); the complement block is in core.spectrum."""
    n, d = W.shape
    norms, U, theta, sin_theta = kernels.pair_angles(kernels.stack(W, V))
    sign = _signs(n, len(V))
    if np.any(norms[:n] == 0):
        raise ValueError("the Hessian is undefined where a student is zero")
    N = _orthogonal_parts(U, n)
    eye = np.eye(d)
    # zeta(w_i, x_q) weights, signed (teachers -1); sin_ii = 0 drops q = i.
    scale = sign * sin_theta[:n] * norms / (2 * np.pi * norms[:n, None])
    hess = np.einsum("iq,qab->iaqb", (np.pi - theta[:n, :n]) / (2 * np.pi), eye[None])
    hess += (
        (
            np.einsum("qia,qb->iaqb", N[:, :n], U[:n])  # nbar(w_i, w_q) wbar_q^T
            + np.einsum("iqa,ib->iaqb", N[:, :n], U[:n])  # nbar(w_q, w_i) wbar_i^T
        )
        / (2 * np.pi)
    )
    diagonal = 0.5 * eye + scale.sum(axis=1)[:, None, None] * (
        eye - np.einsum("ia,ib->iab", U[:n], U[:n])
    )
    diagonal += np.einsum("iq,iqa,iqb->iab", scale, N, N)
    idx = np.arange(n)
    hess[idx, :, idx, :] = diagonal
    return hess.reshape(n * d, n * d)


def leaky_hessian(W, V, alpha=0.0) -> np.ndarray:
    """alpha (1 1^T (x) I_d) + (1 - alpha)^2 eq. (51); alpha = 0 is eq. (51)."""
    relu = relu_hessian(W, V)
    if alpha == 0.0:
        return relu
    n, d = W.shape
    return alpha * np.kron(np.ones((n, n)), np.eye(d)) + (1 - alpha) ** 2 * relu


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


def _erf_partials(w, u):
    """(dg/dw, dg/du) (d, d) of g(w, u) = dK(w, u)/dw = (4/pi) f / D,
    f = u - beta w, beta = 2 w.u / (1 + 2|w|^2) (core.erf)."""
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
    sign = _signs(n, len(V))
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

"""The Hessian of the population loss, eq. (51), as d x d blocks (paper-notes §2).

Lambda_ii = 1/2 I + sum_{j != i} zeta(w_i, w_j) - zeta(w_i, v)
Lambda_ij = 1/(2 pi) [(pi - theta_ij) I + nbar(w_i, w_j) wbar_j^T + nbar(w_j, w_i) wbar_i^T]
zeta(w, u) = sin theta |u| / (2 pi |w|) (I - wbar wbar^T + nbar(u, w) nbar(u, w)^T)
with nbar(u, w) the unit vector of ubar - cos theta wbar (ubar's part orthogonal to wbar).
Defined where every w_i != 0 (the loss is not twice differentiable at 0).
"""

import numpy as np

from . import kernels


def _orthogonal_parts(U: np.ndarray, n: int) -> np.ndarray:
    """N[a, b] (n, rows, k): unit vector of U_b's part orthogonal to U_a, for the
    students a. Computed from U_b -+ U_a so that it keeps its digits when the two
    are nearly (anti-)parallel; 0 where undefined (parallel rows)."""
    Ua = U[:n, None, :]
    Ub = U[None, :, :]
    cos = np.einsum("ak,bk->ab", U[:n], U)[..., None]
    diff = np.where(cos >= 0, Ub - Ua, Ub + Ua)
    part = diff - np.einsum("abk,ak->ab", diff, U[:n])[..., None] * Ua
    norm = np.linalg.norm(part, axis=2, keepdims=True)
    return np.divide(part, norm, out=np.zeros_like(part), where=norm > 0)


def population_hessian(W, v) -> np.ndarray:
    """Hessian (n*d, n*d) of L at W (n, d) for teacher v (d,), rows i*d + a.

    Cost O(n^2 d^2): use it in reduced coordinates (k <= n + 1), where the engine
    runs; the complement block is in `core.spectrum`.
    """
    W = np.ascontiguousarray(W, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    n, d = W.shape
    norms, U, theta, sin_theta = kernels.pair_angles(kernels.stack(W, v))
    sign = kernels.Workspace(n, d).sign
    if np.any(norms[:n] == 0):
        raise ValueError("the Hessian is undefined where a student is zero")
    N = _orthogonal_parts(U, n)
    eye = np.eye(d)
    # zeta(w_i, x_q) weights, signed (teacher -1); sin_ii = 0 drops q = i.
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

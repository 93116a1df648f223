"""The Hessian of the population loss, eq. (51), as d x d blocks (paper-notes §2).

Lambda_ii = 1/2 I + sum_{j != i} zeta(w_i, w_j) - zeta(w_i, v)
Lambda_ij = 1/(2 pi) [(pi - theta_ij) I + nbar(w_i, w_j) wbar_j^T + nbar(w_j, w_i) wbar_i^T]
zeta(w, u) = sin theta |u| / (2 pi |w|) (I - wbar wbar^T + nbar(u, w) nbar(u, w)^T)
with nbar(u, w) the unit vector of ubar - cos theta wbar (ubar's part orthogonal to wbar).
Defined where every w_i != 0 (the loss is not twice differentiable at 0).
"""

import numpy as np

from . import kernels


def _orthogonal_part(ubar: np.ndarray, wbar: np.ndarray) -> np.ndarray:
    """Unit vector along ubar - (ubar.wbar) wbar, computed from ubar -+ wbar so that
    it keeps its digits when the two are nearly (anti-)parallel; 0 if undefined."""
    diff = ubar - wbar if ubar @ wbar >= 0 else ubar + wbar
    n = diff - (diff @ wbar) * wbar
    norm = np.linalg.norm(n)
    return n / norm if norm > 0 else n


def population_hessian(W, v) -> np.ndarray:
    """Hessian (n*d, n*d) of L at W (n, d) for teacher v (d,), rows i*d + a.

    Cost O(n^2 d^2): use it in reduced coordinates (k <= n + 1), where the engine
    runs; the complement block is in `core.spectrum`.
    """
    W = np.ascontiguousarray(W, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    n, d = W.shape
    X = kernels.stack(W, v)
    ws = kernels.Workspace(n, d)
    kernels._angles(X, ws.norms, ws.U, ws.theta, ws.sin_theta)
    norms, U, theta, sin_theta, sign = ws.norms, ws.U, ws.theta, ws.sin_theta, ws.sign
    if np.any(norms[:n] == 0):
        raise ValueError("the Hessian is undefined where a student is zero")
    eye = np.eye(d)
    hess = np.zeros((n, d, n, d))
    for i in range(n):
        block = 0.5 * eye
        for q in range(n + 1):
            if q == i:
                continue
            nbar = _orthogonal_part(U[q], U[i])
            scale = sin_theta[i, q] * norms[q] / (2 * np.pi * norms[i])
            zeta = eye - np.outer(U[i], U[i]) + np.outer(nbar, nbar)
            block = block + sign[q] * scale * zeta
            if q < n:
                hess[i, :, q, :] = (
                    (np.pi - theta[i, q]) * eye
                    + np.outer(_orthogonal_part(U[i], U[q]), U[q])
                    + np.outer(nbar, U[i])
                ) / (2 * np.pi)
        hess[i, :, i, :] = block
    return hess.reshape(n * d, n * d)

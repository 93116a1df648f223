"""The population loss and gradient for weights in R^d (DESIGN §3, §4).

Thin wrappers over the compiled kernels: one implementation serves the engine's
reduced coordinates and the user's original ones.
"""

import numpy as np

from . import kernels


def _validated(W, v) -> tuple[np.ndarray, np.ndarray]:
    W = np.asarray(W, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    if W.ndim != 2 or v.ndim != 1 or W.shape[1] != v.shape[0] or W.shape[0] < 1:
        raise ValueError(
            f"W must be (n, d) and v (d,) with n, d >= 1; got W {W.shape}, v {v.shape}"
        )
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(v))):
        raise ValueError("W and v must be finite")
    if not np.any(v):
        raise ValueError("the teacher v must be nonzero")
    return W, v


def population_loss(W, v) -> float:
    """L(W) = E_x[1/2 (sum_i [w_i.x]_+ - [v.x]_+)^2], x ~ N(0, I): eq. (23).

    W : (n, d) students; v : (d,) teacher, nonzero.
    """
    W, v = _validated(W, v)
    work = kernels.Workspace(*W.shape).arrays()
    return float(kernels.loss(kernels.stack(W, v), *work))


def population_gradient(W, v) -> np.ndarray:
    """dL/dw_i, eq. (4), as (n, d). A zero row gets the subgradient with
    1{0 >= 0} = 1: grad_i = 1/2 (sum_{j != i} w_j - v) (DESIGN §3.4)."""
    W, v = _validated(W, v)
    ws = kernels.Workspace(*W.shape)
    kernels.gradient(kernels.stack(W, v), *ws.arrays())
    return ws.G.copy()

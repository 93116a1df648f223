"""The population loss, gradient and Hessian for weights in R^d (DESIGN §3, §4).

Thin wrappers over the compiled kernels of each activation (neuronlab.models.registry): one
implementation serves the engine's reduced coordinates and the user's original
ones. v is one teacher (d,) or m teachers (m, d).
"""

import numpy as np

from neuronlab.models import kernels
from neuronlab.models.registry import MODELS


def _validated(W, v, activation, alpha) -> tuple[np.ndarray, np.ndarray]:
    W = np.asarray(W, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    V = kernels.teacher_rows(v)
    if (
        W.ndim != 2
        or v.ndim not in (1, 2)
        or W.shape[1] != V.shape[1]
        or not (W.shape[0] >= 1 and V.shape[0] >= 1)
    ):
        raise ValueError(
            "W must be (n, d) and v (d,) or (m, d) with n, m, d >= 1; got "
            f"W {W.shape}, v {v.shape}"
        )
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(V))):
        raise ValueError("W and v must be finite")
    if not np.all(np.any(V, axis=1)):
        raise ValueError("every teacher must be nonzero")
    if activation not in MODELS:
        raise ValueError(
            f"activation = {activation!r} is not allowed: one of {', '.join(MODELS)}"
        )
    if not -1.0 <= alpha <= 1.0 or (alpha != 0.0 and activation != "leaky_relu"):
        raise ValueError(
            f"alpha = {alpha!r}: alpha in [-1, 1] applies to leaky_relu only"
        )
    return W, V


def _work(W, V, activation, alpha):
    model = MODELS[activation]
    work = kernels.work_for(model, W.shape[0], W.shape[1], V.shape[0], alpha)
    return model, kernels.stack(W, V), work


def population_loss(W, v, activation: str = "relu", alpha: float = 0.0) -> float:
    """L(W) = E_x[1/2 (sum_i s(w_i.x) - sum_j s(v_j.x))^2], x ~ N(0, I): eq. (23)
    for relu. W : (n, d) students; v : (d,) or (m, d) teachers, nonzero."""
    W, V = _validated(W, v, activation, alpha)
    model, X, work = _work(W, V, activation, alpha)
    return float(model.loss(X, *work))


def population_gradient(W, v, activation: str = "relu", alpha: float = 0.0):
    """dL/dw_i as (n, d) (eq. 4 for relu). A zero row follows the activation's
    convention (neuronlab.models.registry, `zero_row`): relu 1/2 (sum_{j != i} w_j - sum v_j)."""
    W, V = _validated(W, v, activation, alpha)
    model, X, work = _work(W, V, activation, alpha)
    model.gradient(X, *work)
    return work[6].copy()


def population_hessian(W, v, activation: str = "relu", alpha: float = 0.0):
    """Hessian (n*d, n*d) of L at W (n, d), rows i*d + a (eq. 51 for relu)."""
    W, V = _validated(W, v, activation, alpha)
    return MODELS[activation].hessian(W, V, alpha)

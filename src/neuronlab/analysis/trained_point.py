"""Critical points with a trained output layer: L(W, a)'s problem in the
reduced span, and all n d + n Hessian eigenvalues (landscape issue, item 1).

Every gradient in W lies in S = span{v_j, w_i} (as without a), so Newton runs
on x = [W in S's basis (n k), a (n)] (neuronlab.analysis.landscape). The
Hessian in (W, a) (neuronlab.models.output.trained_hessian, a_i > 0) is block
diagonal as the fixed layer's is (neuronlab.analysis.complement): its reduced
(n k + n)-square block, and on every direction c (x) u with u orthogonal to S,
D C_U D with D = diag(a_i^(1/p)) and C_U the complement block at the effective
students u_i = a_i^(1/p) w_i (w_i -> w_i + t c_i u moves u_i by t a_i^(1/p) c_i u,
and u enters neither the a-directions nor the mixed terms, which lie in S).

At a global minimum of the paper's problem (a_i w_i = lambda_i v, sum lambda_i
= 1) the gradient at U vanishes, so H = J^T H_U J with H_U = 1/2 (1 1^T) (x) I_d
of rank d and J of full row rank n d: d nonzero eigenvalues, the eigenvalues of
1/2 sum_i (a_i^2 I + w_i w_i^T) (ReLU), i.e. d - 1 of 1/2 sum a_i^2 and one of
1/2 (sum a_i^2 + |v|^2 sum lambda_i^2 / a_i^2); and n d + n - d zeros: the fixed
layer's (n - 1) d and one more per student, the rescaling a_i -> c a_i,
w_i -> w_i / c that leaves a_i s(w_i.x) unchanged.
"""

import numpy as np

from neuronlab.analysis.complement import gram_block, span
from neuronlab.models import kernels
from neuronlab.models.output import degree_of, trained_gradient, trained_hessian


def checked(W, v, a, activation: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(W, v, a) as float arrays; ValueError naming what is wrong."""
    W = np.array(W, dtype=np.float64)
    v = np.array(v, dtype=np.float64)
    a = np.array(a, dtype=np.float64)
    degree_of(activation)  # refuses an activation without positive homogeneity
    if W.ndim != 2 or a.shape != (W.shape[0],):
        raise ValueError(
            f"a must have shape (n,) for W of shape (n, d): got a {a.shape}, W {W.shape}"
        )
    if not np.all(a > 0):
        raise ValueError(
            "a: every output weight must be positive (the Hessian uses "
            "a_i s(w_i.x) = s(a_i^(1/p) w_i.x)); got a = " + np.array2string(a)
        )
    if not np.all(np.any(W, axis=1)):
        raise ValueError("the Hessian is undefined where a student is zero")
    return W, v, a


def problem(V: np.ndarray, n: int, k: int, activation: str, alpha: float):
    """(gradient(x), hessian(x)) of L at x = [W (n k), a (n)] for teachers V
    (m, k) in the same coordinates."""

    def gradient(x):
        gW, ga = trained_gradient(x[: n * k].reshape(n, k), x[n * k :], V,
                                  activation, alpha)  # fmt: skip
        return np.r_[gW.ravel(), ga]

    def hessian(x):
        W, a = x[: n * k].reshape(n, k), x[n * k :]
        return trained_hessian(W, a, V, activation, alpha)

    return gradient, hessian


def spectrum(W, a, v, activation="relu", alpha=0.0) -> np.ndarray:
    """All n d + n eigenvalues, ascending, of the Hessian of L in (W, a) at
    W (n, d), a (n,) > 0 (module docstring)."""
    reduced = span(W, v)
    V = kernels.teacher_rows(reduced.v)
    span_values = np.linalg.eigvalsh(
        trained_hessian(reduced.W, a, V, activation, alpha)
    )
    D = a ** (1 / degree_of(activation))
    block = D[:, None] * gram_block(D[:, None] * reduced.W, V, activation, alpha)
    block_values = np.linalg.eigvalsh(block * D[None, :])
    d, k = reduced.basis.shape
    return np.sort(np.r_[span_values, np.repeat(block_values, d - k)])

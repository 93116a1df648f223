"""A trained second layer: the student sum_i a_i s(w_i.x) (RunConfig output "trained").

The loss is the pair sum of every model with the students' signs +1 replaced by
their output weights: L = 1/2 sum_{p,q} s_p s_q K(x_p, x_q) over the rows of
X = [W; V], s = (a_1..a_n, -1..-1). Every kernel of neuronlab.models takes the
signs from its workspace (sign, index 0) and writes
g_i = sum_q s_q dK(w_i, x_q)/dw_i into G, so the same compiled kernels give,
for any real a (ReLU: eq. 23 holds for any signs, so the loss keeps its digits):

    dL/dw_i = a_i g_i,    dL/da_i = sum_q s_q K(w_i, x_q) = w_i . g_i / p,

the second by Euler's identity for an activation with s(c z) = c^p s(z), c > 0
(K(c w, u) = c^p K(w, u)): relu and leaky_relu p = 1, quadratic p = 2. The
same holds per sample (s'(z) z = p s(z)), so SGD's minibatch sums chain alike.

A run carries P = [W | a] (n, k + 1), which the optimisers update as one
parameter matrix (neuronlab.dynamics.loop), and loads it into X and the signs
before each gradient.

Hessian in (W, a), for a_i > 0: a_i s(w_i.x) = s(u_i.x) with
u_i = a_i^(1/p) w_i, so L(W, a) = L_paper(U) and
H = J^T H_U J + sum_i g_U,i . d^2 u_i (J = du/d(W, a)), H_U the model's own
Hessian at U (eq. 51 for relu). Coordinates: w_i's rows first (i d + m),
then a_1..a_n.
"""

import numpy as np
from numba import njit, types

from neuronlab.models import kernels
from neuronlab.models.pairs import KERNEL
from neuronlab.models.registry import MODELS

# The loop's output-layer arguments: (P (n, k + 1), GP (n, k + 1), degree p);
# P with 0 rows: output weights fixed at 1 (the paper's; the fast path).
OUTER = types.Tuple((kernels.C2, kernels.C2, types.float64))


def fixed_output() -> tuple:
    """The loop's `outer` argument of a run with output weights fixed at 1."""
    return np.zeros((0, 0)), np.zeros((0, 0)), 1.0


def trained_output(W: np.ndarray, a: np.ndarray, degree: int) -> tuple:
    """The loop's `outer` argument: P = [W | a] (n, k + 1), its gradient's room."""
    P = np.ascontiguousarray(np.column_stack([W, a]))
    return P, np.zeros_like(P), float(degree)


@njit(**KERNEL)
def load(P, X, sign):
    """X's students <- P's W, their signs <- P's a (the kernels read both)."""
    n, k = P.shape[0], P.shape[1] - 1
    for i in range(n):
        for m in range(k):
            X[i, m] = P[i, m]
        sign[i] = P[i, k]


@njit(**KERNEL)
def chain(X, G, P, GP, degree):
    """GP = [a_i g_i | w_i . g_i / p] from the kernel's g (G, n x k) at X."""
    n, k = G.shape
    for i in range(n):
        a = P[i, k]
        dot = 0.0
        for m in range(k):
            dot += X[i, m] * G[i, m]
            GP[i, m] = a * G[i, m]
        GP[i, k] = dot / degree


def degree_of(activation: str) -> int:
    """p of s(c z) = c^p s(z); ValueError for an activation without one."""
    degree = MODELS[activation].degree
    if not degree:
        homogeneous = ", ".join(name for name, m in MODELS.items() if m.degree)
        raise ValueError(
            f"activation = {activation!r} is not positively homogeneous: trained "
            f"output weights need one of {homogeneous}"
        )
    return degree


def _signed(W, a, v, activation, alpha):
    W = np.asarray(W, dtype=np.float64)
    a = np.asarray(a, dtype=np.float64)
    if a.shape != (W.shape[0],) or not np.all(np.isfinite(a)):
        raise ValueError(f"a must be finite with shape (n,) = ({W.shape[0]},)")
    V = kernels.teacher_rows(v)
    model = MODELS[activation]
    work = kernels.work_for(model, W.shape[0], W.shape[1], V.shape[0], alpha)
    work[0][: W.shape[0]] = a
    return model, kernels.stack(W, V), work


def trained_loss(W, a, v, activation="relu", alpha=0.0) -> float:
    """L(W, a) = E[1/2 (sum_i a_i s(w_i.x) - sum_j s(v_j.x))^2]: W (n, d),
    a (n,), v (d,) or (m, d)."""
    degree_of(activation)
    model, X, work = _signed(W, a, v, activation, alpha)
    return float(model.loss(X, *work))


def trained_gradient(W, a, v, activation="relu", alpha=0.0):
    """(dL/dW (n, d), dL/da (n,)) (module docstring)."""
    p = degree_of(activation)
    model, X, work = _signed(W, a, v, activation, alpha)
    model.gradient(X, *work)
    n = X.shape[0] - len(kernels.teacher_rows(v))
    g, Wn = work[6], X[:n]
    return np.asarray(a)[:, None] * g, np.einsum("ik,ik->i", Wn, g) / p


def trained_hessian(W, a, v, activation="relu", alpha=0.0) -> np.ndarray:
    """The Hessian (n d + n, n d + n) of L in (W, a) at a_i > 0, from the
    model's Hessian at u_i = a_i^(1/p) w_i (module docstring)."""
    p = degree_of(activation)
    W, a = np.asarray(W, dtype=np.float64), np.asarray(a, dtype=np.float64)
    if not np.all(a > 0):
        raise ValueError("the Hessian in (W, a) is taken where every a_i > 0")
    n, d = W.shape
    V = kernels.teacher_rows(v)
    scale = a ** (1 / p)  # du_i/dw_i = scale_i I
    U = scale[:, None] * W
    H_U = MODELS[activation].hessian(U, V, alpha)
    g_U = _paper_gradient(U, V, activation, alpha)
    J = np.zeros((n * d, n * d + n))
    for i in range(n):
        rows = slice(i * d, (i + 1) * d)
        J[rows, rows] = scale[i] * np.eye(d)
        J[rows, n * d + i] = scale[i] / (p * a[i]) * W[i]  # du_i/da_i
    H = J.T @ H_U @ J
    for i in range(n):  # g_U,i . d^2 u_i: the mixed (w_i, a_i) and (a_i, a_i) terms
        rows = slice(i * d, (i + 1) * d)
        mixed = scale[i] / (p * a[i]) * g_U[i]
        H[rows, n * d + i] += mixed
        H[n * d + i, rows] += mixed
        curvature = scale[i] * (1 / p) * (1 / p - 1) / a[i] ** 2
        H[n * d + i, n * d + i] += curvature * (g_U[i] @ W[i])
    return H


def _paper_gradient(U, V, activation, alpha):
    model = MODELS[activation]
    work = kernels.work_for(model, U.shape[0], U.shape[1], V.shape[0], alpha)
    model.gradient(kernels.stack(U, V), *work)
    return work[6].copy()

"""All n*d Hessian eigenvalues from the reduced span and a closed-form n x n block.

Every model's loss depends on W only through the Gram matrix G of the rows of
X = [W; V] (norms and inner products: beyond-notes §1). Write its gradient as
grad_i = sum_q Gamma_iq x_q with Gamma = 2 dL/dG (the coefficient of each row).
Let S = span{v_j, w_i} (dimension k) and u a unit vector orthogonal to S. Moving
the students along c (x) u, w_i -> w_i + t c_i u, changes G only at second order,
G_ij -> G_ij + t^2 c_i c_j (students i, j; teacher entries fixed), and directions
in S^n change no G entry that involves u. Hence the Hessian is block diagonal:
the reduced (n k)-square Hessian on S^n, and Gamma_students (x) I_{d-k} on the
rest, with Gamma read off each model's gradient:

- relu (eq. 4): C_ii = 1/2 + sum_{q != i} s_q sin(theta_iq) |x_q| / (2 pi |w_i|),
  C_ij = (pi - theta_ij) / (2 pi) (neuronlab.analysis.spectrum.complement_block);
- leaky_relu: C = alpha 1 1^T + (1 - alpha)^2 C_relu (L = alpha/2 |r|^2 + ...);
- quadratic (grad_i = 2 (2A + tr A I) w_i): C_ij = 4 w_i.w_j + 2 tr(A) delta_ij;
- erf (grad_i = sum_q s_q (4/pi) (x_q - beta_iq w_i) / D_iq, neuronlab.models.erf):
  C_ij = (4/pi) / D_ij (j != i),
  C_ii = (4/pi) [(1 - beta_ii) / D_ii - sum_{q != i} s_q beta_iq / D_iq],
  beta_iq = 2 w_i.x_q / (1 + 2 |w_i|^2).

tests/test_landscape.py checks every block against finite differences of the
gradient in R^d with d > k.
"""

import math
from dataclasses import dataclass

import numpy as np

from neuronlab.analysis.spectrum import complement_block
from neuronlab.blas import one_blas_thread
from neuronlab.models import kernels
from neuronlab.models.reduction import Reduction, reduce
from neuronlab.models.registry import MODELS


def _erf_block(W: np.ndarray, V: np.ndarray) -> np.ndarray:
    X = np.vstack([W, V])
    n = len(W)
    sign = np.r_[np.ones(n), -np.ones(len(V))]
    a = (W * W).sum(axis=1)
    b = (X * X).sum(axis=1)
    c = W @ X.T  # (n, rows)
    D = np.sqrt(1 + 2 * a[:, None] + 2 * b[None] + 4 * (a[:, None] * b[None] - c * c))
    beta = 2 * c / (1 + 2 * a[:, None])
    scale = 4 / math.pi
    C = scale / D[:, :n]
    idx = np.arange(n)
    others = sign * beta / D
    others[idx, idx] = 0.0
    C[idx, idx] = scale * ((1 - beta[idx, idx]) / D[idx, idx] - others.sum(axis=1))
    return C


def _quadratic_block(W: np.ndarray, V: np.ndarray) -> np.ndarray:
    trace = (W * W).sum() - (V * V).sum()
    return 4 * W @ W.T + 2 * trace * np.eye(len(W))


def gram_block(W, v, activation: str = "relu", alpha: float = 0.0) -> np.ndarray:
    """The n x n matrix C by which the Hessian of L at W (n, d) acts on every
    direction c (x) u with u orthogonal to span{v_j, w_i} (module docstring)."""
    V = kernels.teacher_rows(v)
    if activation == "erf":
        return _erf_block(W, V)
    if activation == "quadratic":
        return _quadratic_block(W, V)
    relu = complement_block(W, V)
    if activation == "leaky_relu" and alpha != 0.0:
        return alpha + (1 - alpha) ** 2 * relu
    return relu


@dataclass(frozen=True)
class FullSpectrum:
    """The Hessian at W (n, d), every eigenvalue and an eigenvector for each.

    values : (n d,) ascending.  span_values : (n k,) and span_vectors : (n k, n k)
    (columns, rows i*k + a) on S^n in the reduced basis : (d, k).
    block_values : (n,) and block_vectors : (n, n) of C, each of multiplicity
    d - k along any unit u orthogonal to S."""

    values: np.ndarray
    span_values: np.ndarray
    span_vectors: np.ndarray
    block_values: np.ndarray
    block_vectors: np.ndarray
    basis: np.ndarray

    def direction(self, index: int) -> np.ndarray:
        """The unit eigenvector (n, d) of values[index]; distinct indices give
        orthonormal vectors, repeated eigenvalues included."""
        n, (d, k) = len(self.block_values), self.basis.shape
        tagged = np.r_[self.span_values, np.repeat(self.block_values, d - k)]
        j = int(np.argsort(tagged, kind="stable")[index])
        if j < n * k:
            return self.span_vectors[:, j].reshape(n, k) @ self.basis.T
        block, copy = divmod(j - n * k, d - k)
        return np.outer(self.block_vectors[:, block], _complement(self.basis)[:, copy])

    def null_part(self, D: np.ndarray, tolerance: float) -> np.ndarray:
        """D (n, d) projected on the eigenvectors with |lambda| <= tolerance."""
        n, k = len(self.block_values), self.basis.shape[1]
        inside = D @ self.basis  # (n, k): the part on S^n
        zero = self.span_vectors[:, np.abs(self.span_values) <= tolerance]
        on_span = (zero @ (zero.T @ inside.ravel())).reshape(n, k) @ self.basis.T
        outside = D - inside @ self.basis.T  # its rows are orthogonal to S
        c = self.block_vectors[:, np.abs(self.block_values) <= tolerance]
        return on_span + c @ (c.T @ outside)


def _complement(basis: np.ndarray) -> np.ndarray:
    """An orthonormal basis (d, d - k) of the complement of basis (d, k)."""
    Q, _ = np.linalg.qr(basis, mode="complete")
    return Q[:, basis.shape[1] :]


def span(W: np.ndarray, v: np.ndarray) -> Reduction:
    """neuronlab.models.reduction.reduce, or the identity basis where rounding would give it
    more than d columns (students parallel to v up to rounding, v off the axes)."""
    reduced = reduce(W, v)
    if reduced.basis.shape[1] <= W.shape[1]:
        return reduced
    return Reduction(np.eye(W.shape[1]), W, v)


def full_spectrum(W, v, activation: str = "relu", alpha: float = 0.0) -> FullSpectrum:
    """All n*d eigenvalues of the Hessian of L at W (n, d), teachers v (d,) or
    (m, d), in O((n k)^3 + n d k) time: the reduced Hessian's n k eigenvalues and
    C's n, each d - k times (module docstring)."""
    W = np.asarray(W, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    with one_blas_thread():
        reduced = span(W, v)
        V = kernels.teacher_rows(reduced.v)
        hessian = MODELS[activation].hessian(reduced.W, V, alpha)
        span_values, span_vectors = np.linalg.eigh(hessian)
        block_values, block_vectors = np.linalg.eigh(
            gram_block(reduced.W, V, activation, alpha)
        )
    d, k = reduced.basis.shape
    values = np.sort(np.r_[span_values, np.repeat(block_values, d - k)], kind="stable")
    return FullSpectrum(
        values, span_values, span_vectors, block_values, block_vectors, reduced.basis
    )

"""The Hessian's spectrum without the nd x nd matrix (paper eq. 51).

Every block of eq. (51) is a multiple of I plus outer products of vectors in
S = span{v, w_1, ..., w_n} (dim k). So the Hessian maps S^n to itself and acts on
the orthogonal complement by C (x) I_{d-k}, with the n x n matrix
C_ii = 1/2 + sum_{q != i} s_q sin(theta_iq) |x_q| / (2 pi |w_i|),
C_ij = (pi - theta_ij) / (2 pi),
(rows x_q: the students and the teacher, s_q = -1 for the teacher). Its spectrum
is that of the (n k)-square reduced Hessian plus C's eigenvalues, each d - k times.
"""

from dataclasses import dataclass

import numpy as np

from neuronlab.blas import one_blas_thread
from neuronlab.models import kernels
from neuronlab.models.reduction import reduce
from neuronlab.models.relu import relu_hessian


@dataclass(frozen=True)
class Spectrum:
    """span : (n k,) eigenvalues on S^n, ascending.  complement : (n,) eigenvalues
    of C, ascending, each with multiplicity `multiplicity` = d - k (0: none)."""

    span: np.ndarray
    complement: np.ndarray
    multiplicity: int

    @property
    def smallest(self) -> float:
        values = (
            self.span if self.multiplicity == 0 else np.r_[self.span, self.complement]
        )
        return float(values.min())


def complement_block(W: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The n x n matrix C by which the Hessian acts on S-perp (any coordinates)."""
    n = W.shape[0]
    V = kernels.teacher_rows(v)
    norms, _, theta, sin_theta = kernels.pair_angles(kernels.stack(W, V))
    sign = np.r_[np.ones(n), -np.ones(len(V))]
    radial = (sin_theta[:n] * (sign * norms)).sum(axis=1) / (2 * np.pi * norms[:n])
    C = (np.pi - theta[:n, :n]) / (2 * np.pi)
    np.fill_diagonal(C, 0.5 + radial)
    return C


def hessian_spectrum(W, v) -> Spectrum:
    """Eigenvalues of the Hessian of L at W (n, d) for teacher v (d,), in
    O(n^3 k^3 + n d k) time: d = 10 000 costs what d = 10 does."""
    W = np.asarray(W, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    with one_blas_thread():
        reduced = reduce(W, v)
        teachers = kernels.teacher_rows(reduced.v)
        span = np.linalg.eigvalsh(relu_hessian(reduced.W, teachers))
        complement = np.linalg.eigvalsh(complement_block(reduced.W, reduced.v))
    k = reduced.basis.shape[1]
    return Spectrum(span=span, complement=complement, multiplicity=W.shape[1] - k)

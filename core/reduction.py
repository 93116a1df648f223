"""Exact reduction of dimension (DESIGN §3.3).

Every gradient lies in span{v, w_1, ..., w_n}, so GD and gradient flow never leave
span{v, w_i(0)}. An orthonormal basis Q (d, k) of that span, k <= n + 1, whose first
column is v/|v|, turns a d-dimensional run into a k-dimensional one: the cost per
step no longer depends on d. With v along the first axis, h_i is coordinate 0 and
z_i the rest, so both keep their own relative precision.
"""

from dataclasses import dataclass

import numpy as np
import scipy.linalg


@dataclass(frozen=True)
class Reduction:
    """basis : (d, k) orthonormal columns, basis[:, 0] = v/|v|.
    W : (n, k) students in the basis.  v : (k,) teacher, = (|v|, 0, ..., 0)."""

    basis: np.ndarray
    W: np.ndarray
    v: np.ndarray


def reduce(W0: np.ndarray, v: np.ndarray) -> Reduction:
    """Basis of span{v, rows of W0}: v/|v| first, then a rank-revealing (pivoted)
    QR of the parts of W0 orthogonal to v, rank cut as in numpy's matrix_rank."""
    vnorm = float(np.linalg.norm(v))
    e1 = v / vnorm
    Z = W0 - np.outer(W0 @ e1, e1)
    if Z.size and np.any(Z):
        Q, R, _ = scipy.linalg.qr(Z.T, mode="economic", pivoting=True)
        diag = np.abs(np.diag(R))
        rest = Q[:, diag > diag[0] * max(Z.shape) * np.finfo(float).eps]
        # Re-orthogonalise against e1: rounding leaves O(eps) components along it.
        rest, _ = np.linalg.qr(rest - np.outer(e1, e1 @ rest))
        basis = np.column_stack([e1, rest])
    else:
        basis = e1[:, None]
    basis = np.ascontiguousarray(basis)
    coords = np.ascontiguousarray(W0 @ basis)
    teacher = np.zeros(basis.shape[1])
    teacher[0] = vnorm
    return Reduction(basis=basis, W=coords, v=teacher)

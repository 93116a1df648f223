"""Exact reduction of dimension (DESIGN §3.3).

Every gradient lies in span{v_j, w_1, ..., w_n} (beyond-notes §1: every model is
a sum over pairs), so GD and gradient flow never leave span{v_j, w_i(0)}. An
orthonormal basis Q (d, k), k <= n + m, whose first columns span the teachers,
turns a d-dimensional run into a k-dimensional one: the cost per step no longer
depends on d. One teacher: the first column is v/|v|, so h_i is coordinate 0 and
z_i the rest, and both keep their own relative precision.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Reduction:
    """basis : (d, k) orthonormal columns, the teachers' span first.
    W : (n, k) students in the basis.  v : the teachers in the basis, (k,) =
    (|v|, 0, ..., 0) for one teacher (v given as (d,)), else (m, k)."""

    basis: np.ndarray
    W: np.ndarray
    v: np.ndarray


def _teacher_basis(V: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Q (d, m'), V in it (m, m')): Q spans the rows of V (m, d), rank cut as
    in numpy's matrix_rank, signs so that each R diagonal is positive (V = c I
    gives Q = its unit rows and coordinates c I)."""
    Q, R = np.linalg.qr(V.T)
    diag = np.abs(np.diag(R))
    keep = diag > diag.max() * max(V.shape) * np.finfo(float).eps
    signs = np.where(np.diag(R) < 0, -1.0, 1.0)
    Q, R = Q * signs, R * signs[:, None]
    return Q[:, keep], R[keep].T


def _without(A: np.ndarray, first: np.ndarray, rows: bool) -> np.ndarray:
    """A minus its part along the columns of `first` (one unit vector (d,), or
    (d, m')): for the rows of A (rows=True) or its columns."""
    if first.ndim == 1:  # one teacher: the expressions of the original engine
        if rows:
            return A - np.outer(A @ first, first)
        return A - np.outer(first, first @ A)
    return A - (A @ first) @ first.T if rows else A - first @ (first.T @ A)


def reduce(W0: np.ndarray, v: np.ndarray) -> Reduction:
    """Basis of span{teachers, rows of W0}: the teachers first (v/|v| for one),
    then a rank-revealing (pivoted) QR of the parts of W0 orthogonal to them."""
    if v.ndim == 1:
        vnorm = float(np.linalg.norm(v))
        first = v / vnorm
        teacher = np.array([[vnorm]])
    else:
        first, teacher = _teacher_basis(v)
    Z = _without(W0, first, rows=True)
    if Z.size and np.any(Z):
        import scipy.linalg  # here: neuronlab/__init__ says why

        Q, R, _ = scipy.linalg.qr(Z.T, mode="economic", pivoting=True)
        diag = np.abs(np.diag(R))
        rest = Q[:, diag > diag[0] * max(Z.shape) * np.finfo(float).eps]
        # Re-orthogonalise against the teachers: rounding leaves O(eps) along them.
        rest, _ = np.linalg.qr(_without(rest, first, rows=False))
        basis = np.column_stack([first, rest])
    else:
        basis = first.reshape(len(first), -1)
    basis = np.ascontiguousarray(basis)
    coords = np.ascontiguousarray(W0 @ basis)
    k = basis.shape[1]
    if v.ndim == 1:
        reduced_v = np.zeros(k)
        reduced_v[0] = teacher[0, 0]
    else:
        reduced_v = np.zeros((len(v), k))
        reduced_v[:, : teacher.shape[1]] = teacher
    return Reduction(basis=basis, W=coords, v=np.ascontiguousarray(reduced_v))

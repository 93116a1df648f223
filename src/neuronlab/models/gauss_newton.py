"""The Gauss-Newton matrix of the population loss, in closed form (beyond-notes §4).

G has (k x k) blocks G_ij = E[s'(w_i.x) s'(w_j.x) x x^T] (x ~ N(0, I)), the
expected J^T J of the students' outputs; the teachers do not enter. Every block
maps span{w_i} to itself, so in the engine's reduced basis G is exact. For
theta = theta_ij, e1 = w_i/|w_i| and e2 the unit vector of w_j's part
orthogonal to w_i:

- relu: G_ij = (pi - theta)/(2 pi) I + sin(2 theta)/(4 pi) (e1 e1^T - e2 e2^T)
          + sin(theta)^2/(2 pi) (e1 e2^T + e2 e1^T),   G_ii = I/2
  (the plane block (1/pi) int_{theta-pi/2}^{pi/2} (cos, sin)(cos, sin)^T and
  P(both active) = (pi - theta)/(2 pi) on the rest);
- leaky_relu (alpha): alpha I + (1 - alpha)^2 G_relu;
- erf: (4/pi) det(I + 2A)^(-1/2) (I + 2A)^(-1), A = w_i w_i^T + w_j w_j^T
  (the Gaussian integral of exp(-x^T A x) x x^T);
- quadratic (z^2): 4 [(w_i.w_j) I + w_i w_j^T + w_j w_i^T] (Isserlis).

A zero student follows the engine's convention 1{0 >= 0} = 1 (DESIGN §3.4):
its ReLU derivative is 1 everywhere, so its blocks are I (diagonal) and I/2.
"""

import math

import numpy as np
from numba import njit, types

from neuronlab.models.kernels import WORK
from neuronlab.models.pairs import angles

_TWO_PI = 2.0 * math.pi
# Every model's builder: matrix(X, *work, out) writes G (n k, n k) at X's
# students (work: the model's Workspace arrays; params[0] is alpha).
GAUSS_NEWTON = types.void(types.float64[:, ::1], *WORK, types.float64[:, ::1])


@njit(cache=True, nogil=True, error_model="numpy")
def _orthogonal_unit(a, b, cos_ab, out):
    """out = unit vector of b's part orthogonal to the unit vector a, from b -+ a
    (whichever is shorter) so that it keeps its digits when a and b are nearly
    (anti-)parallel; zero when b is parallel to a."""
    k = a.shape[0]
    sign = -1.0 if cos_ab >= 0.0 else 1.0
    along = 0.0
    for m in range(k):
        out[m] = b[m] + sign * a[m]
        along += out[m] * a[m]
    total = 0.0
    for m in range(k):
        out[m] -= along * a[m]
        total += out[m] * out[m]
    inv = 1.0 / math.sqrt(total) if total > 0.0 else 0.0
    for m in range(k):
        out[m] *= inv


@njit(cache=True, nogil=True, error_model="numpy")
def relu_gauss_newton(U, norms, theta, sin_theta, alpha, out):
    """G (n k, n k) into `out` for leaky ReLU with slope alpha (0: ReLU).

    U : (rows, k) unit rows, norms (rows,), theta, sin_theta (rows, rows): the
    pair geometry of the kernels' workspace; the first n = out.shape[0] // k rows
    are the students.
    """
    k = U.shape[1]
    n = out.shape[0] // k
    linear, scale = alpha * alpha, (1.0 - alpha) * (1.0 - alpha)
    e2 = np.empty(k)
    out[:] = 0.0
    for i in range(n):
        for j in range(n):
            # E[1{w_i.x >= 0} x x^T] = q_i I: 1/2 (a half space), 1 at a zero row.
            q_i = 0.5 if norms[i] > 0.0 else 1.0
            q_j = 0.5 if norms[j] > 0.0 else 1.0
            # s' = alpha + (1 - alpha) 1{.}: the alpha^2 and cross terms are
            # multiples of I; the (1 - alpha)^2 term is the ReLU block.
            diagonal = linear + alpha * (1.0 - alpha) * (q_i + q_j)
            if i == j or norms[i] == 0.0 or norms[j] == 0.0:
                both = q_i if i == j else (q_j if norms[i] == 0.0 else q_i)
                for m in range(k):
                    out[i * k + m, j * k + m] = diagonal + scale * both
                continue
            t, s = theta[i, j], sin_theta[i, j]
            c = math.cos(t)
            _orthogonal_unit(U[i], U[j], c, e2)
            c0 = (math.pi - t) / _TWO_PI
            c1 = s * c / _TWO_PI  # sin(2 theta) / (4 pi)
            c2 = s * s / _TWO_PI
            for a in range(k):
                for b in range(k):
                    e1a, e1b, e2a, e2b = U[i, a], U[i, b], e2[a], e2[b]
                    block = c1 * (e1a * e1b - e2a * e2b) + c2 * (e1a * e2b + e2a * e1b)
                    if a == b:
                        block += c0
                    out[i * k + a, j * k + b] = scale * block + (
                        diagonal if a == b else 0.0
                    )


@njit(cache=True, nogil=True, error_model="numpy")
def erf_gauss_newton(W, out):
    """G (n k, n k) into `out` for erf: (4/pi) det(B)^(-1/2) B^(-1), B = I + 2A."""
    n, k = W.shape
    B = np.empty((k, k))
    for i in range(n):
        for j in range(n):
            for a in range(k):
                for b in range(k):
                    B[a, b] = 2.0 * (W[i, a] * W[i, b] + W[j, a] * W[j, b])
                B[a, a] += 1.0
            inverse = np.linalg.inv(B)
            factor = (4.0 / math.pi) / math.sqrt(np.linalg.det(B))
            for a in range(k):
                for b in range(k):
                    out[i * k + a, j * k + b] = factor * inverse[a, b]


@njit(cache=True, nogil=True, error_model="numpy")
def quadratic_gauss_newton(W, out):
    """G (n k, n k) into `out` for z^2: 4 [(w_i.w_j) I + w_i w_j^T + w_j w_i^T]."""
    n, k = W.shape
    for i in range(n):
        for j in range(n):
            dot = 0.0
            for m in range(k):
                dot += W[i, m] * W[j, m]
            for a in range(k):
                for b in range(k):
                    value = W[i, a] * W[j, b] + W[j, a] * W[i, b]
                    if a == b:
                        value += dot
                    out[i * k + a, j * k + b] = 4.0 * value


@njit(cache=True, nogil=True, error_model="numpy")
def empirical_gauss_newton(W, X, perm, lo, hi, activation, alpha, out):
    """G (n d, n d) on the samples X[perm[lo:hi]]: the batch mean of J^T J,
    J_ia = s'(w_i.x) x_a."""
    n, d = W.shape
    out[:] = 0.0
    slope = np.empty(n)
    for s in range(lo, hi):
        x = X[perm[s]]
        for i in range(n):
            total = 0.0
            for a in range(d):
                total += W[i, a] * x[a]
            slope[i] = activation(total, alpha)[1]
        for i in range(n):
            for j in range(n):
                both = slope[i] * slope[j]
                if both == 0.0:
                    continue
                for a in range(d):
                    for b in range(d):
                        out[i * d + a, j * d + b] += both * x[a] * x[b]
    out /= hi - lo


@njit(cache=True, nogil=True, error_model="numpy")
def relu_matrix(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params, out):
    """The leaky-ReLU (ReLU at alpha = 0) builder, from X's pair geometry."""
    angles(X, norms, U, theta, sin_theta)
    relu_gauss_newton(U, norms, theta, sin_theta, params[0], out)


@njit(cache=True, nogil=True, error_model="numpy")
def erf_matrix(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params, out):
    """The erf builder."""
    erf_gauss_newton(X[: G.shape[0]], out)


@njit(cache=True, nogil=True, error_model="numpy")
def quadratic_matrix(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params, out):
    """The z^2 builder."""
    quadratic_gauss_newton(X[: G.shape[0]], out)

"""ReLU, the paper's model: the population loss (eq. 23), gradient (eq. 4),
Hessian (eq. 51) and Gauss-Newton matrix, and the per-sample activation.

Every kernel works in any dimension k: on full weights (n, d) or on the reduced
coordinates (n, k) of neuronlab.models.reduction, with the signatures of
neuronlab.models.kernels. The rows of X are the n students (sign +1) and then
the m teachers (sign -1), so each formula is one sum over pairs of rows
(neuronlab.models.pairs).

Hessian, eq. (51) (paper-notes §2), summed over every other row q of X with its
sign s_q (teachers -1):
Lambda_ii = 1/2 I + sum_{q != i} s_q zeta(w_i, x_q)
Lambda_ij = 1/(2 pi) [(pi - theta_ij) I + nbar(w_i, w_j) wbar_j^T + nbar(w_j, w_i) wbar_i^T]
zeta(w, u) = sin theta |u| / (2 pi |w|) (I - wbar wbar^T + nbar(u, w) nbar(u, w)^T)
with nbar(u, w) the unit vector of ubar - cos theta wbar (ubar's part orthogonal
to wbar). Defined where every w_i != 0 (the loss is not twice differentiable at
0).

Gauss-Newton (beyond-notes §4): G has (k x k) blocks G_ij = E[s'(w_i.x)
s'(w_j.x) x x^T], the expected J^T J of the students' outputs; the teachers do
not enter. For theta = theta_ij, e1 = w_i/|w_i| and e2 the unit vector of w_j's
part orthogonal to w_i:
G_ij = (pi - theta)/(2 pi) I + sin(2 theta)/(4 pi) (e1 e1^T - e2 e2^T)
       + sin(theta)^2/(2 pi) (e1 e2^T + e2 e1^T),   G_ii = I/2
(the plane block (1/pi) int_{theta-pi/2}^{pi/2} (cos, sin)(cos, sin)^T and
P(both active) = (pi - theta)/(2 pi) on the rest); leaky_relu (alpha):
alpha I + (1 - alpha)^2 G_relu. A zero student follows the engine's convention
1{0 >= 0} = 1 (DESIGN §3.4): its blocks are I (diagonal) and I/2.
"""

import math

import numpy as np
from numba import njit

from neuronlab.models.kernels import orthogonal_parts, pair_angles, signs, stack
from neuronlab.models.pairs import KERNEL, REASSOC, TWO_PI, angles, phi, residual


@njit(**KERNEL)
def loss(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params):
    """ReLU population loss, eq. (23), with X = [W; V]:
    L = 1/4 |r|^2 + 1/(2 pi) sum_{p<q} s_p s_q phi(theta_pq)|x_p||x_q|, r = sum_i
    w_i - sum_j v_j (m = 1: the paper's sum_{i<j} ... - sum_i phi(theta_i)|w_i||v|).
    Not the kernel expansion, which cannot go below ~1e-15 (DESIGN §3.1)."""
    rows = X.shape[0]
    angles(X, norms, U, theta, sin_theta)
    residual(X, sign, r)
    linear = 0.0
    for m in range(r.shape[1]):
        linear += r[0, m] * r[0, m]
    bracket = 0.0
    for p in range(rows):
        for q in range(p + 1, rows):
            bracket += sign[p] * sign[q] * phi(theta[p, q]) * norms[p] * norms[q]
    return 0.25 * linear + bracket / TWO_PI


@njit(**KERNEL)
def gradient(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params):
    """ReLU population gradient into G (n, k), eq. (4), with X = [W; V]:
    grad_i = 1/2 r + 1/(2 pi) [(sum_q s_q |x_q| sin theta_iq) w_i/|w_i|
             - sum_q s_q theta_iq x_q]   (rows q != i, teachers s_q = -1).
    At w_i = 0 (not differentiable) the subgradient with 1{0 >= 0} = 1:
    grad_i = 1/2 (sum_{j!=i} w_j - sum_j v_j) (DESIGN §3.4): a dead neuron revives."""
    angles(X, norms, U, theta, sin_theta)
    residual(X, sign, r)
    angular_terms(X, sign, norms, U, theta, sin_theta, r, G, XT, 0.5, 0.5, 1.0)


@njit(**KERNEL, fastmath=REASSOC)
def angular_terms(X, sign, norms, U, theta, sin_theta, r, G, XT, linear, at_zero,
                  scale):  # fmt: skip
    """G_i = linear r + scale [radial_i U_i - sum_q theta_iq sign_q X_q] / 2 pi
    over the rows q of X (teachers sign -1, theta_ii = 0); at_zero r at w_i = 0.
    ReLU: (1/2, 1/2, 1); leaky_relu (neuronlab.models.leaky) its own coefficients. The sum
    over q runs on the transposed, signed rows XT (k, rows): contiguous dot
    products that vectorise."""
    rows, k = X.shape
    for p in range(rows):
        for m in range(k):
            XT[m, p] = sign[p] * X[p, m]
    for i in range(G.shape[0]):
        radial = 0.0
        for q in range(rows):
            radial += sign[q] * norms[q] * sin_theta[i, q]
        if norms[i] == 0.0:  # the subgradient at w_i = 0 keeps only r
            for m in range(k):
                G[i, m] = at_zero * r[0, m]
            continue
        for m in range(k):
            acc = 0.0
            for q in range(rows):
                acc += theta[i, q] * XT[m, q]
            G[i, m] = linear * r[0, m] + scale * ((radial * U[i, m] - acc) / TWO_PI)


@njit(**KERNEL)
def activation(z, alpha):
    """ReLU per sample: ([z]_+, 1{z >= 0}) (the convention of eq. 4)."""
    return max(0.0, z), 1.0 if z >= 0.0 else 0.0


def relu_hessian(W, V, alpha=0.0) -> np.ndarray:
    """Eq. (51) at W (n, d) for teachers V (m, d). Cost O(n^2 d^2): use it in
    reduced coordinates (k <= n + m); the complement block is in neuronlab.analysis.spectrum."""
    n, d = W.shape
    norms, U, theta, sin_theta = pair_angles(stack(W, V))
    sign = signs(n, len(V))
    if np.any(norms[:n] == 0):
        raise ValueError("the Hessian is undefined where a student is zero")
    N = orthogonal_parts(U, n)
    eye = np.eye(d)
    # zeta(w_i, x_q) weights, signed (teachers -1); sin_ii = 0 drops q = i.
    scale = sign * sin_theta[:n] * norms / (2 * np.pi * norms[:n, None])
    hess = np.einsum("iq,qab->iaqb", (np.pi - theta[:n, :n]) / (2 * np.pi), eye[None])
    hess += (
        (
            np.einsum("qia,qb->iaqb", N[:, :n], U[:n])  # nbar(w_i, w_q) wbar_q^T
            + np.einsum("iqa,ib->iaqb", N[:, :n], U[:n])  # nbar(w_q, w_i) wbar_i^T
        )
        / (2 * np.pi)
    )
    diagonal = 0.5 * eye + scale.sum(axis=1)[:, None, None] * (
        eye - np.einsum("ia,ib->iab", U[:n], U[:n])
    )
    diagonal += np.einsum("iq,iqa,iqb->iab", scale, N, N)
    idx = np.arange(n)
    hess[idx, :, idx, :] = diagonal
    return hess.reshape(n * d, n * d)


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
            c0 = (math.pi - t) / TWO_PI
            c1 = s * c / TWO_PI  # sin(2 theta) / (4 pi)
            c2 = s * s / TWO_PI
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
def relu_matrix(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params, out):
    """The leaky-ReLU (ReLU at alpha = 0) builder, from X's pair geometry."""
    angles(X, norms, U, theta, sin_theta)
    relu_gauss_newton(U, norms, theta, sin_theta, params[0], out)

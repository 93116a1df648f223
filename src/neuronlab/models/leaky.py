"""Piecewise-linear activations s(z) = alpha z + (1 - alpha)[z]_+ (beyond-notes §2).

K_alpha(w, u) = alpha <w, u> + (1 - alpha)^2 Upsilon(w, u), hence
L_alpha = 1/2 alpha |r|^2 + (1 - alpha)^2 L_ReLU and
grad_i L_alpha = alpha r + (1 - alpha)^2 grad_i L_ReLU, r = sum_i w_i - sum_j v_j:
every stable ReLU form (neuronlab.models.relu) is reused unchanged, only coefficients
change. alpha = 0 runs the ReLU kernels themselves (bit for bit), 1 is linear.
w_i = 0: s'(0) = 1 (the right derivative, ReLU's 1{0 >= 0} = 1), so
grad_i = E[R(x) x] = 1/2 (1 + alpha) r.
Accuracy: for alpha >= 0 both terms vanish at a global minimum (r = 0), so the
loss keeps ReLU's relative precision. For alpha < 0 a minimum can have r != 0
(alpha = -1 is |z|, even: a student may carry -v), and -1/2 |alpha| |r|^2 then
cancels against (1 - alpha)^2 L_ReLU: an absolute floor of ~1e-16 |r|^2
(measured: one seed of n = 3 at alpha = -1 stopped at L = 2.2e-16).
"""

import numpy as np
from numba import njit

from neuronlab.models import relu
from neuronlab.models.pairs import KERNEL, angles, residual


@njit(**KERNEL)
def loss(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params):
    """L_alpha = 1/2 alpha |r|^2 + (1 - alpha)^2 L_ReLU, alpha = params[0]."""
    paper = relu.loss(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params)
    alpha = params[0]
    if alpha == 0.0:
        return paper
    linear = 0.0
    for m in range(r.shape[1]):  # r as the ReLU loss left it (TwoSum)
        linear += r[0, m] * r[0, m]
    return 0.5 * alpha * linear + (1.0 - alpha) ** 2 * paper


@njit(**KERNEL)
def gradient(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params):
    """grad_i = alpha r + (1 - alpha)^2 grad_i L_ReLU into G, in one pass over the
    ReLU terms; 1/2 (1 + alpha) r at w_i = 0. alpha = 0: the ReLU gradient."""
    alpha = params[0]
    if alpha == 0.0:
        relu.gradient(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params)
        return
    scale = (1.0 - alpha) ** 2
    angles(X, norms, U, theta, sin_theta)
    residual(X, sign, r)
    relu.angular_terms(X, sign, norms, U, theta, sin_theta, r, G, XT,
                          alpha + 0.5 * scale, 0.5 * (1.0 + alpha), scale)  # fmt: skip


@njit(**KERNEL)
def activation(z, alpha):
    """(s(z), s'(z)) with s'(0) = 1; alpha = 0 is ReLU's max(0, z), 1{z >= 0}."""
    if alpha == 0.0:
        return relu.activation(z, alpha)
    if z >= 0.0:
        return z, 1.0
    return alpha * z, alpha


def leaky_hessian(W, V, alpha=0.0) -> np.ndarray:
    """alpha (1 1^T (x) I_d) + (1 - alpha)^2 eq. (51); alpha = 0 is eq. (51)."""
    paper = relu.relu_hessian(W, V)
    if alpha == 0.0:
        return paper
    n, d = W.shape
    return alpha * np.kron(np.ones((n, n)), np.eye(d)) + (1 - alpha) ** 2 * paper

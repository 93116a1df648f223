"""Piecewise-linear activations s(z) = alpha z + (1 - alpha)[z]_+ (beyond-notes §2).

K_alpha(w, u) = alpha <w, u> + (1 - alpha)^2 Upsilon(w, u), hence
L_alpha = 1/2 alpha |r|^2 + (1 - alpha)^2 L_ReLU and
grad_i L_alpha = alpha r + (1 - alpha)^2 grad_i L_ReLU, r = sum_i w_i - sum_j v_j:
every stable ReLU form (core.kernels) is reused unchanged, only coefficients
change. alpha = 0 runs the ReLU kernels themselves (bit for bit), 1 is linear.
w_i = 0: s'(0) = 1 (the right derivative, ReLU's 1{0 >= 0} = 1), so
grad_i = E[R(x) x] = 1/2 (1 + alpha) r.
"""

from numba import njit

from . import kernels


@njit(cache=True, nogil=True, error_model="numpy")
def loss(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params):
    """L_alpha = 1/2 alpha |r|^2 + (1 - alpha)^2 L_ReLU, alpha = params[0]."""
    relu = kernels.loss(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params)
    alpha = params[0]
    if alpha == 0.0:
        return relu
    linear = 0.0
    for m in range(r.shape[1]):  # r as the ReLU loss left it (TwoSum)
        linear += r[0, m] * r[0, m]
    return 0.5 * alpha * linear + (1.0 - alpha) ** 2 * relu


@njit(cache=True, nogil=True, error_model="numpy")
def gradient(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params):
    """grad_i = alpha r + (1 - alpha)^2 grad_i L_ReLU into G; 1/2 (1 + alpha) r
    at w_i = 0."""
    kernels.gradient(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params)
    alpha = params[0]
    if alpha == 0.0:
        return
    scale = (1.0 - alpha) ** 2
    n, k = G.shape
    for i in range(n):
        if norms[i] == 0.0:
            for m in range(k):
                G[i, m] = 0.5 * (1.0 + alpha) * r[0, m]
        else:
            for m in range(k):
                G[i, m] = alpha * r[0, m] + scale * G[i, m]


@njit(cache=True, nogil=True, error_model="numpy")
def activation(z, alpha):
    """(s(z), s'(z)) with s'(0) = 1; alpha = 0 is ReLU's max(0, z), 1{z >= 0}."""
    if alpha == 0.0:
        return kernels.activation(z, alpha)
    if z >= 0.0:
        return z, 1.0
    return alpha * z, alpha

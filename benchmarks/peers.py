"""The engine's peers: population GD written the way others would write it.

Both peers step the closed-form gradient (paper eq. 4) in the full d-dimensional space,
with angles from a clipped ``arccos`` of the unit-vector dot products, in float64:

- ``numpy_gd``: what a user writes first, a Python loop over a vectorised NumPy step.
- ``jax_gd``: what a strong engineer writes, ``jax.jit`` of a ``lax.fori_loop``.

The gradient is written once over an array module ``xp`` (``numpy`` or ``jax.numpy``),
so the two peers differ only in how the loop runs. ``self_check`` compares them with
each other and with finite differences of the loss in its kernel form (an independent
formula), so the timings are of code that computes the right thing.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

import neuronlab
from neuronlab import RunConfig

jax.config.update("jax_enable_x64", True)


def default_start(n: int, d: int, sigma: float, seed: int = 0):
    """The engine's own default start (so peers and engine begin at the same W0):
    W0 (n, d) = sigma * N(0, 1) from seed, v (d,) = e_1."""
    return neuronlab.default_start(RunConfig(n=n, d=d, sigma=sigma, seed=seed))


def _angles(W, v, xp):
    """Norms (n,), unit rows (n, d), theta_ij (n, n) with zero diagonal, theta_i (n,)."""
    norms = xp.sqrt(xp.sum(W * W, axis=1))
    Wbar = W / norms[:, None]
    v_norm = xp.sqrt(xp.sum(v * v))
    off = 1.0 - xp.eye(W.shape[0])
    # Clipping keeps arccos finite when rounding pushes a cosine past +-1.
    theta_ij = xp.arccos(xp.clip(Wbar @ Wbar.T, -1.0, 1.0)) * off
    theta_i = xp.arccos(xp.clip(Wbar @ v / v_norm, -1.0, 1.0))
    return norms, Wbar, v_norm, theta_ij, theta_i


def gradient(W, v, xp=np):
    """Eq. 4: grad_i = (sum_j w_j - v)/2 + [(sum_{j!=i} |w_j| sin theta_ij
    - |v| sin theta_i) wbar_i - sum_{j!=i} theta_ij w_j + theta_i v] / 2pi.  (n, d)"""
    norms, Wbar, v_norm, theta_ij, theta_i = _angles(W, v, xp)
    coef = xp.sin(theta_ij) @ norms - v_norm * xp.sin(theta_i)
    angular = coef[:, None] * Wbar - theta_ij @ W + theta_i[:, None] * v[None, :]
    return 0.5 * (xp.sum(W, axis=0) - v)[None, :] + angular / (2 * math.pi)


def loss(W, v, xp=np):
    """Eq. 23 with phi(theta) = sin theta - theta cos theta, evaluated as written."""
    norms, _, v_norm, theta_ij, theta_i = _angles(W, v, xp)

    def phi(theta):
        return xp.sin(theta) - theta * xp.cos(theta)

    residual = xp.sum(W, axis=0) - v
    pairs = 0.5 * norms @ phi(theta_ij) @ norms
    teacher = v_norm * xp.sum(phi(theta_i) * norms)
    return 0.25 * xp.sum(residual * residual) + (pairs - teacher) / (2 * math.pi)


def numpy_gd(W0: np.ndarray, v: np.ndarray, eta: float, steps: int) -> np.ndarray:
    """`steps` GD steps from W0 (n, d) in a Python loop; returns W (n, d)."""
    W = W0.copy()
    for _ in range(steps):
        W = W - eta * gradient(W, v)
    return W


@jax.jit
def _jax_loop(W, v, eta, steps):
    return lax.fori_loop(0, steps, lambda _, W: W - eta * gradient(W, v, jnp), W)


def jax_gd(W0: np.ndarray, v: np.ndarray, eta: float, steps: int) -> np.ndarray:
    """`steps` GD steps from W0 (n, d) in one compiled XLA loop; returns W (n, d).

    The trip count is traced, so one compilation per (n, d) serves every `steps`."""
    W = _jax_loop(jnp.asarray(W0), jnp.asarray(v), eta, steps)
    return np.asarray(W.block_until_ready())


def angle_arccos(u: np.ndarray, w: np.ndarray) -> float:
    """The peers' angle: arccos of the clipped unit-vector dot product."""
    cos = u @ w / (np.linalg.norm(u) * np.linalg.norm(w))
    return float(np.arccos(np.clip(cos, -1.0, 1.0)))


def angle_half(u: np.ndarray, w: np.ndarray) -> float:
    """The engine's angle: 2 atan2(|ubar - wbar|, |ubar + wbar|), accurate near 0."""
    ubar, wbar = u / np.linalg.norm(u), w / np.linalg.norm(w)
    return float(
        2 * np.arctan2(np.linalg.norm(ubar - wbar), np.linalg.norm(ubar + wbar))
    )


def _kernel_loss(W: np.ndarray, v: np.ndarray) -> float:
    """L = 1/2 sum_ij Y(w_i, w_j) - sum_i Y(w_i, v) + 1/2 Y(v, v), with the arc-cosine
    kernel Y(u, w) = |u||w| (sin t + (pi - t) cos t) / 2pi: the oracle for eq. 23/4."""

    def Y(u, w):
        t = angle_half(u, w)
        r = np.linalg.norm(u) * np.linalg.norm(w)
        return r * (math.sin(t) + (math.pi - t) * math.cos(t)) / (2 * math.pi)

    total = 0.5 * Y(v, v) - sum(Y(w, v) for w in W)
    return total + 0.5 * sum(Y(u, w) for u in W for w in W)


def self_check(n: int = 3, d: int = 5, seed: int = 1) -> dict[str, float]:
    """Relative errors of the peers against each other and against the kernel oracle,
    at a random W of norm ~0.3 (the kernel form cancels digits below ~1e-8 loss)."""
    rng = np.random.default_rng(seed)
    W, v = 0.3 * rng.standard_normal((n, d)), rng.standard_normal(d)
    g = gradient(W, v)
    h = 1e-6  # central differences: error ~ h^2 |L'''| + 1e-16 / h, both ~1e-10
    fd = np.zeros_like(W)
    for idx in np.ndindex(*W.shape):
        E = np.zeros_like(W)
        E[idx] = h
        fd[idx] = (_kernel_loss(W + E, v) - _kernel_loss(W - E, v)) / (2 * h)
    steps, eta = 200, 0.5 / n
    W_np, W_jax = numpy_gd(W, v, eta, steps), jax_gd(W, v, eta, steps)

    def rel(a, b):
        return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))

    return {
        "loss eq.23 vs kernel form": rel(loss(W, v), _kernel_loss(W, v)),
        "loss numpy vs jax": rel(loss(W, v), float(loss(W, v, jnp))),
        "gradient eq.4 vs finite differences": rel(g, fd),
        f"numpy vs jax after {steps} GD steps": rel(W_np, W_jax),
    }

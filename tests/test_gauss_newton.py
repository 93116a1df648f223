"""The Gauss-Newton matrices against Monte Carlo, and the ReLU block against a
quadrature of its defining integral (independent of the closed-form derivation).

G_ij = E[s'(w_i.x) s'(w_j.x) x x^T], x ~ N(0, I_d).
"""

import math

import numpy as np
import pytest
from scipy.integrate import quad

from neuronlab.models import kernels
from neuronlab.models.erf import erf_gauss_newton
from neuronlab.models.quadratic import quadratic_gauss_newton
from neuronlab.models.relu import relu_gauss_newton

SAMPLES = 1_000_000


def derivative(name: str, alpha: float):
    """s'(z) of each activation, with 1{0 >= 0} = 1 for the kinked ones."""
    if name == "erf":
        return lambda z: 2.0 / math.sqrt(math.pi) * np.exp(-(z**2))
    if name == "quadratic":
        return lambda z: 2.0 * z
    return lambda z: alpha + (1.0 - alpha) * (z >= 0)


def closed_form(name: str, W: np.ndarray, alpha: float) -> np.ndarray:
    n, k = W.shape
    out = np.zeros((n * k, n * k))
    if name == "erf":
        erf_gauss_newton(W, out)
    elif name == "quadratic":
        quadratic_gauss_newton(W, out)
    else:
        norms, U, theta, sin_theta = kernels.pair_angles(W)
        relu_gauss_newton(U, norms, theta, sin_theta, alpha, out)
    return out


def monte_carlo(name: str, W: np.ndarray, alpha: float, seed: int):
    """(mean, standard error) of J^T J / N with J[s, i k + a] = s'(w_i.x_s) x_sa."""
    n, k = W.shape
    x = np.random.default_rng(seed).standard_normal((SAMPLES, k))
    J = (derivative(name, alpha)(x @ W.T)[:, :, None] * x[:, None, :]).reshape(
        SAMPLES, n * k
    )
    mean = J.T @ J / SAMPLES
    second = (J**2).T @ (J**2) / SAMPLES
    return mean, np.sqrt(np.maximum(second - mean**2, 0.0) / SAMPLES)


def students(case: str) -> np.ndarray:
    rng = np.random.default_rng(7)
    W = rng.standard_normal((3, 4)) * 0.7
    if case == "near_parallel":
        W[1] = W[0] * 1.3 + 1e-4 * rng.standard_normal(4)
    if case == "anti_parallel":
        W[1] = -0.8 * W[0]
    if case == "zero_row":
        W[2] = 0.0
    return W


ACTIVATIONS = [("relu", 0.0), ("leaky_relu", 0.3), ("leaky_relu", -1.0)]
ACTIVATIONS += [("erf", 0.0), ("quadratic", 0.0)]
CASES = ["random", "near_parallel", "anti_parallel", "zero_row"]


@pytest.mark.parametrize(("name", "alpha"), ACTIVATIONS, ids=lambda v: str(v))
@pytest.mark.parametrize("case", CASES)
def test_matrix_matches_monte_carlo(name, alpha, case):
    """Every entry within 5 standard errors; symmetric, positive semi-definite.
    (At a zero row the sampled indicator 1{0 >= 0} is the engine's convention.)"""
    W = students(case)
    G = closed_form(name, W, alpha)
    mean, se = monte_carlo(name, W, alpha, seed=hash((name, case)) % 2**32)
    np.testing.assert_array_less(np.abs(G - mean), 5 * se + 1e-12)
    np.testing.assert_allclose(G, G.T, atol=1e-12)
    assert np.linalg.eigvalsh(G).min() > -1e-12  # positive semi-definite


@pytest.mark.parametrize("theta", [1e-6, 0.3, 1.0, 2.0, math.pi - 1e-6])
def test_relu_block_matches_its_defining_integral(theta):
    """Off-diagonal ReLU block in the plane of the pair: integrate
    1{w_i.x >= 0} 1{w_j.x >= 0} x x^T over x = r (cos p, sin p), the radial part
    E r^2 = 2 exactly, the angular part by adaptive quadrature."""
    W = np.array([[1.0, 0.0], [2.0 * math.cos(theta), 2.0 * math.sin(theta)]])
    G = closed_form("relu", W, 0.0)[0:2, 2:4]

    def entry(a, b):
        def integrand(p):
            u = np.array([math.cos(p), math.sin(p)])
            active = (W @ u >= 0).all()
            return active * u[a] * u[b] * 2.0 / (2 * math.pi)

        kinks = sorted({(t + s) % (2 * math.pi) for t in (0.0, theta)
                        for s in (math.pi / 2, -math.pi / 2)})  # fmt: skip
        return quad(integrand, 0, 2 * math.pi, points=kinks, epsabs=1e-14)[0]

    expected = np.array([[entry(a, b) for b in range(2)] for a in range(2)])
    np.testing.assert_allclose(G, expected, atol=1e-12)


def test_leaky_at_alpha_one_is_the_linear_models_matrix():
    """alpha = 1 is linear regression: s' = 1, so every block is the identity."""
    W = students("random")
    n, k = W.shape
    np.testing.assert_allclose(
        closed_form("leaky_relu", W, 1.0), np.kron(np.ones((n, n)), np.eye(k))
    )

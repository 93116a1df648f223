"""Every activation's loss and gradient (neuronlab.models.registry) against independent oracles.

Oracles (tests/quadrature.py, tests/oracles.py): each pair kernel as the Gaussian integral itself in
the pair's plane (50-digit mpmath.quad; not the engine's closed forms), finite
differences of that 50-digit loss, Monte Carlo of E[1/2 R^2] and E[R s'(w.x) x].
Points: random, near-parallel, exactly anti-parallel, a zero row, and near the
optimum, with one teacher and with two.

Accuracy floors (measured, see `floor`): relu and leaky_relu with one teacher
and quadratic with any number keep the loss to a few ulps of L itself down to
L ~ 1e-26 (eq. 23's stable forms; quadratic's compensated A). erf (a kernel
expansion) and relu/leaky with m > 1 teachers (the teachers' O(1) pair terms
cancel against the students') have an absolute floor: measured |dL| <= 2e-16,
|d grad.D| <= 2e-16 (|D| ~ 3.5) at every point here.
"""

import mpmath
import numpy as np
import pytest
from oracles import model_monte_carlo
from quadrature import (
    directional_derivative_mp,
    erf_kernel_2d_mp,
    model_loss_mp,
    pair_kernel_mp,
)
from test_loss_gradient import near_optimum

from neuronlab import MODELS, population_gradient, population_loss
from neuronlab.config import ACTIVATIONS

SETTINGS = [("relu", 0.0), ("leaky_relu", 0.4), ("leaky_relu", -1.0), ("erf", 0.0),
            ("quadratic", 0.0)]  # fmt: skip
IDS = [f"{a}-{alpha:g}" for a, alpha in SETTINGS]


def test_registry_covers_the_config_vocabulary():
    assert tuple(MODELS) == ACTIVATIONS


def teachers(m: int, d: int = 4) -> np.ndarray:
    return np.eye(1, d)[0] if m == 1 else np.eye(m, d)


def generic_cases() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(1)
    cases = {}
    for m in (1, 2):
        V = teachers(m)
        W = 0.5 * rng.standard_normal((3, 4))
        first = np.atleast_2d(V)[0]
        near = W.copy()
        near[1] = 2 * near[0] + 1e-8 * rng.standard_normal(4)
        near[2] = 0.5 * first + 1e-9
        anti = W.copy()
        anti[1], anti[2] = -0.5 * anti[0], -2.0 * first  # exact in binary
        zero = W.copy()
        zero[0] = 0.0
        cases |= {f"random-m{m}": (W, V), f"parallel-m{m}": (near, V)}
        cases |= {f"antiparallel-m{m}": (anti, V), f"zero-row-m{m}": (zero, V)}
    return cases


def near_optimum_case(activation: str, m: int, k: int):
    """A point 2^-k away from a global minimum of `activation` with m teachers."""
    eps = 2.0**-k
    if activation in ("relu", "leaky_relu") and m == 1:
        return near_optimum("n3", k)  # sum w_i = v exactly, angles ~eps
    if activation == "erf":  # erf cannot split a teacher: n = m students on them
        E = np.array([[0.3, -0.7, 0.2, 0.1], [0.5, 0.25, -1.0, 0.0]])[:m]
        return np.atleast_2d(teachers(m)) + eps * E, teachers(m)
    # ReLU-like (homogeneous) with m = 2 splits v_1 in halves; quadratic splits
    # v_1 v_1^T as (0.6 v_1)(0.6 v_1)^T + (0.8 v_1)(0.8 v_1)^T.
    first = [0.6, 0.8] if activation == "quadratic" else [0.5, 0.5]
    W = np.array([[first[0], 0, 0, 0], [first[1], 0, 0, 0], [0, 1, 0, 0]])
    E = np.array([[0, 0, 1, 2], [0, 0, -1, -2], [0.5, 0.25, 1, 0]])
    if m == 1:
        W, E = W[:2], E[:2]
    return W + eps * E, teachers(m)


NEAR = [(m, k) for m in (1, 2) for k in (10, 17, 23)]


def floor(activation: str, W, V) -> float:
    """The absolute error allowed on top of 1e-13 relative (module docstring):
    1e-15 of the O(1) terms that erf and several ReLU teachers subtract."""
    stable = activation == "quadratic" or (
        activation in ("relu", "leaky_relu") and np.ndim(V) == 1
    )
    return 0.0 if stable else 1e-15 * (np.sum(W**2) + np.sum(V**2) + len(W))


def all_cases(activation):
    cases = generic_cases()
    for m, k in NEAR:
        cases[f"optimum-m{m}-eps2^-{k}"] = near_optimum_case(activation, m, k)
    return cases


# The finite-difference test on a subset: each case costs ~20 quadratures.
GRADIENT_CASES = ("random-m1", "parallel-m2", "antiparallel-m1", "zero-row-m2",
                  "optimum-m1-eps2^-10", "optimum-m1-eps2^-23", "optimum-m2-eps2^-17")  # fmt: skip


@pytest.mark.parametrize(("activation", "alpha"), SETTINGS, ids=IDS)
def test_loss_matches_the_50_digit_gaussian_integral(activation, alpha):
    for name, (W, V) in all_cases(activation).items():
        reference = float(model_loss_mp(W, V, activation, alpha))
        loss = population_loss(W, V, activation, alpha)
        # 1e-13 relative: a few hundred ulps (measured <= 4e-16 at stable points).
        tolerance = 1e-13 * abs(reference) + floor(activation, W, V)
        assert abs(loss - reference) <= tolerance, name


@pytest.mark.parametrize(("activation", "alpha"), SETTINGS, ids=IDS)
def test_gradient_matches_finite_differences_of_the_50_digit_loss(activation, alpha):
    """Directional derivatives along a random D; at a zero row of the ReLU
    family (not differentiable there) D leaves that row still."""
    rng = np.random.default_rng(7)
    cases = all_cases(activation)
    for name in GRADIENT_CASES:
        W, V = cases[name]
        D = rng.standard_normal(W.shape)
        if activation != "erf" and activation != "quadratic":
            D[np.linalg.norm(W, axis=1) == 0] = 0.0
        numeric = float(directional_derivative_mp(W, V, D, activation, alpha))
        gradient = population_gradient(W, V, activation, alpha)
        # 1e-10 of |g||D| where L >= 1e-20 (measured <= 1e-11 at L = 6e-20 for
        # relu), plus the absolute floor of the kernel-expansion cases.
        scale = np.linalg.norm(gradient) * np.linalg.norm(D)
        tolerance = 1e-10 * scale + floor(activation, W, V) * np.linalg.norm(D)
        assert abs(np.sum(gradient * D) - numeric) <= tolerance, name


@pytest.mark.parametrize(("activation", "alpha"), SETTINGS, ids=IDS)
@pytest.mark.parametrize("m", [1, 2])
def test_loss_and_gradient_match_monte_carlo(activation, alpha, m):
    rng = np.random.default_rng(10 + m)
    W, V = 0.6 * rng.standard_normal((3, 4)), teachers(m)
    mc = model_monte_carlo(W, V, activation, alpha, samples=1_000_000, seed=m)
    # |z| < 4: a correct loss fails with probability ~6e-5 (normal tails, N = 1e6).
    assert abs(population_loss(W, V, activation, alpha) - mc.loss) < 4 * mc.loss_se
    z = (population_gradient(W, V, activation, alpha) - mc.gradient) / mc.gradient_se
    # 12 coordinates, z ~ N(0, 1): RMS < 2 and max < 5 hold with overwhelming
    # probability, while a wrong term (~0.1 >> se ~ 1e-3) fails.
    assert np.sqrt(np.mean(z**2)) < 2
    assert np.max(np.abs(z)) < 5


@pytest.mark.parametrize(("activation", "alpha"), SETTINGS, ids=IDS)
def test_zero_row_convention(activation, alpha):
    """relu, leaky: s'(0) = 1, grad_i = 1/2 (1 + alpha) r (checked by Monte Carlo
    with the same convention); erf: the smooth gradient, (4/pi) sum_q s_q x_q /
    sqrt(1 + 2|x_q|^2); quadratic: 0 (a zero student stays at zero)."""
    rng = np.random.default_rng(3)
    W, V = 0.6 * rng.standard_normal((3, 4)), teachers(2)
    W[1] = 0.0
    gradient = population_gradient(W, V, activation, alpha)[1]
    others = np.vstack([np.delete(W, 1, axis=0), V])
    signs = np.r_[np.ones(2), -np.ones(2)]
    expected = {
        "relu": 0.5 * (1 + alpha) * (signs @ others),
        "leaky_relu": 0.5 * (1 + alpha) * (signs @ others),
        "erf": 4 / np.pi * (signs / np.sqrt(1 + 2 * np.sum(others**2, 1))) @ others,
        "quadratic": np.zeros(4),
    }[activation]
    # A handful of O(1) operations: 1e-14 absolute.
    np.testing.assert_allclose(gradient, expected, rtol=0, atol=1e-14)
    mc = model_monte_carlo(W, V, activation, alpha, samples=1_000_000, seed=4)
    z = (gradient - mc.gradient[1]) / np.maximum(mc.gradient_se[1], 1e-300)
    assert np.all(np.abs(z[mc.gradient_se[1] > 0]) < 5)  # as the generic MC test


def test_leaky_at_alpha_0_is_relu_bit_for_bit():
    for W, V in generic_cases().values():
        assert population_loss(W, V, "leaky_relu", 0.0) == population_loss(W, V)
        np.testing.assert_array_equal(
            population_gradient(W, V, "leaky_relu", 0.0), population_gradient(W, V)
        )


@pytest.mark.parametrize("alpha", [0.3, 1.0, -1.0])
def test_leaky_is_alpha_half_r_squared_plus_relu(alpha):
    """beyond-notes §2 from the kernel K_alpha = alpha <w,u> + (1-alpha)^2 Upsilon,
    checked here on the quadrature kernels: 50 digits minus rounding."""
    W = generic_cases()["random-m2"][0]
    with mpmath.workdps(50):
        a, b = (
            [mpmath.mpf(float(x)) for x in W[0]],
            [mpmath.mpf(float(x)) for x in W[1]],
        )
        dot = mpmath.fsum(x * y for x, y in zip(a, b, strict=True))
        left = pair_kernel_mp(a, b, "leaky_relu", alpha)
        c = mpmath.mpf(alpha)  # exactly the double the engine gets
        right = c * dot + (1 - c) ** 2 * pair_kernel_mp(a, b, "relu")
        assert abs(left - right) < mpmath.mpf("1e-45")


@pytest.mark.slow
def test_erf_oracle_reduction_matches_the_plain_2d_integral():
    """The erf oracle's inner Gaussian identity against the 2-D integral over
    (g1, g2) itself, at 20 digits (about 15 s): agreement to 1e-18."""
    a, b = np.array([1.3, -0.2, 0.4]), np.array([0.5, 0.6, -0.1])
    with mpmath.workdps(50):
        reduced = pair_kernel_mp(
            [mpmath.mpf(float(x)) for x in a], [mpmath.mpf(float(x)) for x in b], "erf"
        )
    assert abs(erf_kernel_2d_mp(a, b, dps=20) - reduced) < 1e-18

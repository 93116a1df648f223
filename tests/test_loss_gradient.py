"""population_loss (eq. 23) and population_gradient (eq. 4) against independent oracles.

Oracles: Monte Carlo, central finite differences, the 50-digit mpmath formulas and the
kernel expansion (tests/oracles.py), exact invariances, and the paper's closed forms
(zero neurons, Remark 26 corrected, toy case 2).
"""

import mpmath
import numpy as np
import pytest

from neuronlab import population_gradient, population_loss
from neuronlab.models.kernels import pair_angles
from tests.oracles import gradient_mp, kernel_loss_mp, loss_mp, monte_carlo

MC_SHAPES = [(3, 5), (2, 20), (5, 8)]


def random_problem(n: int, d: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """W (n, d) with rows of norm ~ ½√d, v (d,) ~ N(0, I): a generic, non-degenerate point."""
    rng = np.random.default_rng(seed)
    return 0.5 * rng.standard_normal((n, d)), rng.standard_normal(d)


def e1(d: int, norm: float = 1.0) -> np.ndarray:
    v = np.zeros(d)
    v[0] = norm
    return v


def z_scores(estimate, mc_mean, mc_se):
    return (np.asarray(estimate) - mc_mean) / mc_se


def relative_gradient_error(W, v):
    """‖g − g_ref‖ / ‖g_ref‖ with g_ref from 50-digit eq. (4)."""
    reference = gradient_mp(W, v)
    error = population_gradient(W, v) - reference
    return np.linalg.norm(error) / np.linalg.norm(reference)


def relative_loss_error(W, v):
    reference = float(loss_mp(W, v))
    return abs(population_loss(W, v) - reference) / reference


# --- 1. Monte Carlo -----------------------------------------------------------------


@pytest.fixture(
    scope="module", params=MC_SHAPES, ids=[f"n{n}-d{d}" for n, d in MC_SHAPES]
)
def mc_case(request):
    n, d = request.param
    W, v = random_problem(n, d, seed=10 * n + d)
    return W, v, monte_carlo(W, v, samples=2_000_000, seed=n * d)


def test_loss_matches_monte_carlo(mc_case):
    W, v, mc = mc_case
    z = z_scores(population_loss(W, v), mc.loss, mc.loss_se)
    # |z| < 4: a correct loss fails with probability ~6e-5 (normal tails, N = 2e6).
    assert abs(z) < 4


def test_gradient_matches_monte_carlo(mc_case):
    W, v, mc = mc_case
    z = z_scores(population_gradient(W, v), mc.gradient, mc.gradient_se)
    # Per-coordinate z ~ N(0, 1): RMS over 15-40 coordinates < 2 and max < 5 both hold
    # with overwhelming probability, while a wrong term (size ~0.1 ≫ se ~1e-3) fails.
    assert np.sqrt(np.mean(z**2)) < 2
    assert np.max(np.abs(z)) < 5


# --- 2. Finite differences ----------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "d", "seed"), [(1, 4, 0), (3, 6, 1), (4, 3, 2)], ids=["n1", "n3", "n4"]
)
def test_gradient_matches_finite_differences(n, d, seed):
    W, v = random_problem(n, d, seed)
    step = 1e-5
    numeric = np.zeros_like(W)
    for index in np.ndindex(W.shape):
        shift = np.zeros_like(W)
        shift[index] = step
        plus, minus = population_loss(W + shift, v), population_loss(W - shift, v)
        numeric[index] = (plus - minus) / (2 * step)
    gradient = population_gradient(W, v)
    # Central differences at h = 1e-5: truncation h²L'''/6 ~ 1e-10, rounding ~1e-16/h.
    assert np.max(np.abs(numeric - gradient)) <= 1e-7 * np.max(np.abs(gradient))


# --- 3. 50-digit mpmath ---------------------------------------------------------------


def anti_parallel_cases() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Exactly anti-parallel pairs (power-of-two factors, so −c·w is exact in floats)."""
    W, v = random_problem(3, 4, seed=7)
    pair = W.copy()
    pair[1] = -0.5 * pair[0]
    cancel = W.copy()
    cancel[1] = -cancel[0]
    student_teacher = W.copy()
    student_teacher[2] = -2.0 * v
    chain = np.stack([-v, 0.25 * v, -0.5 * v])
    return {
        "pair-c0.5": (pair, v),
        "pair-c1": (cancel, v),
        "student-vs-teacher": (student_teacher, v),
        "chain-along-teacher": (chain, v),
        "remark26": (np.tile(-0.4 * e1(4), (3, 1)), e1(4)),
    }


def random_cases() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    shapes = [(1, 3), (2, 2), (3, 5), (5, 8), (3, 1)]
    return {
        f"n{n}-d{d}": random_problem(n, d, seed) for seed, (n, d) in enumerate(shapes)
    }


# Students hᵢv + zᵢ with Σhᵢ = 1 and Σzᵢ = 0 exactly (dyadic h, integer multiples of a
# power-of-two ε for z), so r = Σwᵢ − v = 0 in any summation order and the loss is
# the angle terms alone, ~ε³. "toy1" is toy case 1: w₁,₂ = ½v ± ε v⊥.
NEAR_OPTIMUM = {
    "toy1": (1.0, [0.5, 0.5], [[1], [-1]]),
    "n3": (0.75, [0.25, 0.375, 0.375], [[2, -1, 1], [-1, 3, -2], [-1, -2, 1]]),
    "n4": (
        2.0,
        [0.25] * 4,
        [[1, 2, 0, -1], [-3, 1, 1, 2], [1, -1, -2, 1], [1, -2, 1, -2]],
    ),
}
EPS_EXPONENTS = [13, 17, 20, 23, 27, 30]  # ε = 2^-k: 1.2e-4 down to 9.3e-10


def near_optimum(name: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    v_norm, h, K = NEAR_OPTIMUM[name]
    K = np.asarray(K, dtype=float)
    W = np.hstack([v_norm * np.asarray(h)[:, None], 2.0**-k * K])
    return W, e1(W.shape[1], v_norm)


def near_optimum_cases() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {
        f"{name}-eps2^-{k}": near_optimum(name, k)
        for name in NEAR_OPTIMUM
        for k in EPS_EXPONENTS
    }


def rotated_near_optimum_cases() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The same points in a random frame: r is no longer exactly 0 after rounding."""
    cases = {}
    for name in NEAR_OPTIMUM:
        for k in (13, 20, 27):
            W, v = near_optimum(name, k)
            Q = random_rotation(W.shape[1], seed=k)
            cases[f"{name}-eps2^-{k}"] = (W @ Q.T, Q @ v)
    return cases


def random_rotation(d: int, seed: int) -> np.ndarray:
    """Haar-distributed orthogonal (d, d) matrix."""
    Q, R = np.linalg.qr(np.random.default_rng(seed).standard_normal((d, d)))
    return Q * np.sign(np.diag(R))


CASES = {
    **{f"random-{key}": case for key, case in random_cases().items()},
    **{f"antiparallel-{key}": case for key, case in anti_parallel_cases().items()},
    **{f"optimum-{key}": case for key, case in near_optimum_cases().items()},
    **{
        f"optimum-rotated-{k}": case for k, case in rotated_near_optimum_cases().items()
    },
}


@pytest.mark.parametrize("name", list(CASES))
def test_loss_matches_mpmath(name):
    W, v = CASES[name]
    # 1e-6 relative: the engine keeps ~1e-8 relative on angles down to 1e-9 (DESIGN
    # §3.2), and the loss near the optimum is conditioned ~1e-16/ε ≤ 1e-7.
    assert relative_loss_error(W, v) <= 1e-6


@pytest.mark.parametrize("name", list(CASES))
def test_gradient_matches_mpmath(name):
    W, v = CASES[name]
    # 1e-6 in norm: the gradient (~ε²) is a difference of O(ε) terms, so double
    # rounding costs ~1e-16/ε ≤ 1e-7 of it even at ε = 1e-9.
    assert relative_gradient_error(W, v) <= 1e-6


@pytest.mark.parametrize("k", EPS_EXPONENTS, ids=[f"eps2^-{k}" for k in EPS_EXPONENTS])
@pytest.mark.parametrize("name", list(NEAR_OPTIMUM))
def test_near_optimum_losses_span_target_range(name, k):
    loss = float(loss_mp(*near_optimum(name, k)))
    assert 1e-29 <= loss <= 1e-10
    if k == EPS_EXPONENTS[0]:
        assert loss >= 1e-13
    if k == EPS_EXPONENTS[-1]:
        assert loss <= 1e-25


@pytest.mark.parametrize("name", list(CASES))
def test_kernel_expansion_oracle_agrees_with_eq23_oracle(name):
    W, v = CASES[name]
    with mpmath.workdps(50):
        kernel, eq23 = kernel_loss_mp(W, v), loss_mp(W, v)
        # 50 digits minus ≤ 29 lost to the kernel form's O(1) cancellation leaves > 20.
        assert abs(kernel - eq23) <= mpmath.mpf("1e-20") * abs(eq23)


# --- 4. Zero neurons: 1{0 ≥ 0} = 1 -----------------------------------------------------

ZERO_ROWS = {
    "first-row": (3, 4, [0]),
    "two-rows": (4, 3, [1, 3]),
    "all-rows": (2, 5, [0, 1]),
}


@pytest.mark.parametrize("name", list(ZERO_ROWS))
def test_zero_neuron_gradient_is_half_residual_of_the_others(name):
    n, d, zero = ZERO_ROWS[name]
    W, v = random_problem(n, d, seed=3)
    W[zero] = 0.0
    gradient = population_gradient(W, v)
    for i in zero:
        expected = 0.5 * (np.delete(W, i, axis=0).sum(axis=0) - v)
        # A handful of O(1) additions: a few ulps of the inputs' scale.
        scale = np.linalg.norm(v) + np.linalg.norm(W, axis=1).sum()
        np.testing.assert_allclose(gradient[i], expected, rtol=0, atol=1e-15 * scale)
    # The other rows: eq. (4) with the zero neurons dropping out (their ‖wⱼ‖ = 0).
    np.testing.assert_allclose(gradient, gradient_mp(W, v), rtol=0, atol=1e-13)
    assert abs(population_loss(W, v) - float(loss_mp(W, v))) <= 1e-14


def test_zero_neuron_gradient_matches_monte_carlo():
    W, v = random_problem(3, 4, seed=4)
    W[1] = 0.0
    mc = monte_carlo(W, v, samples=2_000_000, seed=1)
    z = z_scores(population_gradient(W, v), mc.gradient, mc.gradient_se)
    # Same z-score bounds as the generic Monte-Carlo test; row 1 uses 1{0 ≥ 0} = 1.
    assert np.max(np.abs(z[1])) < 5
    assert np.sqrt(np.mean(z**2)) < 2
    assert np.max(np.abs(z)) < 5


# --- 5. Invariances -------------------------------------------------------------------


@pytest.mark.parametrize(("n", "d"), [(3, 5), (2, 7), (4, 2)], ids=["n3", "n2", "n4"])
def test_rotation_invariance(n, d):
    W, v = random_problem(n, d, seed=5)
    Q = random_rotation(d, seed=6)
    # Rotating the inputs rounds them at 1e-16: allow 1e-12 relative.
    assert population_loss(W @ Q.T, Q @ v) == pytest.approx(
        population_loss(W, v), rel=1e-12
    )
    rotated = population_gradient(W @ Q.T, Q @ v)
    expected = population_gradient(W, v) @ Q.T
    assert np.linalg.norm(rotated - expected) <= 1e-12 * np.linalg.norm(expected)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_permutation_of_students(seed):
    W, v = random_problem(5, 4, seed)
    order = np.random.default_rng(seed).permutation(5)
    # Only the summation order changes: a few ulps.
    assert population_loss(W[order], v) == pytest.approx(
        population_loss(W, v), rel=1e-14
    )
    np.testing.assert_allclose(
        population_gradient(W[order], v),
        population_gradient(W, v)[order],
        rtol=0,
        atol=1e-14 * np.abs(population_gradient(W, v)).max(),
    )


@pytest.mark.parametrize("c", [1e-3, 0.37, 4.0, 1e3])
def test_homogeneity(c):
    W, v = random_problem(3, 5, seed=8)
    # L is 2-homogeneous and ∇ 1-homogeneous; only rounding of cW, cv differs.
    assert population_loss(c * W, c * v) == pytest.approx(
        c**2 * population_loss(W, v), rel=1e-13
    )
    np.testing.assert_allclose(
        population_gradient(c * W, c * v),
        c * population_gradient(W, v),
        rtol=0,
        atol=1e-13 * c * np.abs(population_gradient(W, v)).max(),
    )


# --- 6, 7. Closed forms ---------------------------------------------------------------

REMARK_26 = (np.tile(-0.4 * e1(4), (3, 1)), e1(4))  # wᵢ = −c v, n = 3, c = 0.4


def test_remark_26_gradient_is_minus_half_n_c_v():
    W, v = REMARK_26
    expected = np.tile(-(3 * 0.4 / 2) * v, (3, 1))  # paper-notes §7: −(nc/2) v
    # θᵢ = π exactly and θᵢⱼ = 0: only rounding of O(1) terms remains.
    np.testing.assert_allclose(population_gradient(W, v), expected, atol=1e-15)


def test_remark_26_gradient_matches_monte_carlo():
    W, v = REMARK_26
    mc = monte_carlo(W, v, samples=2_000_000, seed=2)
    z = z_scores(population_gradient(W, v), mc.gradient, mc.gradient_se)
    # Same bounds as the generic Monte-Carlo test; the paper's −1.1 would give z ~ 500.
    assert np.sqrt(np.mean(z**2)) < 2
    assert np.max(np.abs(z)) < 5


@pytest.mark.parametrize(
    ("lambdas", "teacher"),
    [([0.2, 0.5, 0.7], "e1"), ([0.1, 0.3], "random"), ([2.0], "random")],
    ids=["n3-e1", "n2-random", "n1-random"],
)
def test_toy_case_2_parallel_students(lambdas, teacher):
    v = e1(4) if teacher == "e1" else np.random.default_rng(9).standard_normal(4)
    W = np.outer(lambdas, v)
    expected = np.tile(0.5 * (W.sum(axis=0) - v), (len(lambdas), 1))
    # θ = 0 up to rounding of λv (~1e-16): the angle terms are at most a few ulps.
    scale = np.linalg.norm(v) + np.linalg.norm(W, axis=1).sum()
    np.testing.assert_allclose(
        population_gradient(W, v), expected, rtol=0, atol=1e-15 * scale
    )


def angle_mp(a: np.ndarray, b: np.ndarray) -> tuple[mpmath.mpf, mpmath.mpf]:
    """The angle between the float rows a and b and its sine, in 50 digits:
    atan2(|a x b|, a.b) with |a x b|^2 = |a|^2 |b|^2 - (a.b)^2 (Lagrange)."""
    with mpmath.workdps(50):
        x = [mpmath.mpf(float(t)) for t in a]
        y = [mpmath.mpf(float(t)) for t in b]
        dot = mpmath.fsum(p * q for p, q in zip(x, y, strict=True))
        aa = mpmath.fsum(p * p for p in x)
        bb = mpmath.fsum(q * q for q in y)
        theta = mpmath.atan2(mpmath.sqrt(aa * bb - dot * dot), dot)
        return theta, mpmath.sin(theta)


# Each branch of pairs.angles: the series near 0, the series near pi/2 (both
# sides of it and the window's edges), atan elsewhere, and near pi.
ANGLES = [1e-9, 1e-4, 0.05, 0.0999, 0.1001, 0.5, 1.2, 1.4707, 1.4709, 1.5,
          np.pi / 2 - 1e-9, np.pi / 2, np.pi / 2 + 1e-7, 1.6, 1.6707, 1.6709,
          2.5, np.pi - 1e-3, np.pi - 1e-8]  # fmt: skip


@pytest.mark.parametrize("angle", ANGLES)
def test_pair_angles_match_50_digits_at_every_angle(angle):
    """pairs.angles against mpmath for pairs in a random plane of R^7 at a
    given angle, with scaled norms: within 5e-16, about 2 units in the last
    place at pi/2 (measured: 4.0e-16 at worst in the window near pi/2, 3.9e-16
    where atan is called). Small angles are exact only to ~4e-17 absolute: the
    unit rows' rounding, not the arctan."""
    rng = np.random.default_rng(int(angle * 1e6))
    basis, _ = np.linalg.qr(rng.standard_normal((7, 2)))
    a = 3.0 * basis[:, 0]
    b = 0.2 * (np.cos(angle) * basis[:, 0] + np.sin(angle) * basis[:, 1])
    _, _, theta, sin_theta = pair_angles(np.array([a, b]))
    exact, sine = angle_mp(a, b)
    assert theta[0, 1] == theta[1, 0]
    assert sin_theta[0, 1] == sin_theta[1, 0]
    assert abs(theta[0, 1] - exact) <= 5e-16
    assert abs(sin_theta[0, 1] - sine) <= 5e-16

"""Several teachers and the exact reduction, for every activation: against an
independent sum over kernel pairs written here, full-space GD in R^1000, finite
differences of the gradient (Hessians) and hand-built metrics."""

import math

import numpy as np
import pytest

from neuronlab import (
    MODELS,
    RunConfig,
    default_start,
    population_gradient,
    population_hessian,
    population_loss,
    simulate,
)

SETTINGS = [("relu", 0.0), ("leaky_relu", 0.3), ("erf", 0.0), ("quadratic", 0.0)]
IDS = [a for a, _ in SETTINGS]


def reference_kernel(a, b, activation, alpha):
    """K(a, b) = E[s(a.x) s(b.x)] from the literature's closed forms, in NumPy
    with arccos angles (Cho & Saul's arc-cosine kernel; Williams 1997 for erf;
    Isserlis for z^2): a second implementation, not the engine's stable forms."""
    na, nb, dot = np.linalg.norm(a), np.linalg.norm(b), a @ b
    if activation == "erf":
        s = 2 * dot / np.sqrt((1 + 2 * na**2) * (1 + 2 * nb**2))
        return 2 / np.pi * np.arcsin(s)
    if activation == "quadratic":
        return na**2 * nb**2 + 2 * dot**2
    if na == 0 or nb == 0:
        return 0.0
    t = np.arccos(np.clip(dot / (na * nb), -1, 1))
    relu = na * nb * (np.sin(t) + (np.pi - t) * np.cos(t)) / (2 * np.pi)
    return alpha * dot + (1 - alpha) ** 2 * relu


def reference_loss(W, V, activation, alpha):
    X = np.vstack([W, V])
    s = np.r_[np.ones(len(W)), -np.ones(len(V))]
    return 0.5 * sum(
        s[p] * s[q] * reference_kernel(X[p], X[q], activation, alpha)
        for p in range(len(X))
        for q in range(len(X))
    )


@pytest.mark.parametrize(("activation", "alpha"), SETTINGS, ids=IDS)
@pytest.mark.parametrize("m", [2, 3, 5])
def test_m_teachers_loss_is_the_sum_over_kernel_pairs(activation, alpha, m):
    rng = np.random.default_rng(m)
    W, V = 0.5 * rng.standard_normal((4, 6)), rng.standard_normal((m, 6))
    # The reference subtracts O(1) kernels with arccos angles: 1e-12 of their size.
    expected = reference_loss(W, V, activation, alpha)
    assert population_loss(W, V, activation, alpha) == pytest.approx(
        expected, rel=1e-12, abs=1e-12
    )


@pytest.mark.parametrize(("activation", "alpha"), SETTINGS, ids=IDS)
def test_one_teacher_as_row_equals_one_teacher_as_vector(activation, alpha):
    rng = np.random.default_rng(1)
    W, v = rng.standard_normal((3, 5)), rng.standard_normal(5)
    assert population_loss(W, v[None], activation, alpha) == population_loss(
        W, v, activation, alpha
    )


@pytest.mark.parametrize(("activation", "alpha"), SETTINGS, ids=IDS)
@pytest.mark.parametrize("m", [1, 3])
def test_hessian_matches_finite_differences_of_the_gradient(activation, alpha, m):
    rng = np.random.default_rng(4 + m)
    W, V = 0.5 * rng.standard_normal((3, 4)), rng.standard_normal((m, 4))
    H = population_hessian(W, V, activation, alpha)
    step, numeric = 1e-6, np.zeros_like(H)
    for c, index in enumerate(np.ndindex(W.shape)):
        E = np.zeros_like(W)
        E[index] = step
        plus = population_gradient(W + E, V, activation, alpha)
        minus = population_gradient(W - E, V, activation, alpha)
        numeric[:, c] = ((plus - minus) / (2 * step)).ravel()
    # Central differences at h = 1e-6: truncation ~h^2 |grad'''| ~ 1e-12, rounding
    # ~1e-16/h = 1e-10 (measured <= 7e-10 relative to max |H|).
    assert np.max(np.abs(numeric - H)) <= 5e-9 * np.max(np.abs(H))
    np.testing.assert_allclose(H, H.T, rtol=0, atol=1e-12 * np.max(np.abs(H)))


@pytest.mark.parametrize(("activation", "alpha"), SETTINGS, ids=IDS)
def test_reduced_run_equals_full_space_gd_at_d_1000_with_3_teachers(activation, alpha):
    """The engine runs in span{v_j, w_i(0)} (k = n + m = 6); plain GD in R^1000
    with the population gradient is the second algorithm."""
    config = RunConfig(n=3, d=1000, sigma=0.05, eta=0.05, steps=200, seed=2,
                       activation=activation, alpha=alpha, teachers=3)  # fmt: skip
    traj = simulate(config)
    W, V = default_start(config)
    for _ in range(config.steps):
        W = W - config.eta * population_gradient(W, V, activation, alpha)
    assert traj.coords.shape[2] == 6
    # Rounding differs (k vs d coordinates) but GD contracts: agree to ~1e-13.
    np.testing.assert_allclose(traj.final_W, W, rtol=0, atol=1e-12)
    expected = population_loss(W, V, activation, alpha)
    assert traj.loss[-1] == pytest.approx(expected, rel=1e-9, abs=1e-15)
    np.testing.assert_allclose(traj.teachers, V, rtol=0, atol=1e-15)


def test_explicit_teachers_through_simulate_and_their_accessors():
    rng = np.random.default_rng(0)
    V = rng.standard_normal((2, 7))
    W0 = 0.05 * rng.standard_normal((4, 7))
    traj = simulate(RunConfig(n=4, d=7, steps=50, teachers=2), W0=W0, v=V)
    assert traj.teacher_coords.shape == (2, traj.coords.shape[2])
    np.testing.assert_allclose(traj.teachers, V, rtol=0, atol=1e-14)
    assert traj.loss[0] == pytest.approx(population_loss(W0, V), rel=1e-12)
    with pytest.raises(ValueError, match="teachers"):
        traj.v  # noqa: B018 - one vector does not describe two teachers
    one = simulate(RunConfig(n=2, d=3, steps=5))
    np.testing.assert_array_equal(one.v, one.teachers[0])
    with pytest.raises(ValueError, match="teachers = 2"):
        simulate(RunConfig(n=4, d=7, steps=5, teachers=2), v=V[0])


def test_default_teachers_are_orthonormal_axes_scaled_by_teacher_norm():
    config = RunConfig(n=2, d=5, teachers=3, teacher_norm=2.5)
    np.testing.assert_array_equal(default_start(config)[1], 2.5 * np.eye(3, 5))


def test_per_teacher_metrics_at_a_hand_built_state():
    """Two teachers e_1, e_2 (norm 2); students 1, 2 near e_1, student 3 on e_2."""
    V = 2.0 * np.eye(2, 3)
    W0 = np.array([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0], [0.0, 1.5, 0.0]])
    frame = simulate(RunConfig(n=3, d=3, eta=0.01, steps=1, teachers=2), W0=W0, v=2 * np.eye(2, 3)).metrics  # fmt: skip
    row = frame.iloc[0]
    assert [row.nearest_teacher_1, row.nearest_teacher_2, row.nearest_teacher_3] == [
        1,
        1,
        2,
    ]
    assert row.theta_nearest_1 == pytest.approx(math.pi / 4)
    assert row.theta_nearest_2 == pytest.approx(0.0, abs=1e-15)
    assert row.share_1 == pytest.approx((0.5 + 1.0) / 2.0)
    assert row.share_2 == pytest.approx(1.5 / 2.0)
    assert (row.students_1, row.students_2) == (2, 1)
    assert row.teacher_balance == pytest.approx(2.0)
    assert row.theta_max == pytest.approx(math.pi / 4)
    assert row.loss_inv_cbrt == pytest.approx(row.loss ** (-1 / 3))
    assert "Z" not in frame  # the paper's Z is defined for one teacher
    assert V.shape == (2, 3)


@pytest.mark.parametrize("activation", list(MODELS))
def test_two_teachers_converge_in_every_method(activation):
    """A smoke of each method with m = 2: loss falls, records are finite."""
    alpha = 0.3 if activation == "leaky_relu" else 0.0
    for method in ("gd", "flow", "sgd"):
        config = RunConfig(n=3, d=5, sigma=0.1, eta=0.05, steps=3000, seed=1,
                           method=method, activation=activation, alpha=alpha,
                           teachers=2, samples=500)  # fmt: skip
        traj = simulate(config)
        assert traj.status == "completed"
        assert traj.loss[-1] < 0.05 * traj.loss[0], method

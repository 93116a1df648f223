"""Runs against the paper's closed-form predictions and against second algorithms."""

import math

import numpy as np
import pytest

from neuronlab import (
    RunConfig,
    advance,
    population_gradient,
    population_loss,
    record_steps,
    simulate,
    start_run,
)


def _e(d: int, i: int) -> np.ndarray:
    e = np.zeros(d)
    e[i] = 1.0
    return e


def test_record_grid_hits_decades_and_aligns_runs():
    grid = record_steps(10**7)
    assert list(grid[:11]) == list(range(11))
    assert {10**j for j in range(1, 8)} <= set(grid.tolist())
    assert np.all(np.diff(grid) > 0)
    # A shorter run's records are a prefix of a longer one's (plus its last step).
    short = record_steps(12_345)
    assert np.array_equal(short[:-1], grid[: len(short) - 1])
    assert short[-1] == 12_345


def test_reduced_run_equals_full_space_gd_at_d_1000():
    """The engine runs in span{v, w_i(0)} (k = 4); plain GD in R^1000 with the
    population gradient is the second algorithm."""
    config = RunConfig(n=3, d=1000, sigma=0.01, eta=0.1, steps=300, seed=4)
    traj = simulate(config)
    W = 0.01 * np.random.default_rng(4).standard_normal((3, 1000))
    v = _e(1000, 0)
    for _ in range(300):
        W = W - 0.1 * population_gradient(W, v)
    assert traj.coords.shape[2] == 4
    # Rounding differs (k vs d coordinates) but GD contracts: agree to ~1e-13.
    np.testing.assert_allclose(traj.final_W, W, rtol=0, atol=1e-12)
    assert traj.loss[-1] == pytest.approx(population_loss(W, v), rel=1e-9)


def test_toy_case_2_loss_shrinks_by_exactly_one_minus_n_eta_over_2_squared():
    """Students parallel to v: grad_i = r/2, so L(t+1) = (1 - n eta/2)^2 L(t)."""
    n, eta, d = 3, 0.05, 4
    v = _e(d, 0)
    W0 = np.outer([0.1, 0.2, 0.05], v)
    traj = simulate(RunConfig(n=n, d=d, eta=eta, steps=10), W0=W0, v=v)
    ratios = traj.loss[1:] / traj.loss[:-1]
    np.testing.assert_allclose(ratios, (1 - n * eta / 2) ** 2, rtol=1e-10)


def test_toy_case_1_loss_approaches_pi_squared_over_6_eta_t_cubed():
    """Mirror pair w_{1,2} = lambda_1 v +- lambda_2 v_perp: L (eta t)^3 -> pi^2|v|^2/6
    (paper-notes §7); at eta t = 1e5 the pre-asymptotic gap is below 1 %."""
    d, eta, vnorm = 3, 0.1, 2.0
    v = vnorm * _e(d, 0)
    W0 = np.array([0.3 * v + 0.3 * vnorm * _e(d, 1), 0.3 * v - 0.3 * vnorm * _e(d, 1)])
    traj = simulate(RunConfig(n=2, d=d, eta=eta, steps=10**6), W0=W0, v=v)
    scaled = traj.loss[-1] * (eta * traj.steps[-1]) ** 3
    assert scaled == pytest.approx(math.pi**2 * vnorm**2 / 6, rel=0.01)
    theta = traj.metrics[["theta_1", "theta_2"]].to_numpy()
    np.testing.assert_allclose(theta[:, 0], theta[:, 1], rtol=1e-9)  # symmetry kept


@pytest.mark.slow
def test_local_exponent_is_minus_3_between_1e6_and_1e7_steps():
    """The issue's acceptance run: n = 3, d = 10, sigma = 0.01, eta = 0.1, seed 1."""
    traj = simulate(RunConfig(n=3, d=10, sigma=0.01, eta=0.1, steps=10**7, seed=1))
    frame = traj.metrics
    tail = frame[frame.step >= 10**6]
    assert np.all(np.abs(tail.local_exponent - (-3.0)) <= 0.005)
    slope = np.log10(traj.loss[-1] / tail.loss.iloc[0])
    assert slope == pytest.approx(-3.0, abs=0.005)
    assert traj.loss[-1] < 1e-18  # the stable forms keep resolving the loss


def test_single_student_converges_linearly():
    """n = 1: L falls geometrically (Yehudai & Shamir): log L is a straight line in t
    (down to the rounding floor, ~1e-32: one ulp of the state)."""
    traj = simulate(RunConfig(n=1, d=5, sigma=0.1, eta=0.1, steps=500, seed=0))
    frame = traj.metrics
    late = frame[(frame.step >= 20) & (frame.loss > 1e-28)]
    fit = np.polynomial.Polynomial.fit(late.step, np.log(late.loss), 1)
    assert fit.convert().coef[1] < -0.03
    assert np.max(np.abs(np.log(late.loss) - fit(late.step))) < 0.5
    assert traj.loss[-1] < 1e-22


def test_gradient_flow_matches_gd_with_small_step():
    """GD with eta = 1e-3 is an Euler scheme for the flow: agreement to O(eta)."""
    base = {"n": 3, "d": 6, "sigma": 0.1, "seed": 2}
    flow = simulate(RunConfig(**base, eta=1e-3, steps=20_000, method="flow"))
    gd = simulate(RunConfig(**base, eta=1e-3, steps=20_000))
    np.testing.assert_allclose(flow.time, gd.time)
    np.testing.assert_allclose(flow.loss[1:], gd.loss[1:], rtol=5e-3)


@pytest.mark.slow
def test_gradient_flow_to_1e9_keeps_slope_minus_3_and_matches_tight_reference(
    monkeypatch,
):
    config = RunConfig(
        n=3, d=10, sigma=0.01, eta=0.1, steps=10**10, seed=1, method="flow"
    )
    traj = simulate(config)
    decades = [traj.loss[traj.time == 10.0**j][0] for j in range(5, 10)]
    assert np.all(np.abs(np.diff(np.log10(decades)) + 3) < 2e-3)
    frame = traj.metrics
    assert np.all(np.abs(frame.local_exponent[frame.time >= 1e6] + 3) < 2e-3)
    import neuronlab.dynamics.flow

    monkeypatch.setattr(neuronlab.dynamics.flow, "RTOL", 1e-12)
    monkeypatch.setattr(neuronlab.dynamics.flow, "ATOL", 1e-19)
    reference = simulate(config)
    assert traj.loss[-1] == pytest.approx(reference.loss[-1], rel=1e-3)


@pytest.mark.parametrize("method", ["gd", "flow", "sgd"])
def test_chunked_run_is_bit_identical_to_one_shot(method):
    config = RunConfig(
        n=3,
        d=5,
        sigma=0.1,
        eta=0.2,
        steps=3000,
        seed=7,
        method=method,
        samples=64,
        batch=16,
    )
    whole = simulate(config)
    state = start_run(config)
    while not state.done:
        state = advance(state, 137)
    chunked = state.trajectory()
    assert np.array_equal(whole.steps, chunked.steps)
    assert np.array_equal(whole.loss, chunked.loss)
    assert np.array_equal(whole.coords, chunked.coords)


def test_partial_state_reports_stopped_with_records_so_far():
    state = advance(start_run(RunConfig(steps=10_000)), 500)
    traj = state.trajectory()
    assert traj.status == "stopped"
    assert "500" in traj.message
    assert traj.steps[-1] <= 500
    assert not state.done
    assert 0 < state.progress < 1


def test_divergence_stops_with_last_finite_state_and_hint():
    traj = simulate(RunConfig(n=3, d=5, sigma=0.1, eta=2.0, steps=10_000, seed=0))
    assert traj.status == "diverged"
    assert "4/n" in traj.message
    assert "step" in traj.message
    assert np.all(np.isfinite(traj.loss))
    assert traj.steps[-1] < 10_000
    assert np.all(np.isfinite(traj.final_W))


def test_dead_neuron_revives_under_the_subgradient_convention():
    """w_1 = 0 exactly: grad_1 = (w_2 - v)/2 moves it off zero (ReLU'(0) = 0
    would freeze it)."""
    v = _e(3, 0)
    W0 = np.array([[0.0, 0.0, 0.0], [0.1, 0.2, 0.0]])
    traj = simulate(RunConfig(n=2, d=3, eta=0.1, steps=1), W0=W0, v=v)
    expected = -0.1 * 0.5 * (W0[1] - v)
    np.testing.assert_allclose(traj.final_W[0], expected, rtol=1e-15)


def test_remark_26_collapses_to_zero_then_lands_on_v_over_n_exactly():
    """w_i(0) = -c v, eta = 2/n (corrected Remark 26): grad_i(0) = -(n c/2) v, so
    w_i(1) = 0; then grad_i = ((n-1) 0 - v)/2 and w_i(2) = v/n. Binary-exact values."""
    for n, c in [(2, 0.5), (4, 0.25)]:
        v = _e(3, 0)
        W0 = np.tile(-c * v, (n, 1))
        traj = simulate(RunConfig(n=n, d=3, eta=2 / n, steps=2), W0=W0, v=v)
        assert np.array_equal(traj.weights(1), np.zeros((n, 3)))
        assert np.array_equal(traj.weights(2), np.tile(v / n, (n, 1)))


def test_sgd_records_empirical_and_population_loss_and_is_seeded():
    config = RunConfig(
        n=2,
        d=4,
        sigma=0.1,
        eta=0.1,
        steps=2000,
        seed=3,
        method="sgd",
        samples=4000,
        batch=200,
    )
    traj = simulate(config)
    frame = traj.metrics
    assert {"loss", "empirical_loss"} <= set(frame.columns)
    assert frame.loss.iloc[-1] < 0.01 * frame.loss.iloc[0]
    # With 4000 samples the two losses agree to sampling error at the start.
    assert frame.empirical_loss.iloc[0] == pytest.approx(frame.loss.iloc[0], rel=0.1)
    again = simulate(config)
    assert np.array_equal(traj.loss, again.loss)


def test_full_batch_sgd_on_many_samples_tracks_population_gd():
    """Second algorithm: the empirical gradient on 2e5 samples vs the closed form."""
    base = {"n": 2, "d": 3, "sigma": 0.3, "eta": 0.2, "steps": 200, "seed": 5}
    sgd = simulate(RunConfig(**base, method="sgd", samples=200_000))
    gd = simulate(RunConfig(**base))
    np.testing.assert_allclose(sgd.loss[-1], gd.loss[-1], rtol=0.1)
    np.testing.assert_allclose(sgd.final_W, gd.final_W, atol=0.02)


def test_metrics_match_definitions_at_a_hand_built_state():
    v = 2.0 * _e(3, 0)
    W0 = np.array([[0.5, 0.5, 0.0], [0.25, 0.0, 0.25]])
    frame = simulate(RunConfig(n=2, d=3, eta=0.01, steps=1), W0=W0, v=v).metrics
    row = frame.iloc[0]
    assert row.theta_1 == pytest.approx(math.pi / 4)
    assert row.h_1 == pytest.approx(0.5)
    assert row.h_2 == pytest.approx(0.25)
    assert row.balance == pytest.approx(2.0)
    assert row["H"] == pytest.approx(2.0 - 0.75)
    assert row["Z"] == pytest.approx(math.hypot(0.5, 0.25))
    assert row.kappa_max == pytest.approx(math.pi / 2)
    assert row.loss_inv_cbrt == pytest.approx(row.loss ** (-1 / 3))

"""Phases detected from runs, and the toy cases against their predictions."""

import numpy as np
import pytest

from neuronlab import RunConfig, simulate
from neuronlab.analysis.phases import detect_phases
from neuronlab.analysis.toys import TOYS, predicted_loss


@pytest.mark.parametrize("method", ["gd", "flow"])
def test_h_decays_at_the_predicted_rate_in_a_theorem_like_run(method):
    """paper-notes §10: n = 3, d = 20, sigma = 1e-4, eta = 0.01: H shrinks by
    1 - n eta / 2 per step (GD), exp(-n/2) per unit time (flow)."""
    config = RunConfig(n=3, d=20, sigma=1e-4, eta=0.01, steps=200_000, method=method)
    traj = simulate(config)
    phases = detect_phases(traj.metrics, config.n, config.eta, method)
    assert phases.h_factor == pytest.approx(phases.h_factor_predicted, abs=1e-4)
    assert phases.t1 < phases.t2 < phases.t_end
    # Slow phase: L^(-1/3) and 1/Z are straight lines in t.
    assert phases.slow_linearity["loss_inv_cbrt"] > 0.999
    assert phases.slow_linearity["Z_inv"] > 0.999
    slow = traj.metrics[traj.metrics.time >= phases.t2]
    assert (slow.norm_min >= 1 / (4 * 3)).all()
    assert (slow.norm_max <= 4 / 3).all()


def test_single_student_has_no_slow_phase():
    config = RunConfig(n=1, d=5, sigma=0.1, eta=0.05, steps=5000)
    phases = detect_phases(simulate(config).metrics, 1, 0.05)
    assert np.isnan(phases.t2)
    assert [name for name, *_ in phases.intervals()] == ["alignment", "H decay"]


def _run(name):
    toy = TOYS[name]()
    traj = simulate(toy.config, W0=toy.W0, v=toy.v)
    return toy, traj, predicted_loss(toy, traj.time, traj.steps)


def test_toy1_mirror_pair_reaches_pi_squared_over_6_within_one_percent():
    _, traj, predicted = _run("toy1")
    late = traj.time >= 3000  # the law is asymptotic: 1.5 % off at eta t = 1e3
    np.testing.assert_allclose(traj.loss[late], predicted[late], rtol=0.01)


def test_toy2_parallel_students_follow_the_exact_factor():
    _, traj, predicted = _run("toy2")
    np.testing.assert_allclose(traj.loss, predicted, rtol=1e-10)


def test_toy3_identical_students_equal_one_student_learning_v_over_n():
    _, traj, predicted = _run("toy3")
    resolved = traj.loss > 1e-10  # below, both sit at the rounding floor
    np.testing.assert_allclose(traj.loss[resolved], predicted[resolved], rtol=1e-9)
    assert np.all(traj.metrics.theta_pair_max == 0)  # they stay identical


def test_toy3_perturbed_falls_linearly_then_slows_down():
    _, traj, _ = _run("toy3+eps")
    frame = traj.metrics.set_index("step")
    # Linear at first: 8 decades of loss in 200 steps, like toy 3 itself ...
    assert frame.loss[200] < 1e-8 * frame.loss[0]
    # ... then stuck near the perturbation's level: < 10x lower over 1e3 -> 1e5 steps.
    assert frame.loss[1000] / frame.loss[100_000] < 10
    assert (frame.local_exponent[frame.index >= 1000] > -1.5).all()


@pytest.mark.parametrize(("n", "c"), [(2, 0.5), (4, 0.25)])
def test_remark_26_collapse_is_exact_in_binary(n, c):
    toy = TOYS["remark26"](n=n, c=c)
    traj = simulate(toy.config, W0=toy.W0, v=toy.v)
    assert np.array_equal(traj.weights(1), np.zeros((n, 3)))
    assert np.array_equal(traj.weights(2), np.tile(toy.v / n, (n, 1)))

"""Runs under every activation: leaky_relu at alpha = 0 is the paper's run bit for
bit, alpha = 1 is linear regression (linear convergence for every n), finite
samples against a NumPy step written here, gradient flow against small-step GD."""

import numpy as np
import pytest
from oracles import _activation_np

from neuronlab import MODELS, RunConfig, default_start, simulate

METHODS = {
    "gd": {},
    "flow": {"method": "flow"},
    "sgd": {"method": "sgd", "samples": 64, "batch": 16},
}


@pytest.mark.parametrize("method", list(METHODS))
def test_leaky_at_alpha_0_runs_bit_for_bit_as_relu(method):
    base = {"n": 3, "d": 5, "sigma": 0.1, "eta": 0.1, "steps": 3000, "seed": 4}
    relu = simulate(RunConfig(**base, **METHODS[method]))
    leaky = simulate(RunConfig(**base, **METHODS[method], activation="leaky_relu"))
    np.testing.assert_array_equal(leaky.loss, relu.loss)
    np.testing.assert_array_equal(leaky.coords, relu.coords)


@pytest.mark.parametrize("n", [1, 2, 5])
def test_leaky_at_alpha_1_is_linear_and_converges_linearly(n):
    """s(z) = z: L = 1/2 |r|^2 and grad_i = r for every i, so r shrinks by exactly
    (1 - n eta) per step and L by its square, whatever n (beyond-notes §2)."""
    eta = 0.2 / n
    config = RunConfig(n=n, d=4, sigma=0.1, eta=eta, steps=300, seed=n,
                       activation="leaky_relu", alpha=1.0)  # fmt: skip
    traj = simulate(config)
    # Each step rounds the w_i at ~1e-17 absolute, which moves r relative to its
    # size: keep |r| > 1e-10 (L > 1e-20), where that is < 1e-6 per step.
    live = traj.loss > 1e-20
    ratios = np.diff(np.log(traj.loss[live])) / np.diff(traj.steps[live])
    np.testing.assert_allclose(np.exp(ratios), (1 - n * eta) ** 2, rtol=1e-5)
    assert traj.loss[-1] < 1e-25


@pytest.mark.parametrize("activation", list(MODELS))
def test_full_batch_samples_step_matches_a_numpy_step(activation):
    """Finite-sample GD on all samples: grad_i = mean R(x) s'(w_i.x) x written
    here in NumPy (s'(0) = 1 for the ReLU family), 5 steps."""
    alpha = 0.3 if activation == "leaky_relu" else 0.0
    config = RunConfig(n=3, d=4, sigma=0.3, eta=0.1, steps=5, seed=2, method="sgd",
                       samples=50, activation=activation, alpha=alpha, teachers=2)  # fmt: skip
    traj = simulate(config)
    W, V = default_start(config)
    X = np.random.default_rng((config.seed, 1)).standard_normal((50, 4))
    s, ds = _activation_np(activation, alpha)
    for _ in range(config.steps):
        P = X @ W.T
        R = s(P).sum(axis=1) - s(X @ V.T).sum(axis=1)
        W = W - config.eta * ((R[:, None] * ds(P)).T @ X) / len(X)
    # Summation orders differ (loops vs BLAS): a few ulps, amplified by 5 steps.
    np.testing.assert_allclose(traj.final_W, W, rtol=0, atol=1e-13)


@pytest.mark.parametrize("activation", list(MODELS))
def test_gradient_flow_matches_gd_with_small_step(activation):
    """GD with eta = 1e-3 is an Euler scheme for the flow: agreement to O(eta)."""
    alpha = 0.3 if activation == "leaky_relu" else 0.0
    base = {"n": 3, "d": 5, "sigma": 0.1, "seed": 2, "eta": 1e-3, "steps": 10_000,
            "activation": activation, "alpha": alpha}  # fmt: skip
    flow = simulate(RunConfig(**base, method="flow"))
    gd = simulate(RunConfig(**base))
    np.testing.assert_allclose(flow.time, gd.time)
    np.testing.assert_allclose(flow.loss[1:], gd.loss[1:], rtol=5e-3)


def test_a_zero_quadratic_student_stays_at_zero():
    """s(z) = z^2: grad_i = 2 (2A + tr A I) w_i vanishes at w_i = 0."""
    W0 = 0.1 * np.random.default_rng(0).standard_normal((3, 4))
    W0[1] = 0.0
    v = np.eye(1, 4)[0]
    traj = simulate(RunConfig(n=3, d=4, steps=500, activation="quadratic"), W0=W0, v=v)
    assert np.all(traj.final_W[1] == 0.0)
    assert np.all(np.abs(traj.final_W[0]) > 0)

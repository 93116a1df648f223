"""The optimisers against an independent NumPy implementation (tests/
reference_optimizers.py: full d, eq. 4 written afresh), across chunk boundaries;
Gauss-Newton's convergence and its stability at the rounding floor; rotation
equivariance (GD) and its absence (Adam)."""

import numpy as np
import pytest
import reference_optimizers as reference
from scipy.stats import special_ortho_group

from neuronlab import RunConfig, advance, default_start, simulate, start_run
from neuronlab.config import OPTIMIZERS as OPTIMIZER_NAMES
from neuronlab.optim.gauss_newton import MU_MAX
from neuronlab.optim.optimizers import OPTIMIZERS

BASE = {"n": 3, "d": 4, "sigma": 0.1, "seed": 1}
CASES = {
    "gd": {"eta": 0.1, "steps": 2000},
    "momentum": {"eta": 0.05, "beta": 0.9, "steps": 2000},
    "nesterov": {"eta": 0.05, "beta": 0.8, "steps": 2000},
    # Adam with a constant eta ends in a sign-descent-like oscillation (~1e-6
    # here, from ~600 steps) where rounding differences grow: compare before.
    "adam": {"eta": 0.01, "beta": 0.9, "beta2": 0.99, "eps": 1e-8, "steps": 500},
    # Gauss-Newton reaches the rounding floor in ~30 steps: compare before it.
    "gauss_newton": {"eta": 1.0, "lam": 1.0, "steps": 25},
}


def test_registry_covers_the_config_vocabulary():
    assert tuple(OPTIMIZERS) == OPTIMIZER_NAMES


def chunked(config: RunConfig, chunk: int):
    """The run advanced `chunk` steps at a time: pauses must change nothing."""
    state = start_run(config)
    while not state.done:
        state = advance(state, max_steps=chunk)
    return state.trajectory()


@pytest.mark.parametrize("optimizer", list(CASES))
def test_population_records_match_the_reference(optimizer):
    """Loss at every record equal to 1e-9 relative (1e-12 of L(0) absolute) over
    the run, the engine advanced in chunks of 137 steps (reference: full d)."""
    config = RunConfig(**BASE, optimizer=optimizer, **CASES[optimizer])
    W0, v = default_start(config)
    params = {k: getattr(config, k) for k in ("beta", "beta2", "eps", "lam", "damping")}
    expected = reference.run(W0, v, config.steps, config.eta, optimizer, **params)
    traj = chunked(config, 137)
    assert traj.status == "completed"
    np.testing.assert_array_equal(traj.steps, sorted(expected))
    np.testing.assert_allclose(
        traj.loss,
        [expected[s] for s in traj.steps],
        rtol=1e-9,
        atol=1e-12 * traj.loss[0],
    )


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "nesterov", "adam"])
def test_full_batch_samples_match_the_reference(optimizer):
    """On fixed samples with the full batch (no permutation enters), the
    engine's steps equal the reference's on the empirical gradient."""
    config = RunConfig(**BASE, optimizer=optimizer, method="sgd", samples=300,
                       **{**CASES[optimizer], "steps": 400})  # fmt: skip
    W0, v = default_start(config)
    X = np.random.default_rng((config.seed, 1)).standard_normal((300, config.d))

    def empirical_gradient(W, v, alpha=0.0):
        pre = X @ W.T
        residual = np.maximum(pre, 0).sum(axis=1) - np.maximum(X @ v, 0)
        return ((pre >= 0) * residual[:, None]).T @ X / len(X)

    original = reference.gradient, reference.loss

    def population_loss(W, v, alpha=0.0):
        return original[1](W, v)

    reference.gradient, reference.loss = empirical_gradient, population_loss
    try:
        params = {k: getattr(config, k) for k in ("beta", "beta2", "eps")}
        expected = reference.run(W0, v, config.steps, config.eta, optimizer, **params)
    finally:
        reference.gradient, reference.loss = original
    traj = chunked(config, 57)
    np.testing.assert_allclose(
        traj.loss, [expected[s] for s in traj.steps], rtol=1e-9, atol=1e-12
    )


@pytest.mark.parametrize("n", [2, 3, 5])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gauss_newton_reaches_the_floor_and_stays(n, seed):
    """damping = sqrt_loss: L < 1e-25 within 60 steps, then hundreds of steps at
    the rounding floor without the loss rising above 1e-24 (Levenberg-Marquardt's
    safeguard; an unsafeguarded lambda = sqrt(L) blew up from 1e-25 to 1e+7)."""
    config = RunConfig(n=n, d=6, sigma=0.1, eta=1.0, steps=3000, seed=seed,
                       optimizer="gauss_newton")  # fmt: skip
    frame = simulate(config).metrics
    below = frame.step[frame.loss < 1e-25]
    assert len(below)
    assert below.iloc[0] <= 60
    after = frame[frame.step >= below.iloc[0]]
    assert after.loss.max() < 1e-24
    assert after.step.iloc[-1] == 3000
    stepped = frame.iloc[1:]  # step 0 has taken no step: no lambda yet
    assert np.isfinite(stepped.gn_lambda).all()
    assert (stepped.gn_lambda >= 0).all()
    assert (stepped.gn_condition >= 1).all()
    # At L = 0 exactly only the floor is left in lambda: refusals must still
    # raise it, and mu must stay finite (it once overflowed to inf here).
    assert (stepped.gn_mu <= MU_MAX).all()


def test_fixed_damping_stays_sublinear():
    """A fixed lambda = 1 does not restore fast convergence (beyond-notes §4):
    after 300 steps it is still far above sqrt_loss damping's floor."""
    fixed = RunConfig(n=3, d=6, sigma=0.1, eta=1.0, steps=300, optimizer="gauss_newton",
                      damping="fixed")  # fmt: skip
    assert simulate(fixed).loss[-1] > 1e-15


def rotated(config: RunConfig):
    """The same problem with W0 -> W0 Q^T and v -> Q v, Q a random rotation."""
    W0, v = default_start(config)
    Q = special_ortho_group.rvs(config.d, random_state=3)
    return simulate(config, W0=W0 @ Q.T, v=Q @ v)


def test_rotation_leaves_gd_unchanged_and_changes_adam():
    gd = RunConfig(**BASE, eta=0.1, steps=3000)
    np.testing.assert_allclose(rotated(gd).loss, simulate(gd).loss, rtol=1e-10)
    adam = RunConfig(**BASE, optimizer="adam", eta=0.01, steps=3000)
    ratio = rotated(adam).loss / simulate(adam).loss
    assert np.abs(np.log(ratio)).max() > 0.05  # coordinates matter for Adam


def test_adam_first_step_moves_each_coordinate_by_eta():
    """At t = 1, m^ = g and v^ = g^2: each coordinate moves by eta |g|/(|g| + eps)."""
    config = RunConfig(**BASE, optimizer="adam", eta=0.01, steps=5)
    frame = simulate(config).metrics
    assert frame.adam_mean_step.iloc[1] == pytest.approx(0.01, rel=1e-6)


@pytest.mark.parametrize(
    ("optimizer", "eta", "word"),
    [("gd", 3.0, "4/n"), ("momentum", 3.0, "momentum"), ("nesterov", 2.5, "nesterov")],
)
def test_divergence_names_the_optimisers_stable_range(optimizer, eta, word):
    config = RunConfig(n=3, d=6, sigma=0.5, eta=eta, steps=2000, optimizer=optimizer)
    traj = simulate(config)
    assert traj.status == "diverged"
    assert word in traj.message
    assert np.isfinite(traj.loss).all()


def test_metrics_keep_a_subnormal_loss():
    """Gauss-Newton can drive L below 1e-308; L^(-1/3) must stay finite and
    right (1/L would overflow: a warning, an error under this suite)."""
    from neuronlab.analysis.metrics import metrics_frame

    W = np.tile(np.array([[0.5, 1e-9], [0.5, -1e-9]]), (3, 1, 1))
    loss = np.array([1e-3, 1e-200, 1e-310])
    frame = metrics_frame(np.arange(3), np.arange(3.0), loss, W, np.array([1.0, 0]))
    np.testing.assert_allclose(frame.loss_inv_cbrt, loss ** (-1 / 3), rtol=1e-12)

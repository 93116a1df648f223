"""Initialisations (neuronlab.dynamics.init, beyond-notes §3): the statistics each promises, at
the one scale sigma, and the paper's Gaussian draw unchanged."""

import numpy as np
import pytest
from scipy import stats

from neuronlab import RunConfig, default_start
from neuronlab.config import INITS as INIT_NAMES
from neuronlab.dynamics.init import INITS, initial_weights

SIGMA = 0.37


def test_registry_covers_the_config_vocabulary():
    assert tuple(INITS) == INIT_NAMES


def test_gaussian_is_the_original_draw():
    """The engine's original default start, written out: bit for bit."""
    config = RunConfig(n=4, d=9, sigma=SIGMA, seed=11)
    expected = SIGMA * np.random.default_rng(11).standard_normal((4, 9))
    np.testing.assert_array_equal(default_start(config)[0], expected)


def test_sphere_rows_have_norm_sigma_sqrt_d():
    W = initial_weights("sphere", 50, 7, SIGMA, 0)
    # One division and one sqrt per row: a few ulps.
    np.testing.assert_allclose(
        np.linalg.norm(W, axis=1), SIGMA * np.sqrt(7), rtol=1e-15
    )
    # Directions uniform: the mean direction of 50 rows is small (|mean| ~ 1/sqrt(50)).
    assert np.linalg.norm((W / np.linalg.norm(W, axis=1)[:, None]).mean(0)) < 0.5


@pytest.mark.parametrize(("n", "d"), [(3, 3), (5, 40), (1, 2)])
def test_orthogonal_rows_are_orthogonal_with_norm_sigma_sqrt_d(n, d):
    W = initial_weights("orthogonal", n, d, SIGMA, 3)
    # Householder QR: orthogonal to ~1e-15.
    np.testing.assert_allclose(W @ W.T, SIGMA**2 * d * np.eye(n), rtol=0, atol=1e-14)


def test_orthogonal_with_more_students_than_dimensions_is_refused():
    with pytest.raises(ValueError, match=r"init.*n = 5.*d = 4") as caught:
        RunConfig(n=5, d=4, init="orthogonal")
    assert caught.value.field == "init"


def test_every_init_has_variance_sigma_squared_per_entry():
    """E|w_i|^2 = sigma^2 d for all: 4e5 entries, so the sample variance is within
    ~1 % (t_3's variance estimate converges slowly: 5 % there)."""
    for init in INITS:
        entries = initial_weights(init, 400, 1000, SIGMA, 5).ravel()
        tolerance = 0.05 if init == "student_t" else 0.01
        assert np.var(entries) == pytest.approx(SIGMA**2, rel=tolerance), init


def test_student_t_tails_are_heavier_than_gaussian():
    """Kurtosis: t_3 has infinite excess kurtosis (sample values >> 0), the
    Gaussian 0; and the largest of 4e5 entries is far beyond the Gaussian's."""
    t = initial_weights("student_t", 400, 1000, SIGMA, 6).ravel()
    g = initial_weights("gaussian", 400, 1000, SIGMA, 6).ravel()
    assert stats.kurtosis(t) > 5
    assert abs(stats.kurtosis(g)) < 0.1
    assert np.abs(t).max() > 3 * np.abs(g).max()
    # The draw is t_3 scaled by sigma / sqrt(3): Kolmogorov-Smirnov against it.
    assert stats.kstest(t[:20000] * np.sqrt(3) / SIGMA, "t", args=(3,)).pvalue > 1e-3


def test_uniform_is_within_bounds_and_fills_them():
    W = initial_weights("uniform", 200, 500, SIGMA, 7)
    half = SIGMA * np.sqrt(3)
    assert np.all(np.abs(W) <= half)
    assert np.abs(W).max() > 0.999 * half
    assert (
        stats.kstest(W.ravel()[:20000], "uniform", args=(-half, 2 * half)).pvalue > 1e-3
    )


@pytest.mark.parametrize("init", list(INITS))
def test_each_init_is_seeded(init):
    a, b = initial_weights(init, 3, 5, SIGMA, 1), initial_weights(init, 3, 5, SIGMA, 1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, initial_weights(init, 3, 5, SIGMA, 2))
    config = RunConfig(n=3, d=5, sigma=SIGMA, seed=1, init=init)
    np.testing.assert_array_equal(default_start(config)[0], a)

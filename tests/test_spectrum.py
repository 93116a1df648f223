"""The Hessian: eq. (51) vs finite differences, and its spectrum without nd x nd."""

import numpy as np
import pytest

from neuronlab import RunConfig, population_gradient, population_hessian, simulate
from neuronlab.analysis.spectrum import hessian_spectrum


@pytest.mark.parametrize(("n", "d"), [(1, 3), (2, 4), (3, 5)], ids=str)
def test_hessian_matches_finite_differences_of_the_gradient(n, d):
    rng = np.random.default_rng(n + d)
    W, v = 0.5 * rng.standard_normal((n, d)), rng.standard_normal(d)
    H = population_hessian(W, v)
    h = 1e-6  # central differences: error ~ h^2 |grad'''| + 1e-16/h ~ 1e-10
    fd = np.empty_like(H)
    for a in range(n * d):
        E = np.zeros(n * d)
        E[a] = h
        E = E.reshape(n, d)
        fd[:, a] = (
            (population_gradient(W + E, v) - population_gradient(W - E, v)) / (2 * h)
        ).ravel()
    np.testing.assert_allclose(H, fd, atol=1e-8)
    np.testing.assert_allclose(H, H.T, atol=1e-14)


@pytest.mark.parametrize(("n", "d"), [(1, 6), (3, 7), (4, 3)], ids=str)
def test_reduced_spectrum_equals_the_full_matrix_eigenvalues(n, d):
    rng = np.random.default_rng(7 * n + d)
    W, v = 0.4 * rng.standard_normal((n, d)), rng.standard_normal(d)
    spectrum = hessian_spectrum(W, v)
    mine = np.sort(
        np.r_[spectrum.span, np.repeat(spectrum.complement, spectrum.multiplicity)]
    )
    full = np.linalg.eigvalsh(population_hessian(W, v))
    np.testing.assert_allclose(mine, full, atol=1e-12)


def test_spectrum_at_d_10000_without_the_big_matrix():
    rng = np.random.default_rng(0)
    W = 0.01 * rng.standard_normal((5, 10_000))
    v = np.zeros(10_000)
    v[0] = 1.0
    spectrum = hessian_spectrum(W, v)
    assert spectrum.span.shape == (30,)
    assert spectrum.multiplicity == 10_000 - 6


def _smallest_along(n: int) -> list[float]:
    traj = simulate(RunConfig(n=n, d=5, sigma=0.1, eta=0.1, steps=10**5, seed=0))
    return [
        hessian_spectrum(traj.weights(i), traj.v).smallest
        for i in np.searchsorted(traj.steps, [10**3, 10**4, 10**5])
    ]


def test_smallest_eigenvalue_vanishes_for_two_students_but_not_for_one():
    """Why it is slow: n >= 2 flattens a direction (eigenvalue ~ theta ~ 1/t);
    n = 1 keeps the Hessian well conditioned."""
    two = _smallest_along(2)
    assert two[0] > two[1] > two[2]
    assert two[2] < 1e-3
    one = _smallest_along(1)
    assert min(one) > 0.05

"""Property tests of population_loss / population_gradient on degenerate inputs.

Students are drawn free, exactly zero, exactly (power-of-two factor) or nearly
(factor 3) parallel or anti-parallel to another student or to the teacher, at row
scales 1e-3..1e3 and overall scales 1e-100..1e100.
"""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from neuronlab import population_gradient, population_loss

KINDS = ["free", "zero", "parallel", "anti-parallel", "along-v", "against-v"]
FACTORS = [0.5, 1.0, 2.0, 3.0, 1e-3, 1e3]


@st.composite
def problems(draw):
    """(W (n, d), v (d,)) with v ≠ 0 and rows of the kinds above."""
    n, d = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    entries = st.floats(-10, 10, allow_subnormal=False)
    W = draw(hnp.arrays(np.float64, (n, d), elements=entries))
    v = draw(hnp.arrays(np.float64, d, elements=entries))
    # No near-underflow entries (zeros are drawn on purpose), and a nonzero teacher.
    W[np.abs(W) < 1e-6], v[np.abs(v) < 1e-6] = 0.0, 0.0
    v[0] = v[0] if abs(v[0]) >= 1e-3 else 1.0
    for i in range(n):
        kind, c = draw(st.sampled_from(KINDS)), draw(st.sampled_from(FACTORS))
        j = draw(st.integers(0, max(i - 1, 0)))
        if kind == "zero":
            W[i] = 0.0
        elif kind in ("parallel", "anti-parallel") and i > 0:
            W[i] = (c if kind == "parallel" else -c) * W[j]
        elif kind in ("along-v", "against-v"):
            W[i] = (c if kind == "along-v" else -c) * v
    scale = 10.0 ** draw(st.integers(-100, 100))
    return scale * W, scale * v


def size(W, v):
    """‖v‖² + Σ‖wᵢ‖²: the scale of every term of the loss."""
    return float(np.sum(v**2) + np.sum(W**2))


@given(problems())
def test_loss_is_finite_and_nonnegative(problem):
    W, v = problem
    loss = population_loss(W, v)
    assert np.isfinite(loss)
    # L = E[½R²] ≥ 0; rounding of O(size) terms may leave −1e-16·size.
    assert loss >= -1e-15 * size(W, v)


@given(problems())
def test_gradient_is_finite_with_the_shape_of_W(problem):
    W, v = problem
    gradient = population_gradient(W, v)
    assert gradient.shape == W.shape
    assert np.all(np.isfinite(gradient))


@given(problems(), st.randoms(use_true_random=False))
def test_student_permutation_symmetry(problem, random):
    W, v = problem
    order = list(range(len(W)))
    random.shuffle(order)
    # Only the order of ≤ 15 summed terms of size ≤ size(W, v) changes.
    tolerance = 1e-14 * size(W, v)
    assert abs(population_loss(W[order], v) - population_loss(W, v)) <= tolerance
    gradient = population_gradient(W, v)
    permuted = population_gradient(W[order], v)
    scale = np.sqrt(size(W, v)) * len(W)
    assert np.max(np.abs(permuted - gradient[order])) <= 1e-14 * scale

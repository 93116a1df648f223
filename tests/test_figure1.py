"""The Compare page's defaults reproduce the paper's Figure 1 (paper notes §8).

Medians over seeds 0-9 at d = 5, through the same functions the page calls
(neuronlab.analysis.studies), with the page's own defaults (ui.fields.COMPARE).
"""

import numpy as np
import pytest

from neuronlab.analysis.studies import LEFT_STEPS, compare_along_n, crossing_step
from ui.fields import COMPARE

SEEDS = range(10)
# Read from the paper's right panel at T = 5e4 (paper notes §8), +- 0.08.
EXPONENT_TARGETS = {2: -2.96, 5: -3.12, 10: -3.20}


@pytest.fixture(scope="module")
def figure1():
    """n -> (bands of the first 500 iterations, bands of the whole run)."""
    defaults = {f.name: f.default for f in COMPARE.fields}
    assert defaults["d"] == 5
    assert defaults["ns"] == [2, 5, 10]
    scalars = {k: defaults[k] for k in ("d", "sigma", "eta", "steps")}
    left, whole, _ = compare_along_n(defaults["ns"], len(SEEDS), **scalars)
    return {n: (left[n], whole[n]) for n in left}


def test_the_defaults_are_the_papers_settings():
    defaults = {f.name: f.default for f in COMPARE.fields}
    assert (defaults["sigma"], defaults["eta"], defaults["steps"]) == (
        0.1,
        0.05,
        50_000,
    )


def test_one_student_reaches_about_5e_12_at_iteration_500(figure1):
    left, _ = figure1[1]
    last = left.iloc[-1]
    assert last.step == LEFT_STEPS
    print(f"\n[figure1] n = 1: median L(500) = {last.loss_median:.3g}")
    assert 1e-12 <= last.loss_median <= 1e-11


@pytest.mark.parametrize("n", sorted(EXPONENT_TARGETS))
def test_exponent_at_5e4_matches_the_papers_right_panel(figure1, n):
    _, whole = figure1[n]
    last = whole.iloc[-1]
    assert last.step == 50_000
    assert last.runs == len(SEEDS)
    print(
        f"\n[figure1] n = {n}: median log_ηT L(5e4) = {last.log_eta_t_loss_median:.3f}"
    )
    assert last.log_eta_t_loss_median == pytest.approx(EXPONENT_TARGETS[n], abs=0.08)


@pytest.mark.parametrize("n", sorted(EXPONENT_TARGETS))
def test_one_student_crosses_below_within_the_first_500_iterations(figure1, n):
    """The paper's left panel: the curves cross (at ~150-200 there; measured
    ~110-140 here at d = 5), and n >= 2 is far above n = 1 at 500."""
    crossing = crossing_step(figure1[1][0], figure1[n][0])
    print(f"\n[figure1] n = {n}: n = 1 passes below at iteration {crossing:.0f}")
    assert 50 < crossing < 300
    gap = figure1[n][0].loss_median.iloc[-1] / figure1[1][0].loss_median.iloc[-1]
    assert gap > 1e5
    assert np.all(np.isfinite(figure1[n][1].loss_median))

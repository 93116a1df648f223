"""Explore's top through AppTest: for a setting outside the paper's, the headline
names the setting, "Here" says what the run did (checked against the run itself,
simulated here), and the paper's claim about t⁻³ is not made."""

import numpy as np
import pytest

from neuronlab import RunConfig, simulate
from tests.test_explore_apptest import open_page, settle

pytestmark = pytest.mark.usefixtures("app_session")
PAPER_CLAIM = "two or more learn it only like t⁻³"


def _top(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def _floor_time(run, share: float) -> float:
    """The first time the loss is at or below `share` of L(0), by hand."""
    return float(run.time[np.flatnonzero(run.loss <= share * run.loss[0])[0]])


def test_three_teachers_top_names_them_and_the_runs_outcome():
    at = settle(open_page(teachers="3"))
    assert not at.exception
    top = _top(at)
    assert "3 orthonormal teachers" in top
    assert PAPER_CLAIM not in top
    assert at.title[0].value == "Explore: 3 teachers, n students"
    # One student cannot fit three teachers: the hero's caption says it stays put.
    one = simulate(RunConfig(n=1, teachers=3, steps=100_000))
    assert one.loss[-1] > 0.1 * one.loss[0]
    hero = " ".join(c.value for c in at.caption)
    assert f"n = 1 stays at L ≈ {one.loss[-1]:.3g}" in hero


def test_gauss_newton_top_says_the_slow_down_is_gone_and_when_the_floor_came():
    at = settle(open_page(optimizer="gauss_newton"))
    assert not at.exception
    top = _top(at)
    assert "Gauss–Newton" in top
    assert PAPER_CLAIM not in top
    run = simulate(RunConfig(optimizer="gauss_newton"))
    assert f"reaches the rounding floor by t ≈ {_floor_time(run, 1e-26):.3g}" in top


def test_erf_top_names_the_students_that_turned_away():
    at = settle(open_page(activation="erf"))
    assert not at.exception
    top = _top(at)
    assert "erf students" in top
    assert PAPER_CLAIM not in top
    last = simulate(RunConfig(activation="erf")).metrics.iloc[-1]
    away = [i for i in (1, 2, 3) if last[f"theta_{i}"] > 0.1]
    assert away, "the default erf run has a student that turns away"
    for i in away:
        assert f"ends at θ = {last[f'theta_{i}']:.2f} rad" in top
    angles = " ".join(c.value for c in at.caption)
    assert "Each student turns toward the teacher" not in angles


def test_the_papers_setting_keeps_the_papers_claim():
    at = settle(open_page())
    assert PAPER_CLAIM in _top(at)
    assert "Here:" not in _top(at)

"""The trained second layer in the app: Explore's output choice (from the one
declaration, with the ui's label), its two charts and their captions (the
flow's and GD's say different things, and a fixed layer shows neither); the
figures as pure functions; Beyond's question 6."""

import numpy as np
import pytest

from neuronlab import RunConfig, simulate
from tests.test_beyond_apptest import measured, open_beyond
from tests.test_explore_apptest import charts, open_page, settle
from ui.fields import EXPLORE
from ui.figures.captions import captions, groups
from ui.figures.pages import explore_figures


def test_output_is_an_explore_field_with_its_label():
    field = EXPLORE.field("output")
    assert field.label == "Output weights"
    assert field.default == "fixed"
    assert set(field.options) == {"fixed", "trained"}


@pytest.mark.parametrize("method", ["gd", "flow"])
def test_figures_and_captions_of_a_trained_run(method):
    config = RunConfig(n=2, d=4, steps=2000, method=method, output="trained")
    traj = simulate(config)
    figures = explore_figures(traj)
    assert {"output", "balancedness"} <= set(figures)
    lines = [t for t in figures["output"].data if t.name.startswith("w")]
    assert len(lines) == 2
    np.testing.assert_allclose(lines[0].y[-1], traj.a[-1, 0])
    words = captions(traj)
    if method == "flow":
        assert "conserves it exactly" in words["balancedness"]
    else:
        assert "only approximately" in words["balancedness"]
    assert groups(config)[-1][1] == ("output", "balancedness")


def test_a_fixed_run_has_no_second_layer_charts():
    traj = simulate(RunConfig(n=2, d=4, steps=200))
    assert "output" not in explore_figures(traj)
    assert "balancedness" not in captions(traj)


@pytest.mark.usefixtures("app_session")
def test_explore_draws_the_second_layer_from_a_link():
    at = settle(open_page(output="trained", steps="2000", d="5"))
    assert not at.exception
    assert not at.warning
    assert charts(at) == 10  # the hero, the seven charts, a(t) and a^2 - |w|^2
    assert at.query_params["output"] == "trained"
    assert any("Balancedness" in str(s.value) or "second layer" in str(s.value)
               for s in at.subheader)  # fmt: skip


@pytest.mark.usefixtures("app_session")
def test_explore_warns_on_a_refused_combination():
    at = open_page(output="trained", activation="erf", steps="200")
    assert not at.exception
    assert at.warning or at.error


@pytest.mark.usefixtures("app_session")
def test_the_beyond_page_asks_question_six_and_measures_it():
    at = open_beyond(experiment="output", seeds=1, steps=20_000)
    assert not at.exception
    assert not at.warning
    assert any(
        h.value == "Does a trained second layer remove the slow-down?"
        for h in at.subheader
    )
    assert len(at.get("plotly_chart")) == 2
    table = measured(at)
    assert list(table.index) == [
        f"n = {n}, {o} a" for n in (1, 2, 3) for o in ("fixed", "trained")
    ]


@pytest.mark.usefixtures("app_session")
def test_compare_along_output_draws_one_curve_each():
    from streamlit.testing.v1 import AppTest

    from tests.test_explore_apptest import APP

    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in {"along": "output", "values": "fixed,trained",
                        "steps": "2000", "n": "2"}.items():  # fmt: skip
        at.query_params[name] = value
    at = settle(at.switch_page("views/compare.py").run(), timeout=60)
    assert not at.exception
    assert not at.warning
    assert any("output" in h.value for h in at.title)
    (table,) = at.dataframe
    assert list(table.value["arm"]) == ["output = fixed", "output = trained"]

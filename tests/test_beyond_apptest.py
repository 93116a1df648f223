"""The Beyond page and Explore's Model and Optimiser controls through AppTest.

Every experiment and preset by link, bad values (each warned, naming the
parameter), "run more seeds", and what the page reports against independent
expectations: the linear activation converges linearly, the quadratic's tail
exponent is -2 (Xiong, Ding & Du 2024), and Safran & Shamir's published 12.6 %
at k = 8 lies inside the page's own 95 % interval.
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from neuronlab import RunConfig
from tests.test_explore_apptest import settle as settle_run
from ui.fields import BEYOND, EXPLORE

APP = str(Path(__file__).resolve().parents[1] / "router.py")


pytestmark = pytest.mark.usefixtures("app_session")


def settle(at: AppTest) -> AppTest:
    """Explore's settle with room for a page of many runs (seeds x curves)."""
    return settle_run(at, timeout=120.0)


def open_beyond(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = str(value)
    return settle(at.switch_page("views/beyond.py").run())


def measured(at: AppTest):
    (table,) = at.dataframe
    return table.value.set_index("arm")


# kink-long is the activation experiment at 1e6 steps: its link is read as any other.
# The presets of many long runs (5-11 s each here) are the full suite's only.
HEAVY = ("init-theorem", "safran-shamir-k8", "safran-shamir-k10")


@pytest.mark.parametrize(
    "preset",
    [
        pytest.param(p, marks=pytest.mark.slow) if p in HEAVY else p
        for p in BEYOND.presets
        if p != "kink-long"
    ],
)
def test_each_preset_draws_two_charts_and_its_table(preset):
    at = open_beyond(preset=preset)
    assert not at.exception
    assert not at.warning
    assert not at.error
    assert len(at.get("plotly_chart")) == 2
    assert at.query_params["preset"] == preset
    assert at.query_params["experiment"] == BEYOND.presets[preset].values["experiment"]
    assert any(m.value.startswith("**Measured**") for m in at.markdown)


def test_an_experiment_by_link_takes_its_own_defaults():
    at = open_beyond(experiment="teachers")
    assert not at.warning
    # The experiment's seeds and steps, not another experiment's.
    assert at.query_params["seeds"] == "30"
    assert at.query_params["steps"] == "5000"
    assert "n" not in at.query_params  # not a knob of this experiment


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"experiment": "tanh"}, "experiment"),
        ({"experiment": "teachers", "n": "4"}, "n is a knob of experiment activation"),
        ({"experiment": "teachers", "k": "99"}, "k must be an integer in [2, 12]"),
        ({"seeds": "0"}, "seeds must be"),
        ({"steps": "1e9"}, "steps must be"),
    ],
)
def test_bad_values_warn_and_the_page_still_draws(query, named):
    at = open_beyond(**query)
    assert not at.exception
    assert any(named in w.value for w in at.warning), [w.value for w in at.warning]
    assert len(at.get("plotly_chart")) == 2


def test_run_more_seeds_doubles_them_and_the_link_follows():
    at = open_beyond(experiment="optimiser", seeds=1, steps=2000, newton_steps=50)
    (more,) = [b for b in at.button if b.label.startswith("Run more seeds")]
    settle(more.click().run())
    assert at.query_params["seeds"] == "2"
    assert measured(at)["seeds"].eq(2).all()


def test_the_page_reports_linear_and_quadratic_rates():
    """α = 1 is linear regression: L < 1e-9 within ~30 steps (GD at η = 0.1 on a
    quadratic with curvature 1); the quadratic activation's tail is T^-2."""
    table = measured(open_beyond(experiment="activation", seeds=2))
    linear = table.loc["linear (α = 1)"]
    assert linear["tail"] == "at the floor"
    assert float(linear["steps to L < 1e-09"]) < 100
    assert abs(float(table.loc["quadratic z²", "tail exponent"]) + 2) < 0.05
    assert abs(float(table.loc["ReLU (α = 0)", "tail exponent"]) + 3) < 0.05


def test_safran_and_shamirs_k8_share_lies_in_the_pages_interval():
    table = measured(open_beyond(preset="safran-shamir-k8"))
    row = table.loc["k = 8, n = 8"]
    low, high = float(row["95 % low"]), float(row["95 % high"])
    assert low <= 0.126 <= high
    assert int(row["ended with L ≥ 0.001"]) >= 1
    # Their commonest spurious minimum has loss 0.0215 at k = 8 (beyond-notes §5).
    assert abs(float(row["final loss of the bad (median)"]) - 0.0215) < 1e-3


# Explore's Model and Optimiser groups: links, their warnings, the widgets.


def open_explore(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = str(value)
    return settle(at.run())


@pytest.mark.parametrize(
    "query",
    [
        {"activation": "leaky_relu", "alpha": "0.5", "steps": "2000"},
        {"activation": "erf", "steps": "2000"},
        {"teachers": "3", "n": "4", "d": "5", "steps": "2000"},
        {"init": "orthogonal", "steps": "2000"},
        {"optimizer": "momentum", "beta": "0.5", "steps": "2000"},
        {"optimizer": "adam", "eta": "0.001", "beta2": "0.99", "steps": "2000"},
        {"optimizer": "gauss_newton", "damping": "loss", "lam": "0.5", "steps": "50"},
    ],
)
def test_good_model_and_optimiser_links_run_exactly(query):
    at = open_explore(**query)
    assert not at.exception
    assert not at.warning
    assert not at.error
    for name, value in query.items():
        assert at.query_params[name] == EXPLORE.field(name).text(
            EXPLORE.field(name).parse(value)
        )
    job = at.session_state["explore_job"]
    expected = RunConfig(**{k: EXPLORE.field(k).parse(v) for k, v in query.items()})
    assert job.task.subject == expected
    assert job.result is not None
    assert job.result.status != "error"


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"alpha": "0.5"}, "alpha applies only with activation leaky_relu"),
        ({"activation": "tanh"}, "activation must be one of relu, leaky_relu"),
        (
            {"activation": "leaky_relu", "alpha": "2"},
            "alpha must be a number in [-1, 1]",
        ),
        ({"beta": "0.5"}, "beta applies only with optimizer momentum"),
        ({"optimizer": "adam", "beta2": "1.5"}, "beta2 must be"),
        ({"d": "2", "teachers": "3"}, "teachers must be an integer in [1, 2]"),
        ({"method": "flow", "optimizer": "adam"}, "does not apply to gradient flow"),
        ({"n": "20", "d": "5", "init": "orthogonal"}, "n <= d"),
        ({"n": "50", "optimizer": "gauss_newton"}, "Gauss–Newton solves"),
    ],
)
def test_bad_model_and_optimiser_links_warn_and_fall_back(query, named):
    at = open_explore(steps="2000", **query)
    assert not at.exception
    assert any(named in w.value for w in at.warning), [w.value for w in at.warning]
    assert len(at.get("plotly_chart")) >= 1


def test_optimiser_parameters_show_only_with_their_optimiser():
    at = open_explore(steps="2000")
    keys = {w.key for w in at.number_input} | {w.key for w in at.select_slider}
    assert "explore_beta" not in keys
    assert "explore_lam" not in keys
    at = open_explore(optimizer="gauss_newton", steps="50")
    keys = {w.key for w in at.number_input} | {w.key for w in at.select_slider}
    assert "explore_lam" in keys
    assert "explore_beta" not in keys


def test_gauss_newton_then_many_students_is_refused_with_a_note_not_a_crash():
    at = open_explore(optimizer="gauss_newton", steps="50")
    at.slider(key="explore_n").set_value(50).run()
    settle(at)
    assert not at.exception
    assert at.session_state["explore_job"].task.subject.optimizer == "gd"
    assert any("Gauss–Newton" in w.value for w in at.warning)


def test_adam_says_it_is_coordinate_dependent_where_it_is_chosen():
    at = open_explore(steps="2000")
    (select,) = [s for s in at.selectbox if s.key == "explore_optimizer"]
    assert "rotation-equivariant" in select.help
    assert "coordinate-dependent" in select.format_func("adam")


# Compare along any one field, by link.


def open_compare(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = str(value)
    return settle(at.switch_page("views/compare.py").run())


def test_compare_along_optimizer_by_link_runs_the_same_seeds_for_each():
    at = open_compare(
        along="optimizer", values="gd,momentum", n=3, seeds=2, steps=20_000, eta=0.1
    )
    assert not at.exception
    assert not at.warning
    assert [t.value for t in at.title] == ["Compare along optimizer"]
    table = measured(at)
    assert list(table.index) == ["optimizer = gd", "optimizer = momentum"]
    # Heavy-ball momentum (beta = 0.9) reaches L < 1e-9 in about (1 - beta) of
    # GD's steps: the same exponent, a tenfold smaller constant.
    gd, momentum = table["steps to L < 1e-09"].astype(float)
    assert 0.05 < momentum / gd < 0.2
    assert at.query_params["along"] == "optimizer"
    assert "ns" not in at.query_params  # read only along n


def test_compare_along_alpha_reaches_linear_convergence_at_alpha_one():
    at = open_compare(preset="alpha")
    table = measured(at)
    assert table.loc["alpha = 1.0", "tail"] == "at the floor"
    assert float(table.loc["alpha = 1.0", "steps to L < 1e-09"]) < 200


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"along": "optimizer", "values": "gd,sgd"}, "Ignored 'sgd' in values"),
        ({"along": "sigma", "sigma": "0.3"}, "sigma is the compared field"),
        ({"along": "optimizer", "ns": "2,3"}, "ns is read when along = n"),
        ({"along": "colour"}, "along must be one of"),
    ],
)
def test_compare_along_bad_values_warn(query, named):
    at = open_compare(steps=2000, seeds=1, **query)
    assert not at.exception
    assert any(named in w.value for w in at.warning), [w.value for w in at.warning]

"""Explore's words and guides follow the run on screen (ui.figures.captions):
a table of small runs × what their captions and charts must and must not show."""

import numpy as np
import pytest

from neuronlab import RunConfig, simulate
from neuronlab.analysis.fits import fit_exponential_tail
from ui.figures.captions import (
    CLAIMS,
    EXPONENTIAL,
    NONE,
    POWER,
    captions,
    tail_law,
)
from ui.figures.hero import hero_figure, prompt
from ui.figures.pages import explore_figures
from ui.figures.palette import ONE_COLOUR

T3 = "t<sup>−3</sup>"
# id -> (config, law kind, caption words the loss chart must show, must not show)
RUNS = {
    "n1": (
        RunConfig(n=1, d=5, sigma=0.1, eta=0.05, steps=2000),
        EXPONENTIAL,
        ["log-linear", "rate λ", "double precision"],
        ["t⁻³ guide", "n ≥ 2 bends", "straight line here is the t⁻³"],
    ),
    "n3": (RunConfig(n=3, d=5, steps=20_000), POWER, ["C·t⁻³", "−3"], ["No guide"]),
    "sgd": (
        RunConfig(n=3, d=5, steps=3000, method="sgd", samples=200),
        NONE,
        ["Finite samples", "levels off near", "200 inputs"],
        ["C·t⁻³"],
    ),
    "diverged": (
        RunConfig(n=3, d=5, eta=5.0, steps=2000),
        NONE,
        ["diverged", "last finite record"],
        ["C·t⁻³"],
    ),
    "flow": (
        RunConfig(n=3, d=5, steps=20_000, method="flow"),
        POWER,
        ["C·t⁻³"],
        ["No guide"],
    ),
    "linear": (
        RunConfig(n=3, d=5, steps=3000, activation="leaky_relu", alpha=1.0),
        EXPONENTIAL,
        ["linear for every n", "log-linear"],
        ["t⁻³ guide"],
    ),
    "quadratic": (
        RunConfig(n=3, d=5, steps=20_000, activation="quadratic"),
        POWER,
        ["t⁻²", "Xiong"],
        ["C·t⁻³"],
    ),
    "erf": (
        RunConfig(n=3, d=5, steps=3000, activation="erf"),
        NONE,
        ["No guide", "erf"],
        ["C·t⁻³"],
    ),
    "teachers": (
        RunConfig(n=4, d=5, steps=3000, teachers=3),
        NONE,
        ["m = 3 teachers"],
        ["C·t⁻³"],
    ),
}


@pytest.fixture(scope="module")
def runs():
    return {name: simulate(config) for name, (config, *_) in RUNS.items()}


def names(fig) -> list[str]:
    return [trace.name for trace in fig.data]


@pytest.mark.parametrize("name", list(RUNS))
def test_the_law_and_the_loss_caption_follow_the_run(runs, name):
    config, kind, must, must_not = RUNS[name]
    run = runs[name]
    assert tail_law(config, run.status).kind == kind
    words = captions(run)
    assert set(words) == {*CLAIMS, "geometry"}
    for text in must:
        assert text in words["loss"], (name, text, words["loss"])
    for text in must_not:
        assert text not in words["loss"], (name, text, words["loss"])
    assert ("a straight line here is" in words["inv_cbrt"]) is (kind == POWER)
    for chart, (_, anchor) in CLAIMS.items():
        assert f"(theory#{anchor})" in words[chart]


@pytest.mark.parametrize("name", list(RUNS))
def test_guides_are_drawn_only_where_a_law_applies(runs, name):
    config, kind, *_ = RUNS[name]
    figs = explore_figures(runs[name])
    loss, inv = names(figs["loss"]), names(figs["inv_cbrt"])
    has_t3 = any(T3 in n for n in loss)
    assert has_t3 is (kind == POWER and config.activation == "relu")
    assert any("e<sup>−" in n for n in loss) is (kind == EXPONENTIAL)
    assert any(n.startswith("fit") for n in inv) is (kind == POWER)
    proved = name in ("n3", "flow")
    assert any(n.startswith("fit") for n in names(figs["potential"])) is proved
    straight = "straight line" in figs["inv_cbrt"].layout.title.text
    assert straight is (kind == POWER)


def test_exponential_decay_is_drawn_on_log_linear_axes_up_to_the_floor(runs):
    fig = explore_figures(runs["n1"])["loss"]
    assert fig.layout.xaxis.type == "linear"
    assert fig.layout.yaxis.type == "log"
    one = explore_figures(simulate(RunConfig(n=1, d=5, steps=100_000)))["loss"]
    # GD at n = 1 sits at the rounding floor from t ~ 500 on: the axis stops soon after.
    assert one.layout.xaxis.range[1] < 0.1 * 100_000 * 0.1


def test_quadratic_straight_line_is_L_to_the_minus_one_half(runs):
    fig = explore_figures(runs["quadratic"])["inv_cbrt"]
    assert "L<sup>−1/2</sup>" in fig.layout.title.text
    assert any(
        T3.replace("3", "2") in n
        for n in names(explore_figures(runs["quadratic"])["loss"])
    )


def test_a_diverged_run_ends_at_its_last_finite_record(runs):
    run = runs["diverged"]
    assert run.status == "diverged"
    for name, fig in explore_figures(run).items():
        for trace in fig.data:
            assert np.isfinite(np.asarray(trace.y, float)).all()
            if name != "geometry":  # its x is a coordinate in the plane, not time
                assert np.asarray(trace.x, float).max() <= run.time[-1]


def test_one_student_says_why_its_charts_are_empty(runs):
    words = captions(runs["n1"])
    assert "Z ≡ 0" in words["potential"]
    assert "≡ 1" in words["balance"]
    fig = explore_figures(runs["n1"])["potential"]
    (note,) = fig.layout.annotations
    assert note.xref == "x domain"  # inside the Z panel, not on an axis title


def test_several_teachers_show_per_teacher_analogues(runs):
    run = runs["teachers"]
    figs, words = explore_figures(run), captions(run)
    assert "nearest teacher" in figs["angles"].layout.title.text.lower()
    assert all("→ v" in n for n in names(figs["angles"]))
    assert names(figs["balance"])[:3] == ["v₁", "v₂", "v₃"]
    assert "Nearest teacher" in figs["potential"].layout.title.text
    assert not figs["norms"].layout.shapes  # Theorem 6's band is for one teacher
    for chart in ("angles", "balance", "norms", "potential"):
        assert "one teacher" in words[chart]


def test_sgd_floor_is_the_runs_own_level(runs):
    run = runs["sgd"]
    words = captions(run)["loss"]
    level = float(words.split("levels off near ")[1].split(":")[0])
    tail = run.loss[run.time >= run.time[-1] / 10]
    assert tail.min() <= level <= tail.max()


def test_exponential_fit_recovers_the_rate_and_ignores_the_floor():
    t = np.linspace(0, 100, 200)
    y = np.maximum(3.0 * np.exp(-0.5 * t), 1e-25)
    fit = fit_exponential_tail(t, y)
    assert fit.rate == pytest.approx(0.5, rel=1e-9)
    assert pytest.approx(3.0, rel=1e-9) == fit.C
    assert fit.t_end < t[-1]  # the floor is left out


@pytest.mark.parametrize("n", [1, 3])
def test_hero_draws_n1_solid_black_as_compare_does_whatever_the_n_on_screen(n):
    config = RunConfig(n=n, d=5, sigma=0.1, eta=0.05, steps=500)
    other = simulate(config.replace(n=2 if n == 1 else 1)).metrics
    fig = hero_figure(simulate(config).metrics, config, other)
    styles = {t.name: (t.line.color, t.line.dash) for t in fig.data}
    assert styles["n = 1"] == (ONE_COLOUR, None)
    assert styles[f"n = {max(n, 2)}"][0] not in (ONE_COLOUR, None)
    assert ("from 1 to 2" if n == 1 else f"from {n} to 1") in prompt(config)


def test_gradient_flow_at_n1_is_fitted_above_the_solvers_floor():
    run = simulate(RunConfig(n=1, d=5, method="flow", steps=100_000))
    fit = fit_exponential_tail(run.time, run.loss)
    assert fit.rate == pytest.approx(1.0, rel=0.05)  # GD's rate at n = 1, too
    assert "falls past (flow)" in captions(run)["loss"]

"""Charts that say what is true of the run: a local exponent ends with a marker
at the rounding floor, a rise or a divergence (never a flat 0 or spikes); one
colour per meaning across every page's builders; files keep the screen's margins.

Each check compares with something the figure code does not compute: the floor
found from the loss by hand, the loss's own monotonicity, another page's builder.
"""

import io

import numpy as np
import pandas as pd
import pytest

from neuronlab import RunConfig, simulate
from neuronlab.analysis import beyond, experiments
from neuronlab.export import to_csv, to_json
from ui.figures import inverse_cube_root_figure, loss_figure
from ui.figures.beyond import curves, exponent_curves
from ui.figures.compare import figure1_loss
from ui.figures.exponent import AT_FLOOR, RISES, RISING, stretch
from ui.figures.hero import hero_figure
from ui.figures.palette import ONE_COLOUR, n_colour
from ui.figures.spectrum import spectrum_figure
from ui.figures.top import run_title

EXPONENT = "d ln L / d ln t"


def _flat_from(loss: np.ndarray) -> int:
    """The floor by hand: the first record below 1e-12 of L(0) from which the
    loss stays within a factor 10 of its last value, or at or below 0 (rounding
    noise: Gauss–Newton's loss goes negative)."""
    tiny = (loss < 1e-12 * loss[0]) & (
        (np.abs(np.log10(np.abs(loss) / abs(loss[-1]) + 1e-300)) < 1) | (loss <= 0)
    )
    settled = np.flatnonzero(~tiny)
    return int(settled[-1] + 1) if settled.size else 0


def _exponent_panel(fig):
    """(the drawn exponent line, the marker traces) of a two-panel loss chart."""
    line = next(t for t in fig.data if t.name == EXPONENT)
    markers = [t for t in fig.data if (t.name or "").startswith("cut:")]
    return line, markers


@pytest.mark.parametrize(
    "fields",
    [
        {"n": 1, "optimizer": "gauss_newton", "steps": 2_000},
        {"n": 3, "optimizer": "gauss_newton", "steps": 2_000},
        {"n": 3, "activation": "erf", "steps": 20_000},
        {"n": 3, "teachers": 3, "steps": 20_000},
    ],
    ids=["gauss-newton n=1", "gauss-newton n=3", "erf n=3", "3 teachers"],
)
def test_a_floor_reaching_run_ends_its_exponent_in_a_marker_not_a_flat_zero(fields):
    run = simulate(RunConfig(d=5, sigma=0.1, eta=0.1, **fields))
    t = run.time
    first = _flat_from(run.loss)
    assert first < len(t) - 5, "the run must sit at the floor for a while"
    fig = loss_figure(run.metrics, run.config)
    line, markers = _exponent_panel(fig)
    assert max(line.x) < t[first]  # nothing drawn at the floor
    assert np.all(np.abs(np.asarray(line.y)[-3:]) > 1e-6)  # no flat 0 at the end
    (marker,) = markers
    assert marker.x[0] == line.x[-1]  # the marker is where the curve stops
    assert "rounding floor" in marker.name
    assert marker.text == ("floor",)
    # L^(-1/3) too stops before the floor (it read a flat line there), marked.
    root = inverse_cube_root_figure(run.metrics, run.config)
    line = root.data[0]
    assert max(line.x) < t[first]
    assert [m.x[0] for m in root.data if "rounding floor" in (m.name or "")] == [
        line.x[-1]
    ]


def test_beyond_question_one_ends_the_linear_arm_at_the_floor():
    """Beyond's activation experiment: α = 1 (linear) reaches the floor by t ≈ 11
    and used to read a flat 0 from there to the end."""
    plan = experiments.EXPERIMENTS["activation"]
    knobs = {"n": 3, "d": 5, "sigma": 0.1, "eta": 0.1, "steps": 2_000}
    todo = [
        (arm, s) for arm, s in beyond.tasks(plan, 2, **knobs) if "α = " in arm.label
    ]
    runs = [beyond.run_task(plan, arm, seed) for arm, seed in todo]
    loss = beyond.bands(runs, "loss")
    local = beyond.bands(runs, "local_exponent")
    configs = {r.arm: r.config for r in runs}
    fig = exponent_curves(local, loss, "r", ((-3.0, "−3"),), configs)
    linear = next(t for t in fig.data if t.name == "linear (α = 1)")
    median = loss["linear (α = 1)"]
    flat = median["time"].iloc[_flat_from(median["loss_median"].to_numpy())]
    assert max(linear.x) < flat < median["time"].iloc[-1] / 10
    floors = [t for t in fig.data if "rounding floor" in (t.name or "")]
    assert linear.line.color in {t.marker.color for t in floors}


def test_a_diverged_run_says_so_where_its_exponent_would_be():
    run = simulate(RunConfig(n=3, d=5, sigma=0.01, eta=5.0, steps=2_000))
    assert run.status == "diverged"
    fig = loss_figure(run.metrics, run.config, diverged=True)
    drawn = [t for t in fig.data if t.name == EXPONENT]
    notes = [a.text for a in fig.layout.annotations] + [
        t.name for t in fig.data if (t.name or "").startswith("cut:")
    ]
    assert any("diverged" in note for note in notes)
    for line in drawn:  # where any stretch is drawn, the loss falls along it
        assert np.all(np.asarray(line.y) <= RISING)


def test_stretch_takes_the_longest_falling_run_and_names_both_cuts():
    # Built by hand: a rise at records 3-4, a fall from 5 to 14, the floor from 15.
    t = np.geomspace(1, 1e3, 20)
    loss = 1.0 / t**3
    loss[3:5] *= 50.0  # a bump: the loss rises into record 3
    loss[15:] = 1e-30
    exponent = np.gradient(np.log(loss), np.log(t))
    cut = stretch(loss, exponent, floor=1e-28)
    rising = np.flatnonzero(exponent > RISING)
    assert cut.start == rising.max() + 1
    assert cut.stop == 15
    assert (cut.why_start, cut.why_stop) == (RISES, AT_FLOOR)


@pytest.fixture(scope="module")
def optimiser_runs():
    """Compare along the optimiser (its preset's values), short: Nesterov's and
    Adam's medians rise and fall between records."""
    plan = experiments.along(
        "optimizer",
        ("gd", "momentum", "nesterov", "adam"),
        n=3, d=5, sigma=0.1, eta=0.05, steps=3_000,
    )  # fmt: skip
    runs = [beyond.run_task(plan, arm, seed) for arm, seed in beyond.tasks(plan, 2)]
    return runs


def test_compare_along_the_optimiser_draws_no_spike(optimiser_runs):
    loss = beyond.bands(optimiser_runs, "loss")
    local = beyond.bands(optimiser_runs, "local_exponent")
    configs = {r.arm: r.config for r in optimiser_runs}
    fig = exponent_curves(local, loss, "r", (), configs)
    medians = [t for t in fig.data if t.name in local]
    assert {t.name for t in medians} == set(local)
    for trace in medians:
        # Where a median is drawn, the median loss falls from record to record.
        band = loss[trace.name].set_index("time")["loss_median"]
        falling = band.reindex(np.asarray(trace.x)).to_numpy()
        assert np.all(np.diff(np.log(falling)) < 0.5), trace.name
        assert np.all(np.asarray(trace.y) <= RISING)
    # Some median did rise in these runs (else this test would prove nothing).
    rises = [np.nanmax(f["local_exponent_median"]) > RISING for f in local.values()]
    assert any(rises)


def _colour(fig, name: str) -> str:
    return next(t.line.color for t in fig.data if t.name == name)


def test_one_colour_per_n_on_explore_the_hero_compare_and_phases():
    one = simulate(RunConfig(n=1, d=5, steps=300)).metrics
    five = simulate(RunConfig(n=5, d=5, steps=300))
    explore = loss_figure(five.metrics, five.config, contrast=one)
    hero = hero_figure(five.metrics, five.config, one)
    bands = {
        n: pd.DataFrame(
            {"step": [1, 2], "time": [0.1, 0.2], "runs": [2, 2]}
            | {f"loss_{q}": [1.0, 0.5] for q in ("median", "lo", "hi")}
        )
        for n in (1, 2, 5)
    }
    compare = figure1_loss(bands, "r")
    assert _colour(explore, "n = 1") == _colour(hero, "n = 1") == ONE_COLOUR
    assert _colour(compare, "n = 1") == ONE_COLOUR
    assert _colour(hero, "n = 5") == _colour(compare, "n = 5")
    assert _colour(explore, "loss L") == _colour(compare, "n = 5")
    spectra = pd.DataFrame(
        {"run": ["n = 1 control"], "step": [10], "time": [1.0], "block": ["span"]}
        | {"value": [0.5], "multiplicity": [1]}
    )
    control = spectrum_figure(spectra, [], "r", "n = 1 control")
    assert {t.marker.color for t in control.data} == {n_colour(1)}


def _arm_colours(plan_arms, **kw) -> dict:
    """Each arm's colour on a curves chart (Beyond's and Compare's builder)."""
    configs = {arm.label: arm.config for arm in plan_arms}
    frame = pd.DataFrame(
        {"step": [1], "time": [0.1], "runs": [1]}
        | {f"loss_{q}": [1.0] for q in ("median", "lo", "hi")}
    )
    fig = curves(dict.fromkeys(configs, frame), "loss", "t", "L", "r", configs=configs)
    return {t.name: t.line.color for t in fig.data if t.name in configs}


def test_relu_and_gd_have_one_colour_on_beyond_and_compare():
    beyond_activation = _arm_colours(experiments.EXPERIMENTS["activation"].arms(
        n=3, d=5, sigma=0.1, eta=0.1, steps=10))  # fmt: skip
    compare_alpha = experiments.along("alpha", (0.0, 0.5, 1.0), n=3, d=5)
    along_alpha = _arm_colours(compare_alpha.arms((0.0, 0.5, 1.0), n=3, d=5))
    assert beyond_activation["ReLU (α = 0)"] == along_alpha["alpha = 0.0"]
    assert beyond_activation["linear (α = 1)"] == along_alpha["alpha = 1.0"]
    assert beyond_activation["leaky α = 0.5"] == along_alpha["alpha = 0.5"]
    beyond_optimiser = _arm_colours(experiments.EXPERIMENTS["optimiser"].arms(
        n=3, d=5, sigma=0.1, steps=10, newton_steps=10))  # fmt: skip
    values = ("adam", "gd", "nesterov")
    along_optimiser = _arm_colours(
        experiments.along("optimizer", values).arms(values, n=3, d=5)
    )
    assert beyond_optimiser["GD"] == along_optimiser["optimizer = gd"]
    assert (
        beyond_optimiser["Nesterov β = 0.9"] == along_optimiser["optimizer = nesterov"]
    )
    assert beyond_optimiser["Adam η = 1e-3"] == along_optimiser["optimizer = adam"]
    # Within a chart, each arm has its own colour.
    assert len(set(beyond_activation.values())) == len(beyond_activation)
    assert len(set(beyond_optimiser.values())) == len(beyond_optimiser)


def test_question_six_colours_by_n_and_dashes_the_trained_layer():
    """Beyond's trained-layer arms differ in n and in the output layer: each n
    keeps its app-wide colour (n_colour, as on Compare), a trained layer is
    dashed, so no two arms look alike and "n = 2, fixed" never borrows a colour
    that means another n."""
    arms = experiments.EXPERIMENTS["output"].arms(d=5, sigma=0.1, eta=0.1, steps=10)
    configs = {arm.label: arm.config for arm in arms}
    frame = pd.DataFrame(
        {"step": [1], "time": [0.1], "runs": [1]}
        | {f"loss_{q}": [1.0] for q in ("median", "lo", "hi")}
    )
    fig = curves(dict.fromkeys(configs, frame), "loss", "t", "L", "r", configs=configs)
    lines = {t.name: t.line for t in fig.data if t.name in configs}
    for label, config in configs.items():
        assert lines[label].color == n_colour(config.n)
        assert lines[label].dash == ("dash" if config.output == "trained" else "solid")
    assert len({(line.color, line.dash) for line in lines.values()}) == len(configs)


def test_the_metrics_csv_reads_with_no_options_and_the_json_holds_its_config():
    run = simulate(RunConfig(n=2, d=4, steps=300, activation="erf"))
    frame = pd.read_csv(io.StringIO(to_csv(run)))
    assert list(frame.columns) == list(run.metrics.columns)
    np.testing.assert_array_equal(frame["loss"].to_numpy(), run.loss)
    assert '"activation": "erf"' in to_json(run, records=False)
    assert "activation = erf" in run_title(run.config)

"""Story pages' pure pieces: figure builders, URL fields, ensembles, link reference.

Figures are built from small real runs (milliseconds) or synthetic frames; the
checks pin what the charts promise: SVG only, log axes where the law is a power
law, the phases shaded on every time axis, predictions drawn over measurements.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from neuronlab.analysis.phases import ALIGNED
from neuronlab.analysis.studies import (
    compare_along_n,
    crossing_step,
    nearest_records,
    phase_run,
    smallest_table,
    spectra_at,
)
from neuronlab.analysis.toys import TOYS as TOY_NAMES
from neuronlab.analysis.toys import toy_view
from ui import links
from ui.fields import COMPARE, PHASES
from ui.fields import TOY_CASES as TOYS
from ui.figures.compare import figure1_exponent, figure1_loss, n_colours
from ui.figures.phase_shading import PHASE_COLOURS
from ui.figures.phases import (
    alignment_figure,
    h_decay_figure,
    phase_loss_figure,
    straight_lines_figure,
)
from ui.figures.projector import for_projector
from ui.figures.spectrum import hidden_count, spectrum_figure
from ui.figures.toys import collapse_figure, toy_figure
from ui.form import Page
from ui.links import link_reference
from ui.schema import Field
from ui.tables import summary_table


def only_svg_scatter(fig: go.Figure) -> bool:
    return all(isinstance(trace, go.Scatter) for trace in fig.data)


@pytest.fixture(scope="module")
def theorem_run():
    return phase_run(n=3, d=20, sigma=1e-4, eta=0.01, steps=20_000, seed=0)


@pytest.fixture(scope="module")
def compare_bands():
    left, whole, _ = compare_along_n((2, 5), 3, d=5, sigma=0.1, eta=0.05, steps=2_000)
    return left, whole


def test_figure1_panels_are_svg_with_a_band_and_the_same_colour_per_n(compare_bands):
    left, whole = compare_bands
    loss, exponent = figure1_loss(left, "r"), figure1_exponent(whole, "r")
    assert only_svg_scatter(loss)
    assert only_svg_scatter(exponent)
    assert loss.layout.yaxis.type == "log"
    named = {t.name: t.line.color for t in loss.data if t.showlegend is not False}
    assert set(named) == {"n = 1", "n = 2", "n = 5"}
    assert named == {f"n = {n}": c for n, c in n_colours([1, 2, 5]).items()}
    # The right panel leaves n = 1 out (rounding floor) and starts at 200.
    medians = [t for t in exponent.data if t.name]
    assert {t.name for t in medians} == {"n = 2", "n = 5"}
    assert min(min(t.x) for t in medians) >= 200
    assert any(t.fill == "tonexty" for t in exponent.data)


def test_crossing_is_interpolated_between_records():
    steps = np.array([0, 100, 200, 300])
    one = pd.DataFrame({"step": steps, "loss_median": [1.0, 1e-2, 1e-4, 1e-6]})
    many = pd.DataFrame({"step": steps, "loss_median": [0.5, 1e-2 / 10, 1e-3, 1e-4]})
    # gap (log) is +, +, -, -: the last sign change is between 100 and 200.
    crossing = crossing_step(one, many)
    assert 100 < crossing < 200
    never_above = many.assign(loss_median=[10.0, 1.0, 1.0, 1.0])
    assert np.isnan(crossing_step(one, never_above))
    assert np.isinf(crossing_step(one, many.assign(loss_median=1e-9)))


def test_summary_table_has_one_row_per_n_and_no_rate_for_n_1(compare_bands):
    left, whole = compare_bands
    table = summary_table(left, whole, {1: [0.0], 2: [-2.9], 5: [-3.0]})
    assert list(table.n) == [1, 2, 5]
    assert "rounding floor" in table.iloc[0, 3]


def test_every_time_chart_of_the_phases_page_is_shaded(theorem_run):
    frame, config, phases = (
        theorem_run.frame,
        theorem_run.trajectory.config,
        theorem_run.phases,
    )
    assert [name for name, *_ in phases.intervals()] == list(PHASE_COLOURS)
    for build in (phase_loss_figure, alignment_figure, h_decay_figure):
        fig = build(frame, config, phases)
        assert only_svg_scatter(fig)
        fills = [s.fillcolor for s in fig.layout.shapes if s.type == "rect"]
        assert set(PHASE_COLOURS.values()) <= set(fills), build.__name__
    lines = straight_lines_figure(frame, config, phases)
    fills = [s.fillcolor for s in lines.layout.shapes if s.type == "rect"]
    assert len(fills) == 2 * len(PHASE_COLOURS)  # both panels


def test_alignment_threshold_is_drawn_where_phase_1_ends(theorem_run):
    fig = alignment_figure(
        theorem_run.frame, theorem_run.trajectory.config, theorem_run.phases
    )
    (line,) = [s for s in fig.layout.shapes if s.type == "line" and s.y0 == ALIGNED]
    # Named in the legend, not by a label on the plot (where curves pass).
    assert line.showlegend
    assert f"{ALIGNED:g} rad" in line.name


def test_h_prediction_starts_on_the_measurement_and_decays_at_1_minus_n_eta_2(
    theorem_run,
):
    frame, config, phases = (
        theorem_run.frame,
        theorem_run.trajectory.config,
        theorem_run.phases,
    )
    fig = h_decay_figure(frame, config, phases)
    _measured, predicted = fig.data
    assert fig.layout.yaxis.type == "log"
    t1_value = np.interp(phases.t1, frame.time, frame.H.abs())
    assert predicted.y[0] == pytest.approx(t1_value)
    steps = (predicted.x[-1] - predicted.x[0]) / config.eta
    factor = (predicted.y[-1] / predicted.y[0]) ** (1 / steps)
    assert factor == pytest.approx(1 - config.n * config.eta / 2, rel=1e-12)
    assert theorem_run.h_law_holds


def test_straight_line_fits_are_labelled_with_r2(theorem_run):
    fig = straight_lines_figure(
        theorem_run.frame, theorem_run.trajectory.config, theorem_run.phases
    )
    fits = [t.name for t in fig.data if t.name.startswith("fit")]
    assert len(fits) == 2
    assert all("R²" in name for name in fits)


def test_spectrum_is_drawn_on_log_axes_without_nonpositive_values(theorem_run):
    spectra = spectra_at(theorem_run.trajectory, "n = 3", [10, 1_000, 20_000])
    assert set(spectra.block) == {"span", "complement"}
    assert set(spectra.step) == {10, 1_000, 20_000}
    fig = spectrum_figure(spectra, theorem_run.phases.intervals(), "r")
    assert only_svg_scatter(fig)
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.yaxis.type == "log"
    drawn = np.concatenate([np.asarray(t.y, float) for t in fig.data])
    assert (drawn > 0).all()
    shown = sum(len(t.y) for t in fig.data)
    assert shown < len(spectra)  # negative eigenvalues at step 10 are left out
    assert hidden_count(spectra) >= len(spectra) - shown
    table = smallest_table(spectra)
    assert list(table.step) == [10, 1_000, 20_000]


def test_nearest_records_skip_step_0_and_collapse_duplicates():
    steps = np.array([0, 1, 2, 10, 100, 1000])
    assert nearest_records(steps, [0, 1, 9, 11, 5000, 10**6]) == [1, 3, 5]


@pytest.mark.parametrize("name", TOY_NAMES)
def test_each_toy_draws_the_engine_and_the_prediction(name):
    view = toy_view(name, 2)
    if name == "remark26":
        fig = collapse_figure(view)
        assert {t.name for t in fig.data} == {"exact −c·v", "moved by 1e-16"}
        assert fig.layout.yaxis2.type == "log"
    else:
        fig = toy_figure(view)
        assert next(t.name for t in fig.data) == "engine"
        assert fig.data[1].name.startswith("prediction")
        assert fig.layout.yaxis.type == "log"
    assert only_svg_scatter(fig)


def test_toy_ratios_match_the_laws():
    assert toy_view("toy1", 2).last_ratio == pytest.approx(1, abs=0.01)
    assert toy_view("toy2", 2).last_ratio == pytest.approx(1, abs=1e-10)
    first = toy_view("remark26", 2).first_norms.set_index(["start", "step"])
    assert first.loc[("exact −c·v", 1), "max ‖w_i‖"] == 0.0
    assert first.loc[("exact −c·v", 2), "max ‖w_i − v/n‖"] == 0.0
    assert first.loc[("perturbed by 1e-16", 2), "max ‖w_i − v/n‖"] > 0.1


def test_projector_copy_scales_fonts_and_leaves_the_original(theorem_run):
    fig = phase_loss_figure(
        theorem_run.frame, theorem_run.trajectory.config, theorem_run.phases
    )
    big = for_projector(fig)
    assert big.layout.title.font.size > fig.layout.title.font.size
    assert big.layout.height > fig.layout.height
    assert big.layout.margin.t > fig.layout.margin.t


def test_bad_link_values_warn_with_name_value_range_and_default():
    seeds = Field("seeds", 5, "int", 1, 20)
    ns = Field("ns", [2, 5], "list", item=Field("ns", 2, "int", 2, 20), most=5)
    link = links.read(
        Page("p", "P", (seeds, ns)), {"seeds": "99", "ns": "2,x", "zzz": "1"}
    )
    values, preset, warnings = link.values, link.preset, link.warnings
    assert values == {"seeds": 5, "ns": [2, 5]}
    assert preset == "custom"
    assert "seeds = '99'" in warnings[0]
    assert "[1, 20]" in warnings[0]
    assert "using seeds = 5" in warnings[0]
    assert "ns = '2,x'" in warnings[1]
    assert "using ns = 2,5" in warnings[1]
    assert "zzz" in warnings[2]


def test_a_preset_then_explicit_values_and_a_round_trip():
    link = links.read(PHASES, {"preset": "large-sigma", "seed": "7"})
    values, preset, warnings = link.values, link.preset, link.warnings
    assert not warnings
    assert preset == "custom"
    assert values["sigma"] == 1.0
    assert values["seed"] == 7
    again = links.read(PHASES, links.write(PHASES, values)).values
    assert again == values


def test_a_plus_sign_decoded_as_a_space_still_names_toy_3_plus_eps():
    link = links.read(TOYS, {"preset": "toy3 eps"})
    assert link.values["preset"] == "toy3+eps"
    assert not link.warnings


def test_link_reference_lists_every_name_of_every_story_page():
    table = link_reference()
    for page, declared in (("Compare", COMPARE), ("Phases", PHASES)):
        names = set(table[table.page == page].name)
        assert {f.name for f in declared.fields} | {"preset"} <= names
    assert set(table[table.page == "Toy cases"].name) == {"preset", "n"}
    assert {"n", "sigma", "preset"} <= set(table[table.page == "Explore"].name)
    assert "classroom" in set(table.name)


def test_one_students_h_prediction_stops_at_the_rounding_floor():
    """n = 1 has no T2: H falls to the floor, and the prediction stops there
    instead of running on to 1e-300 over the whole run."""
    run = phase_run(n=1, d=20, sigma=1e-4, eta=0.01, steps=200_000, seed=0)
    fig = h_decay_figure(run.frame, run.trajectory.config, run.phases)
    _, predicted = fig.data
    assert min(predicted.y) >= 1e-13 * predicted.y[0]
    assert fig.layout.xaxis.range[1] < run.phases.t_end / 2

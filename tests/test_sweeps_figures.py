"""Sweeps heatmap builders: pure functions, checked on real and hand-made tables."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from neuronlab import sweep
from neuronlab.analysis.summary import SUMMARY_COLUMNS
from neuronlab.runs.sweep import CONFIG_COLUMNS
from ui import links
from ui.fields import SWEEPS
from ui.figures.sweep import STATES, sweep_cells, sweep_heatmap
from ui.figures.sweep_marks import stability_edges
from ui.sweep_plan import SweepPlan, plan_of


def plan_of_link(query) -> SweepPlan:
    return plan_of(links.read(SWEEPS, query).values)


COLUMNS = [*CONFIG_COLUMNS, *SUMMARY_COLUMNS]


@pytest.fixture(scope="module")
def default():
    """The page's default sweep (6 short runs) and its table."""
    plan = plan_of_link({})
    return plan, sweep(plan.configs(), workers=1)


def table_of(plan: SweepPlan, **by_index) -> pd.DataFrame:
    """Rows for plan.configs(); by_index[i] = summary fields of run i (others: none)."""
    rows = [
        config.to_dict() | {"status": "completed", "message": ""} | by_index[f"r{i}"]
        for i, config in enumerate(plan.configs())
        if f"r{i}" in by_index
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def test_default_heatmap_colours_log10_of_the_final_loss(default):
    plan, table = default
    fig = sweep_heatmap(table, plan)
    values, overlay = fig.data
    assert {t.type for t in fig.data} == {"heatmap"}  # no WebGL trace
    z = np.array(values.z, dtype=float)
    assert z.shape == (2, 3)
    expected = np.log10(table.final_loss.to_numpy().reshape(2, 3))
    np.testing.assert_array_equal(z, expected)
    assert np.isnan(np.array(overlay.z, dtype=float)).all()
    assert list(values.x) == ["1", "2", "5"]
    assert list(values.y) == ["0.01", "0.1"]
    assert fig.layout.xaxis.title.text == "students n"
    assert fig.layout.yaxis.type == "category"


def test_hover_names_the_cell_and_its_value(default):
    plan, table = default
    cells = sweep_cells(table, plan)
    assert cells.hover[0, 1].startswith("n = 2, σ = 0.01<br>final loss L(T): ")
    assert cells.text[0, 1] == f"{table.final_loss[1]:.3g}"
    assert (cells.state == "").all()


def test_log_colour_bar_labels_decades_as_powers_of_ten(default):
    plan, table = default
    bar = sweep_heatmap(table, plan).data[0].colorbar
    assert bar.ticktext[0].startswith("10⁻")
    assert all(float(t).is_integer() for t in bar.tickvals)


def test_cells_fill_in_as_rows_arrive(default):
    plan, table = default
    cells = sweep_cells(table.iloc[:2], plan)
    assert list(cells.state[0]) == ["", "", "running"]
    assert (cells.state[1] == "running").all()
    overlay = np.array(sweep_heatmap(table.iloc[:2], plan).data[1].z, dtype=float)
    assert overlay[1, 0] == STATES["running"][0]
    assert np.isnan(overlay[0, 0])


def test_empty_table_draws_a_grid_of_running_cells(default):
    plan, table = default
    fig = sweep_heatmap(table.iloc[:0], plan)
    assert np.isnan(np.array(fig.data[0].z, dtype=float)).all()
    assert (sweep_cells(table.iloc[:0], plan).state == "running").all()


def mixed_row() -> tuple[SweepPlan, pd.DataFrame]:
    """One row of three cells: a value, never, diverged."""
    plan = plan_of_link({"summary": "t_below_1e-9", "ys": "0.1"})
    table = table_of(
        plan,
        r0={"t_below_1e-9": 20.0},
        r1={"t_below_1e-9": np.nan},
        r2={"status": "diverged", "message": "diverged at step 7: eta above 4/n"},
    )
    return plan, table


def test_diverged_never_and_failed_cells_say_so():
    plan, table = mixed_row()
    invalid = plan.configs()[0].to_dict() | {"status": "invalid", "message": "bad n"}
    cells = sweep_cells(table, plan)
    assert list(cells.state[0]) == ["", "never", "diverged"]
    assert list(cells.text[0]) == ["20", "never", "diverged"]
    assert "4/n" in cells.hover[0, 2]
    only_invalid = pd.DataFrame([invalid], columns=COLUMNS)
    assert sweep_cells(only_invalid, plan).state[0, 0] == "failed"
    assert "bad n" in sweep_cells(only_invalid, plan).hover[0, 0]


def test_seeds_are_summarised_by_their_median_and_range():
    plan = plan_of_link({"xs": "1", "ys": "0.1", "seeds": "3"})
    table = table_of(
        plan, r0={"final_loss": 1e-9}, r1={"final_loss": 2e-9}, r2={"final_loss": 1e-6}
    )
    cells = sweep_cells(table, plan)
    assert cells.value[0, 0] == pytest.approx(2e-9)
    assert "median of 3 seeds (range 1e-09 to 1e-06)" in cells.hover[0, 0]
    assert "median of 3 seeds" in sweep_heatmap(table, plan).layout.title.text


def test_a_diverging_summary_is_centred_on_the_theorys_value(default):
    plan, table = default
    plan = dataclasses.replace(plan, summary="tail_exponent")
    trace = sweep_heatmap(table, plan).data[0]
    assert trace.zmid == -3.0
    assert trace.colorbar.tickvals is None  # linear values: plotly's own ticks
    # n = 1 sits at the float floor (its fitted slope ~1e-14): it is marked, and
    # the colours span the n >= 2 cells only.
    cells = sweep_cells(table, plan)
    assert list(cells.state[:, 0]) == ["exponential", "exponential"]
    assert cells.text[0, 0] == "exponential"
    assert "n = 1 converges exponentially; fit 0" in cells.hover[0, 0]
    z = np.array(trace.z, dtype=float)
    assert np.isnan(z[:, 0]).all()
    assert np.isfinite(z[:, 1:]).all()
    assert "exponential: n = 1 has no t⁻³ tail" in [
        t.name for t in legend_traces(plan, table)
    ]


def legend_traces(plan, table):
    return [t for t in sweep_heatmap(table, plan).data if t.type == "scatter"]


def test_cells_without_a_value_have_a_legend():
    plan, table = mixed_row()
    fig = sweep_heatmap(table, plan)
    names = [t.name for t in fig.data if t.type == "scatter"]
    assert names == ["diverged (η above about 4/n)", "never: not within T steps"]
    assert fig.layout.showlegend
    assert [t.marker.color for t in fig.data if t.type == "scatter"] == [
        STATES["diverged"][1],
        STATES["never"][1],
    ]


def test_a_complete_map_of_values_has_no_legend(default):
    plan, table = default
    fig = sweep_heatmap(table, plan)
    assert len(fig.data) == 2
    assert not fig.layout.showlegend
    assert not fig.layout.shapes  # an n x sigma map: no eta = 4/n line


@pytest.mark.parametrize("swap", [False, True], ids=["n across", "eta across"])
def test_n_by_eta_maps_draw_the_4_over_n_boundary(swap):
    axes = {"x": "eta", "y": "n"} if swap else {"x": "n", "y": "eta"}
    plan = plan_of_link(
        axes
        | {"xs" if swap else "ys": "0.1,0.5,1,2"}
        | {"ys" if swap else "xs": "1,2,5"}
    )
    fig = sweep_heatmap(table_of(plan), plan)
    ns, etas = (plan.ys, plan.xs) if swap else (plan.xs, plan.ys)
    assert list(ns) == [1, 2, 5]
    assert list(etas) == [0.1, 0.5, 1.0, 2.0]
    (shape,) = fig.layout.shapes
    # Borders between cells: n = 1 below eta = 4 (above every row), n = 2 between
    # eta = 1 and 2 (4/n = 2 diverges), n = 5 between 0.5 and 1 (4/5 = 0.8).
    edges = stability_edges(ns, etas)
    assert edges == [3.5, 2.5, 1.5]
    points = [tuple(map(float, p.split(","))) for p in shape.path[2:].split(" L ")]
    heights = [p[0] if swap else p[1] for p in points]
    assert heights == [3.5, 3.5, 2.5, 2.5, 1.5, 1.5]
    assert "η = 4/n: where GD turns unstable" in [t.name for t in fig.data]


def test_the_boundary_needs_ascending_eta():
    assert stability_edges([2], [1.0, 0.5]) is None


def test_the_figure_keeps_zoom_across_redraws_of_one_sweep_only(default):
    plan, table = default
    same = sweep_heatmap(table.iloc[:3], plan).layout.uirevision
    assert sweep_heatmap(table, plan).layout.uirevision == same
    other = dataclasses.replace(plan, seeds=2)
    assert sweep_heatmap(table, other).layout.uirevision != same

"""Sweeps heatmap builders: pure functions, checked on real and hand-made tables."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from core import sweep
from core.summary import SUMMARY_COLUMNS
from core.sweep import CONFIG_COLUMNS
from core.sweep_plan import SweepPlan, plan_of
from ui import links
from ui.fields import SWEEPS
from ui.figures.sweep import STATES, sweep_cells, sweep_heatmap


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


def test_diverged_never_and_failed_cells_say_so():
    plan = plan_of_link({"summary": "t_below_1e-9", "ys": "0.1"})
    table = table_of(
        plan,
        r0={"t_below_1e-9": 20.0},
        r1={"t_below_1e-9": np.nan},
        r2={"status": "diverged", "message": "diverged at step 7: eta above 4/n"},
    )
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
    # n = 1 sits at the float floor: its fitted slope ~1e-14 reads 0, not -7.29e-15.
    assert sweep_cells(table, plan).text[0, 0] == "0"


def test_the_figure_keeps_zoom_across_redraws_of_one_sweep_only(default):
    plan, table = default
    same = sweep_heatmap(table.iloc[:3], plan).layout.uirevision
    assert sweep_heatmap(table, plan).layout.uirevision == same
    other = dataclasses.replace(plan, seeds=2)
    assert sweep_heatmap(table, other).layout.uirevision != same

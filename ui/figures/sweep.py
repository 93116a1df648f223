"""The Sweeps heatmap: pure functions (sweep table, plan) -> cells -> go.Figure.

A cell's value is the median of the chosen summary over the runs of that cell that
completed (seeds). A cell without a value is drawn by a second, flat heatmap that
says why: still running, diverged, never reached (e.g. L < 1e-9 not within T) or
failed. go.Heatmap draws an image, not WebGL, so headless browsers show it too.
"""

import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.figures.style import style
from ui.figures.sweep_marks import add_stability_boundary, add_state_legend
from ui.sweep_plan import AXES, SUMMARIES

# Cells without a value: (code, fill, cell text). Greys, told apart by their text.
STATES = {
    "running": (0, "#f0f2f6", "…"),
    "diverged": (1, "#595959", "diverged"),
    "never": (2, "#c8c8c8", "never"),
    "failed": (3, "#9e9e9e", "failed"),
    "exponential": (4, "#f3e6bf", "exponential"),
}
# n = 1 has no slow tail: its slope and C are fits to a loss at the float floor.
TAIL_SUMMARIES = ("tail_exponent", "tail_C")
SEQUENTIAL, DIVERGING = "Viridis", "RdBu_r"
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
MAX_DECADE_TICKS = 8
HOVER_WIDTH, HOVER_LINES = 60, 4
CELL_FONT_SIZE = 14  # read from the back of a classroom


@dataclass(frozen=True)
class Cells:
    """The plan's grid, rows = y values (ascending), columns = x values.

    value : (ny, nx) median summary, NaN where the cell has none.
    state : (ny, nx) "" where there is a value, else a key of STATES.
    text : (ny, nx) what the cell shows.  hover : (ny, nx) its hover readout.
    """

    value: np.ndarray
    state: np.ndarray
    text: np.ndarray
    hover: np.ndarray


def _number(value: float, log: bool = True) -> str:
    """3 significant digits; a linear summary also rounds to 3 decimals, so a slope
    of -7e-15 (a loss already at the float floor) reads 0."""
    return f"{value:.3g}" if log else f"{round(value, 3) + 0.0:.3g}"


def _wrapped(message) -> str:
    """An engine message as short hover lines (a long line runs off the chart)."""
    return "<br>".join(textwrap.wrap(str(message), HOVER_WIDTH)[:HOVER_LINES])


def _cell(rows: pd.DataFrame, summary, seeds: int) -> tuple[float, str, str]:
    """(value, state, extra hover lines) of one cell from its finished rows."""
    completed = rows[rows.status == "completed"]
    values = completed[summary.name].astype(float)
    values = values[np.isfinite(values)]
    notes = []
    if 0 < len(rows) < seeds:
        notes.append(f"running: {len(rows)} of {seeds} runs done")
    diverged = int((rows.status == "diverged").sum())
    if diverged:
        notes.append(f"{diverged} of {len(rows)} diverged")
    if len(values) > 1:
        low, high = (_number(v, summary.log) for v in (values.min(), values.max()))
        notes.append(f"{summary.reduce} of {len(values)} seeds (range {low} to {high})")
    if len(values):
        return float(values.agg(summary.reduce)), "", "<br>".join(notes)
    if rows.empty:
        state = "running"
    elif diverged:
        state = "diverged"
        notes.append(_wrapped(rows[rows.status == "diverged"].message.iloc[0]))
    elif len(completed):
        state = "never"
    else:
        state = "failed"
        notes.append(_wrapped(rows.message.iloc[0]))
    return float("nan"), state, "<br>".join(notes)


def sweep_cells(table: pd.DataFrame, plan) -> Cells:
    """Aggregate finished rows (neuronlab.runs.sweep's columns) into the plan's cells."""
    shape = (len(plan.ys), len(plan.xs))
    value = np.full(shape, np.nan)
    state = np.full(shape, "", dtype=object)
    text = np.full(shape, "", dtype=object)
    hover = np.full(shape, "", dtype=object)
    summary = SUMMARIES[plan.summary]
    x_axis, y_axis = AXES[plan.x], AXES[plan.y]
    groups = dict(iter(table.groupby([plan.y, plan.x], sort=False)))
    for i, yv in enumerate(plan.ys):
        for j, xv in enumerate(plan.xs):
            rows = groups.get((yv, xv), table.iloc[:0])
            cell, kind, notes = _cell(rows, summary, plan.seeds)
            if _no_tail(summary, kind, _n(plan, xv, yv)):
                fit = f"; fit {_number(cell, summary.log)}" if not kind else ""
                notes = f"n = 1 converges exponentially{fit}"
                cell, kind = float("nan"), "exponential"
            value[i, j], state[i, j] = cell, kind
            shown = _number(cell, summary.log)
            text[i, j] = STATES[kind][2] if kind else shown
            where = f"{x_axis.symbol} = {value_label(xv)}, {y_axis.symbol} = {value_label(yv)}"
            readout = f"{summary.label}: {kind or shown}"
            hover[i, j] = "<br>".join(filter(None, [where, readout, notes]))
    return Cells(value, state, text, hover)


def _n(plan, xv, yv) -> int:
    """The n of the cell at (xv, yv)."""
    return xv if plan.x == "n" else yv if plan.y == "n" else plan.base.n


def _no_tail(summary, kind: str, n: int) -> bool:
    """A tail summary of an n = 1 cell: a fit to a loss at the float floor."""
    return n == 1 and kind in ("", "never") and summary.name in TAIL_SUMMARIES


def _log_ticks(z: np.ndarray) -> dict:
    """Colour-bar ticks for log10 values: decades as 10ⁿ, or 3 values in between."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return {}
    low, high = float(finite.min()), float(finite.max())
    decades = np.arange(np.ceil(low), np.floor(high) + 1)
    if len(decades) >= 2:
        step = int(np.ceil(len(decades) / MAX_DECADE_TICKS))
        ticks = decades[::step]
        labels = ["10" + str(int(t)).translate(SUPERSCRIPT) for t in ticks]
    else:
        ticks = np.linspace(low, high, 3) if high > low else np.array([low])
        labels = [_number(10.0**t) for t in ticks]
    return {"tickvals": list(ticks), "ticktext": labels}


def value_label(value) -> str:
    """A number short (%g), a choice (an activation, an optimiser) as named."""
    return value if isinstance(value, str) else f"{value:g}"


def _labels(values) -> list[str]:
    return [value_label(v) for v in values]


def sweep_heatmap(table: pd.DataFrame, plan) -> go.Figure:
    """The plan's grid coloured by its summary, with values in the cells and a hover
    readout per cell; cells that are running, diverged, never or failed in grey."""
    cells = sweep_cells(table, plan)
    summary = SUMMARIES[plan.summary]
    x, y = _labels(plan.xs), _labels(plan.ys)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.log10(cells.value) if summary.log else cells.value
    z = np.where(np.isfinite(z), z, np.nan)
    colour_bar = {"title": {"text": summary.short, "side": "right"}, "thickness": 14}
    if summary.log:
        colour_bar |= _log_ticks(z)
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            x=x,
            y=y,
            z=z,
            text=cells.text,
            texttemplate="%{text}",
            textfont={"size": CELL_FONT_SIZE},
            customdata=cells.hover,
            hovertemplate="%{customdata}<extra></extra>",
            hoverongaps=False,
            colorscale=SEQUENTIAL if summary.mid is None else DIVERGING,
            zmid=summary.mid,
            colorbar=colour_bar,
            xgap=2,
            ygap=2,
            name=summary.label,
        )
    )
    fig.add_trace(_state_trace(cells, x, y))
    title = f"{summary.label}" + (
        f" ({summary.reduce} of {plan.seeds} seeds)" if plan.seeds > 1 else ""
    )
    fills = {state: fill for state, (_, fill, _) in STATES.items()}
    legend = add_state_legend(fig, cells.state.ravel(), fills)
    legend += add_stability_boundary(fig, plan)
    height = min(620, max(300, 90 + 64 * len(plan.ys)))
    style(fig, title, revision_of(plan), rows=min(legend, 2), height=height)
    ticks = {"type": "category", "showgrid": False, "tickfont": {"size": 13}}
    fig.update_xaxes(title=AXES[plan.x].label, **ticks)
    fig.update_yaxes(title=AXES[plan.y].label, **ticks)
    return fig


def _state_trace(cells: Cells, x: list[str], y: list[str]) -> go.Heatmap:
    """Flat grey cells (one shade per state) where there is no value to colour."""
    codes = np.vectorize(lambda s: STATES[s][0] if s else np.nan, otypes=[float])(
        cells.state
    )
    top = max(code for code, _, _ in STATES.values())
    scale = [[code / top, fill] for code, fill, _ in STATES.values()]
    return go.Heatmap(
        x=x,
        y=y,
        z=codes,
        text=np.where(cells.state != "", cells.text, ""),
        texttemplate="%{text}",
        textfont={"size": CELL_FONT_SIZE},
        customdata=cells.hover,
        hovertemplate="%{customdata}<extra></extra>",
        hoverongaps=False,
        colorscale=scale,
        zmin=0,
        zmax=top,
        showscale=False,
        xgap=2,
        ygap=2,
        name="no value",
    )


def revision_of(plan) -> str:
    """uirevision: zoom survives live redraws, resets on another sweep or summary."""
    return f"{plan.key}|{plan.summary}"

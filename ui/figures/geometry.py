"""Chart 6: teacher and students in the plane of v̄ and the main orthogonal direction.

Every record is an animation frame played in the browser (Play / Pause and a
slider, no reruns). Axes are fixed over the whole run by default, so students that
align with v̄ are seen to land on it; `follow` rescales them per record instead.
Each student leaves a trail of its path so far. At most MAX_FRAMES records become
frames (evenly spaced, the last one always), which keeps the figure small.
"""

import numpy as np
import plotly.graph_objects as go

from neuronlab.analysis.geometry import main_orthogonal_direction, plane_coordinates
from ui.figures.palette import TEACHER_COLOUR, student_colours
from ui.figures.style import (
    legend_rows,
    revision_key,
    show_student_legend,
    student_name,
    style,
)

GEOMETRY_HEIGHT = 560
# The direction u is fitted on at most this many records: SGD coords live in R^d.
DIRECTION_RECORDS = 30
MAX_FRAMES = 80
MAX_MOVING = 800  # traces over all frames: ~0.3 s to build
FRAME_MS = 120
# Under the plot, in px from its bottom edge: the x axis (ticks and title, ~50),
# the slider from SLIDER_PX (its value, rail and tick labels, ~80), the Play /
# Pause buttons from MENU_PX (~34), then the legend.
SLIDER_PX, MENU_PX, PLAYER_PX = 60, 152, 196


def _segment(x, y, name, colour, width, marker, legend, hover) -> dict:
    """A segment from the origin to (x, y) with a marker at its tip."""
    return {
        "type": "scatter",
        "x": [0.0, x],
        "y": [0.0, y],
        "mode": "lines+markers",
        "name": name,
        "line": {"color": colour, "width": width},
        "marker": {"size": [0, 9], "symbol": marker},
        "showlegend": legend,
        "hovertemplate": hover,
    }


def _short(a: np.ndarray) -> list[float]:
    """4 significant digits (a megabyte of frames shrinks ~3x; drawn, not read)."""
    a = np.asarray(a, dtype=float)
    with np.errstate(divide="ignore"):
        scale = 10.0 ** (3 - np.floor(np.log10(np.abs(a))))
    scale = np.where(np.isfinite(scale), scale, 1.0)
    return (np.round(a * scale) / scale).tolist()


def _trail(path: np.ndarray, colour: str, name: str) -> dict:
    """A student's path (h, along u) over the records so far: (r, 2)."""
    return {
        "type": "scatter",
        "x": _short(path[:, 0]),
        "y": _short(path[:, 1]),
        "mode": "lines",
        "name": f"{name} path",
        "line": {"color": colour, "width": 1, "dash": "dot"},
        "opacity": 0.6,
        "showlegend": False,
        "hoverinfo": "skip",
    }


def axis_ranges(plane: np.ndarray, teacher_norm: float) -> tuple[list, list]:
    """Ranges covering every point of `plane` (..., n, 3), the origin and v."""
    x_low = min(0.0, float(plane[..., 0].min()))
    x_high = max(teacher_norm, float(plane[..., 0].max()))
    pad = 0.08 * (x_high - x_low)
    y_span = max(float(np.abs(plane[..., 1]).max()) * 1.15, 1e-300)
    return [x_low - pad, x_high + pad], [-y_span, y_span]


def frame_records(records: int, n: int) -> np.ndarray:
    """Indices of the records that become frames: all, or evenly spaced ones (first
    and last included), at most MAX_FRAMES and MAX_MOVING traces in all (2n a frame)."""
    most = max(2, min(MAX_FRAMES, MAX_MOVING // (2 * n)))
    return np.unique(np.linspace(0, records - 1, min(records, most)).round()).astype(
        int
    )


def _traces(plane: np.ndarray, index: int, config) -> list[dict]:
    """Teacher, trails up to record `index`, students at it. plane : (R, n, 3)."""
    legend = show_student_legend(config.n)
    hover = "teacher v<extra></extra>"
    teacher = _segment(
        config.teacher_norm,
        0.0,
        "teacher v",
        TEACHER_COLOUR,
        3,
        "diamond",
        legend,
        hover,
    )
    colours = student_colours(config.n)
    names = [student_name(i) for i in range(1, config.n + 1)]
    trails = [
        _trail(plane[: index + 1, i, :2], colour, name)
        for i, (colour, name) in enumerate(zip(colours, names, strict=True))
    ]
    students = []
    for (h, along, off), colour, name in zip(plane[index], colours, names, strict=True):
        hover = (
            f"{name}<br>h %{{x:.4g}}<br>along u %{{y:.4g}}<br>"
            "off the plane %{customdata:.3g}<extra></extra>"
        )
        segment = _segment(h, along, name, colour, 2, "circle", legend, hover)
        students.append(segment | {"customdata": [off, off]})
    return [teacher, *trails, *students]


def _moving(traces: list[dict]) -> list[dict]:
    """What a frame changes (Plotly merges it into the traces drawn): the teacher
    stays, trails and students move."""
    keep = ("x", "y", "customdata")
    return [{k: t[k] for k in keep if k in t} for t in traces[1:]]


def _player(labels: list[str]) -> tuple[list, list]:
    """(updatemenus, sliders): Play / Pause and a slider over the frames."""
    play = {"frame": {"duration": FRAME_MS, "redraw": False}, "fromcurrent": True}
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}
    buttons = [
        {"label": "▶ Play", "method": "animate", "args": [None, play]},
        {"label": "❚❚ Pause", "method": "animate", "args": [[None], pause]},
    ]
    menu = {"type": "buttons", "direction": "left", "buttons": buttons}
    # Under the slider, not beside it: a half-width chart has no room for both.
    menu |= {"x": 0.0, "y": 0.0, "xanchor": "left", "yanchor": "top"}
    menu |= {"pad": {"t": MENU_PX}, "showactive": False}
    steps = [
        {"label": label, "method": "animate", "args": [[label], pause]}
        for label in labels
    ]
    slider = {"steps": steps, "active": len(steps) - 1, "x": 0.0, "len": 1.0}
    slider |= {"y": 0.0, "yanchor": "top", "pad": {"t": SLIDER_PX}}
    slider |= {"currentvalue": {"prefix": "step "}, "transition": {"duration": 0}}
    return [menu], [slider]


def geometry_figure(
    coords: np.ndarray,
    steps: np.ndarray,
    config,
    follow: bool = False,
    animate: bool = True,
) -> go.Figure:
    """The students at every record, in one plane fixed for the whole run; the
    figure shows the last record, its frames the others.

    coords : (R, n, k) reduced coordinates (first axis v̄); steps : (R,).
    follow : axes rescale to each record (else fixed, covering all of them).
    animate : frames and a player (a live run: only the last record, no frames).
    """
    sample = np.unique(np.linspace(0, len(steps) - 1, DIRECTION_RECORDS).round())
    u = main_orthogonal_direction(coords[sample.astype(int)])
    plane = plane_coordinates(coords, u)
    chosen = frame_records(len(steps), config.n) if animate else [len(steps) - 1]
    labels = [f"{int(steps[i]):,}" for i in chosen]
    frames = []
    for index, label in zip(chosen, labels, strict=animate):
        frame = {"name": label, "data": _moving(_traces(plane, index, config))}
        frame["traces"] = list(range(1, 2 * config.n + 1))
        if follow:
            x_range, y_range = axis_ranges(plane[index], config.teacher_norm)
            frame["layout"] = {"xaxis": {"range": x_range}, "yaxis": {"range": y_range}}
        frames.append(frame)
    last = chosen[-1]
    fig = go.Figure(
        data=_traces(plane, last, config), frames=frames if animate else None
    )
    whole = plane[last] if follow else plane
    x_range, y_range = axis_ranges(whole, config.teacher_norm)
    fig.update_xaxes(title="along v̄ (h<sub>i</sub>)", range=x_range, zeroline=True)
    fig.update_yaxes(title="main orthogonal direction u", range=y_range, zeroline=True)
    rows = legend_rows(config.n + 1) if show_student_legend(config.n) else 0
    style(
        fig,
        "Students in the plane of v̄ and u",  # the slider says which step
        revision_key(config),
        rows=rows,
        height=GEOMETRY_HEIGHT + (PLAYER_PX if animate else 0),
    )
    if animate:  # the plot keeps its height; the player and legend go below it
        menus, sliders = _player(labels)
        fig.update_layout(updatemenus=menus, sliders=sliders)
        fig.update_layout(margin={"b": PLAYER_PX + 22 * rows + 10})
    return fig

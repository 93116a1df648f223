"""Chart 6: teacher and students in the plane of v̄ and the main orthogonal direction.

One record per figure: the page scrubs time with a slider that redraws only this
chart (Plotly animation frames cost ~0.5 s to build and serialise per run).
"""

import numpy as np
import plotly.graph_objects as go

from core.geometry import main_orthogonal_direction, plane_coordinates
from ui.figures.style import (
    TEACHER_COLOUR,
    legend_rows,
    revision_key,
    show_student_legend,
    student_colours,
    student_name,
    style,
)

GEOMETRY_HEIGHT = 420
# The direction u is fitted on at most this many records: SGD coords live in R^d.
DIRECTION_RECORDS = 30


def _segment(x, y, name, colour, width, marker, legend, hover) -> go.Scatter:
    """A segment from the origin to (x, y) with a marker at its tip."""
    return go.Scatter(
        x=[0.0, x],
        y=[0.0, y],
        mode="lines+markers",
        name=name,
        line={"color": colour, "width": width},
        marker={"size": [0, 9], "symbol": marker},
        showlegend=legend,
        hovertemplate=hover,
    )


def _ranges(plane: np.ndarray, config) -> tuple[list, list]:
    """Axis ranges for one record: y rescales because z_i shrinks like 1/t."""
    x_low = min(0.0, plane[:, 0].min())
    x_high = max(config.teacher_norm, plane[:, 0].max())
    pad = 0.08 * (x_high - x_low)
    y_span = max(np.abs(plane[:, 1]).max() * 1.25, 1e-300)
    return [x_low - pad, x_high + pad], [-y_span, y_span]


def geometry_figure(
    coords: np.ndarray, steps: np.ndarray, index: int, config
) -> go.Figure:
    """The students at record `index`, in one plane fixed for the whole run.

    coords : (R, n, k) reduced coordinates (first axis v̄); steps : (R,).
    """
    sample = np.unique(np.linspace(0, len(steps) - 1, DIRECTION_RECORDS).round())
    u = main_orthogonal_direction(coords[sample.astype(int)])
    plane = plane_coordinates(coords[index], u)
    step = int(steps[index])
    legend = show_student_legend(config.n)
    traces = [
        _segment(
            config.teacher_norm,
            0.0,
            "teacher v",
            TEACHER_COLOUR,
            3,
            "diamond",
            legend,
            "teacher v<extra></extra>",
        )
    ]
    for i, ((h, along, off), colour) in enumerate(
        zip(plane, student_colours(config.n), strict=True), start=1
    ):
        name = student_name(i)
        hover = (
            f"{name}<br>h %{{x:.4g}}<br>along u %{{y:.4g}}<br>"
            f"off the plane {off:.3g}<extra></extra>"
        )
        traces.append(_segment(h, along, name, colour, 2, "circle", legend, hover))
    fig = go.Figure(data=traces)
    x_range, y_range = _ranges(plane, config)
    fig.update_xaxes(title="along v̄ (h<sub>i</sub>)", range=x_range, zeroline=True)
    fig.update_yaxes(title="main orthogonal direction u", range=y_range, zeroline=True)
    rows = legend_rows(config.n + 1) if legend else 0
    return style(
        fig,
        f"Students in the plane of v̄ and u, at step {step:,}",
        revision_key(config),
        rows=rows,
        height=GEOMETRY_HEIGHT,
    )

"""Several teachers (m > 1, beyond-notes §5): the paper's θᵢ, h_max/h_min, H and
Z are defined for one teacher, so these charts show their per-teacher analogues
from neuronlab.analysis.metrics.teacher_row: each student's angle to its nearest teacher, the
share of each teacher's norm its students carry, and who is nearest to whom.

Pure functions: `frame` is `Trajectory.metrics`, `config` the run's RunConfig.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.figures.palette import GUIDE_COLOUR, teacher_colours
from ui.figures.style import (
    add_students,
    legend_rows,
    line_trace,
    revision_key,
    set_axes,
    show_student_legend,
    student_name,
    style,
)


def teacher_name(j: int) -> str:
    """v₁, v₂, … (j is 1-based), as students are w₁, w₂, …"""
    return "v" + student_name(j)[1:]


def nearest_at_end(frame: pd.DataFrame, n: int) -> list[int]:
    """The teacher (1..m) nearest each student at the last record."""
    return [int(frame[f"nearest_teacher_{i}"].iloc[-1]) for i in range(1, n + 1)]


def teacher_angles_figure(frame: pd.DataFrame, config):
    """Each student's angle to its nearest teacher, log-log; the legend says
    which teacher that is at the last record (w₁ → v₂)."""
    fig = go.Figure()
    add_students(fig, frame, "theta_nearest", config.n, True)
    for trace, j in zip(fig.data, nearest_at_end(frame, config.n), strict=True):
        trace.name = f"{trace.name} → {teacher_name(j)}"
    set_axes(fig, config, True, True, "angle to the nearest teacher (rad)")
    rows = legend_rows(config.n) if show_student_legend(config.n) else 0
    return style(fig, "Angle to the nearest teacher", revision_key(config), rows)


def teacher_shares_figure(frame: pd.DataFrame, config):
    """share_j = Σ⟨wᵢ, v̄_j⟩/‖v_j‖ over the students nearest v_j: 1 when they carry
    the teacher exactly (the per-teacher analogue of H = ‖v‖ − Σhᵢ)."""
    fig = go.Figure()
    m = config.teachers
    for j, colour in enumerate(teacher_colours(m), start=1):
        fig.add_trace(
            line_trace(
                frame["time"],
                frame[f"share_{j}"],
                teacher_name(j),
                colour,
                frame["step"],
                False,
            )
        )
    fig.add_hline(
        y=1,
        line={"color": GUIDE_COLOUR, "dash": "dot", "width": 1},
        showlegend=True,
        name="carried exactly",
    )
    set_axes(fig, config, True, False, "share of ‖v<sub>j</sub>‖ carried")
    return style(
        fig, "Share of each teacher carried", revision_key(config), legend_rows(m + 1)
    )


def nearest_teacher_figure(frame: pd.DataFrame, config):
    """Each student's nearest teacher (1..m) over time, offset a little per
    student so that students sharing a teacher stay visible."""
    fig = go.Figure()
    n, m = config.n, config.teachers
    offsets = 0.3 * (np.arange(n) - (n - 1) / 2) / max(n, 1)
    for i, offset in enumerate(offsets, start=1):
        frame = frame.assign(**{f"near_{i}": frame[f"nearest_teacher_{i}"] + offset})
    add_students(fig, frame, "near", n, True)
    fig.update_traces(line_shape="hv")
    set_axes(fig, config, True, False, "nearest teacher")
    fig.update_yaxes(
        tickvals=list(range(1, m + 1)),
        ticktext=[teacher_name(j) for j in range(1, m + 1)],
        range=[0.5, m + 0.5],
    )
    rows = legend_rows(n) if show_student_legend(n) else 0
    return style(fig, "Nearest teacher of each student", revision_key(config), rows)

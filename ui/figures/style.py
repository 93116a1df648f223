"""Layout and line traces shared by every chart (colours: ui.figures.palette)."""

import numpy as np
import plotly.graph_objects as go

from ui.figures.palette import QUALITATIVE_MAX, student_colours

CHART_HEIGHT = 330


def show_student_legend(n: int) -> bool:
    """A legend helps up to 10 students; beyond, colour encodes the index."""
    return n <= QUALITATIVE_MAX


def finite_positive(x: np.ndarray, y: np.ndarray, positive: bool) -> np.ndarray:
    """Mask of points a chart may draw: finite, and > 0 on log axes.

    NaN marks undefined quantities (h_min <= 0, Z = 0, t = 0); they must not
    reach a chart, and log axes cannot show zero.
    """
    mask = np.isfinite(x) & np.isfinite(y)
    if positive:
        mask &= (x > 0) & (y > 0)
    return mask


def time_label(method: str) -> str:
    """Axis title for time: GD and SGD count t = eta * steps, flow is continuous."""
    return "t" if method == "flow" else "t = η · step"


def legend_rows(entries: int) -> int:
    """Rows a horizontal legend needs in a half-width chart (about 6 per row)."""
    return 0 if entries == 0 else -(-entries // 6)


def style(
    fig: go.Figure, title: str, revision: str, rows: int, height: int = CHART_HEIGHT
) -> go.Figure:
    """Shared layout: the title on top, the plot, then `rows` legend rows under it.

    Title and legend are placed in container pixels, the legend horizontal below
    the x axis: it never runs into the title, and a narrow chart keeps its whole
    width for the plot. `revision` keeps zoom across live redraws.
    """
    title_px, row_px, axis_px = 34, 22, 48
    # Labels just above a plot (phase numbers) need a line between it and the title.
    above = any(a.y == 1 and a.yanchor == "bottom" for a in fig.layout.annotations)
    title_px += 18 * above
    fig.update_layout(
        title={
            "text": title,
            "x": 0.0,
            "xanchor": "left",
            "font": {"size": 15},
            "yref": "container",
            "y": 1.0,
            "yanchor": "top",
            "pad": {"t": 10},
        },
        height=height,
        margin={"l": 10, "r": 10, "t": title_px + 6, "b": axis_px + row_px * rows},
        # No plotly template: st.plotly_chart applies the app's theme, and copying
        # a template costs ~90 ms per figure.
        uirevision=revision,
        hovermode="closest",
        showlegend=rows > 0,
        legend={
            "orientation": "h",
            "x": 0.0,
            "xanchor": "left",
            "font": {"size": 12},
            "yref": "container",
            "y": 0.0,
            "yanchor": "bottom",
        },
    )
    # Room for tick labels and axis titles on every axis, as Streamlit's theme
    # gives on screen: without it a file (HTML, PDF) clips 10⁻³ to "-3".
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def revision_key(config) -> str:
    """uirevision for a run: zoom survives live redraws, resets on a new config."""
    return "|".join(f"{k}={v}" for k, v in sorted(config.to_dict().items()))


def student_name(i: int) -> str:
    """Short legend name w₁, w₂, … (i is 1-based): ten fit on one legend line."""
    return "w" + str(i).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def line_trace(x, y, name, colour, steps, log, dash=None, group=None, legend=True):
    """One SVG line with a hover naming the series, the step and the value."""
    keep = finite_positive(np.asarray(x, float), np.asarray(y, float), log)
    return go.Scatter(
        x=np.asarray(x)[keep],
        y=np.asarray(y)[keep],
        customdata=np.asarray(steps)[keep],
        mode="lines",
        name=name,
        legendgroup=group or name,
        showlegend=legend,
        line={"color": colour, "width": 2, "dash": dash},
        hovertemplate=f"{name}<br>step %{{customdata:,}}<br>t %{{x:.4g}}<br>"
        "%{y:.4g}<extra></extra>",
    )


def add_students(fig, frame, prefix, n, log, **where):
    """Add one trace per student from columns prefix_1..prefix_n."""
    legend = show_student_legend(n) and where.get("col", 1) == 1
    for i, colour in enumerate(student_colours(n), start=1):
        name = student_name(i)
        trace = line_trace(
            frame["time"],
            frame[f"{prefix}_{i}"],
            name,
            colour,
            frame["step"],
            log,
            legend=legend,
        )
        fig.add_trace(trace, **where)


def note_no_potential(fig, **where) -> None:
    """Say in the middle of a Z panel why it is empty (n = 1: Z is identically 0).
    where: xref/yref (and row/col) of the panel."""
    fig.add_annotation(text="Z ≡ 0 for n = 1", showarrow=False, x=0.5, y=0.5, **where)


def set_axes(fig, config, log_x, log_y, y_title, **where):
    """Log or linear axes with titles; time on x for every chart of a run."""
    fig.update_xaxes(title=time_label(config.method), **axis_type(log_x), **where)
    fig.update_yaxes(title=y_title, **axis_type(log_y), **where)


def axis_type(log: bool) -> dict:
    """Log axes label decades only, as powers of ten: minor labels (2, 5) and SI
    prefixes (µ, p) crowd and mislead there."""
    if log:
        return {"type": "log", "exponentformat": "power", "minorloglabels": "none"}
    return {"type": "linear"}

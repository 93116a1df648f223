"""The three phases shaded the same way on every time axis (paper notes §5).

`intervals` is `neuronlab.analysis.phases.Phases.intervals()`: (name, start, end) in time t.
"""

import numpy as np
import plotly.graph_objects as go

from neuronlab.analysis.phases import ALIGNED, LINEAR_SHARE

PHASE_COLOURS = {
    "alignment": "rgba(255, 169, 14, 0.16)",
    "H decay": "rgba(63, 144, 218, 0.14)",
    "slow (T^-3)": "rgba(131, 45, 182, 0.09)",
}
PHASE_LABELS = {"alignment": "①", "H decay": "②", "slow (T^-3)": "③"}
MIN_LABEL_SHARE = 0.06
THRESHOLDS = (
    f"Phases detected from the run itself: ① alignment until θ_max ≤ {ALIGNED:g} rad; "
    f"② H decay while ¼‖r‖² ≥ {LINEAR_SHARE:g}·L; ③ slow phase (n ≥ 2) once the "
    "angular terms carry most of the loss."
)


def shade_phases(
    fig: go.Figure,
    intervals: list[tuple[str, float, float]],
    log_x: bool,
    t_min: float,
    row: int | None = None,
    col: int | None = None,
    label: bool = True,
) -> go.Figure:
    """Shade each phase under the traces and number it just above the plot (not
    inside it, where the numbers would sit on markers and curves).
    Call after the traces: plotly skips shapes on subplots that have none.

    t_min : the first time the axis shows (> 0 on a log axis, where 0 has no place).
    A phase narrower than MIN_LABEL_SHARE of the axis gets no number: on a linear
    axis ① and ② are slivers at the left, and their numbers would sit on each other.
    """
    where = {"row": row, "col": col} if row is not None else {}
    scale = np.log10 if log_x else (lambda x: x)
    ends = [end for _, _, end in intervals if np.isfinite(end)]
    span = scale(max(ends)) - scale(t_min) if ends else np.inf
    for name, start, end in intervals:
        start = max(start, t_min) if log_x else start
        if not end > start:
            continue
        fig.add_vrect(
            x0=start,
            x1=end,
            fillcolor=PHASE_COLOURS[name],
            line_width=0,
            layer="below",
            **where,
        )
        if label and scale(end) - scale(start) >= MIN_LABEL_SHARE * span:
            # Annotations on a log axis take log10(x); shapes take x itself.
            middle = np.sqrt(start * end) if log_x else (start + end) / 2
            fig.add_annotation(
                x=np.log10(middle) if log_x else middle,
                y=1,
                yref="y domain",  # row/col remap it to the subplot's axis
                yanchor="bottom",
                text=PHASE_LABELS[name],
                showarrow=False,
                font={"size": 12, "color": "#444444"},
                **where,
            )
    return fig


def first_positive_time(time: np.ndarray) -> float:
    """Left end of a log time axis: the first record after t = 0."""
    positive = np.asarray(time, float)
    positive = positive[positive > 0]
    return float(positive[0]) if positive.size else 1.0

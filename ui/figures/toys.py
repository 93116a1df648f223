"""Toy cases: the engine's loss with the analytic prediction drawn over it.

Pure functions of neuronlab.analysis.toys.ToyView (paper notes §7).
"""

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from neuronlab.analysis.toys import ToyView
from ui.figures.style import axis_type, line_trace, revision_key, set_axes, style

ENGINE, PREDICTION, PERTURBED = "#3f90da", "#1f1f1f", "#e76300"
# Power-law toys read on log-log axes; the linear (exponential) ones on log-linear.
LOG_TIME = {"toy1": True, "toy2": False, "toy3": False, "toy3+eps": True}
COLLAPSE_FIRST_STEPS = 8


def toy_figure(view: ToyView) -> go.Figure:
    """Loss of the run (solid) and the prediction (dashed) at the same records."""
    frame, config = view.frame, view.config
    log_t = LOG_TIME[view.name]
    fig = go.Figure()
    fig.add_trace(
        line_trace(frame["time"], frame["loss"], "engine", ENGINE, frame["step"], True)
    )
    fig.add_trace(
        line_trace(
            frame["time"],
            view.predicted,
            f"prediction: {view.toy.law}",
            PREDICTION,
            frame["step"],
            True,
            dash="dash",
        )
    )
    set_axes(fig, config, log_t, True, "loss L")
    return style(fig, "Loss: engine and prediction", revision_key(config), rows=1)


def collapse_figure(view: ToyView) -> go.Figure:
    """Remark 26: max ‖wᵢ‖ over the first steps (left) and the loss (right), for
    the exact start −c·v and the same start moved by 1e-16."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.14)
    runs = (
        ("exact −c·v", view.frame, ENGINE, None),
        ("moved by 1e-16", view.perturbed, PERTURBED, "dash"),
    )
    for name, frame, colour, dash in runs:
        first = frame[frame["step"] <= COLLAPSE_FIRST_STEPS]
        norms = line_trace(
            first["step"],
            first["norm_max"],
            name,
            colour,
            first["step"],
            False,
            dash=dash,
        )
        norms.update(mode="lines+markers")
        fig.add_trace(norms, row=1, col=1)
        later = frame[frame["step"] >= 1]
        loss = line_trace(
            later["step"],
            later["loss"],
            name,
            colour,
            later["step"],
            True,
            dash=dash,
            legend=False,
        )
        # Markers: the exact start has one positive loss (step 1), no line.
        loss.update(mode="lines+markers", marker={"size": 5})
        fig.add_trace(loss, row=1, col=2)
    fig.update_xaxes(title="step", dtick=1, row=1, col=1)
    fig.update_yaxes(title="max ‖w<sub>i</sub>‖", rangemode="tozero", row=1, col=1)
    fig.update_xaxes(title="step", **axis_type(True), row=1, col=2)
    fig.update_yaxes(title="loss L", **axis_type(True), row=1, col=2)
    fig.add_annotation(
        text="exact start: L = 0 from step 2<br>(no place on a log axis)",
        x=0.95,
        y=0.95,
        xref="x domain",
        yref="y domain",
        xanchor="right",
        yanchor="top",
        showarrow=False,
        font={"size": 12, "color": ENGINE},
        row=1,
        col=2,
    )
    return style(
        fig,
        "Remark 26: every neuron at 0 after one step",
        revision_key(view.config),
        rows=1,
    )

"""The Landscape page's charts, pure functions of a neuronlab.analysis.landscape_view.LandscapeView.

spectrum: every Hessian eigenvalue as |lambda| on a log axis, the sign as the
marker (a log axis has no 0 or negatives: zeros sit on the tolerance line,
counted in the legend); slice: L around the point through two directions, with
the run's path on it; escape: the loss of GD leaving a saddle both ways.
"""

import numpy as np
import plotly.graph_objects as go

from ui.figures.palette import ONE_COLOUR
from ui.figures.style import legend_rows, style

SIGNS = {  # name, colour, marker
    "negative": ("λ < 0", "#bd1f01", "triangle-down"),
    "zero": ("λ = 0 (within tolerance)", "#717581", "x"),
    "positive": ("λ > 0", "#3f90da", "circle"),
}
HEIGHT = 400


def _groups(values: np.ndarray, tolerance: float) -> dict[str, np.ndarray]:
    ranks = np.arange(1, len(values) + 1)
    return {
        "negative": ranks[values < -tolerance],
        "zero": ranks[np.abs(values) <= tolerance],
        "positive": ranks[values > tolerance],
    }


def spectrum_figure(view, revision: str) -> go.Figure:
    """|lambda| of all n d eigenvalues against their rank, the point's in colour,
    the n = 1 control's (if any) as black open circles (palette.ONE_COLOUR)."""
    fig = go.Figure()
    cp = view.cp
    for sign, ranks in _groups(cp.eigenvalues, cp.tolerance).items():
        if not len(ranks):
            continue
        name, colour, symbol = SIGNS[sign]
        shown = np.abs(cp.eigenvalues[ranks - 1])
        y = np.full(len(ranks), cp.tolerance) if sign == "zero" else shown
        fig.add_trace(
            go.Scatter(
                x=ranks,
                y=y,
                customdata=cp.eigenvalues[ranks - 1],
                mode="markers",
                name=f"{name}: {len(ranks)}",
                marker={"color": colour, "symbol": symbol, "size": 8},
                hovertemplate="rank %{x}<br>λ = %{customdata:.6g}<extra></extra>",
            )
        )
    if view.control is not None:
        control = view.control.eigenvalues
        fig.add_trace(
            go.Scatter(
                x=np.arange(1, len(control) + 1),
                y=np.abs(control),
                customdata=control,
                mode="markers",
                name=f"n = 1 global minimum: {len(control)}",
                marker={"color": ONE_COLOUR, "symbol": "circle-open", "size": 11},
                hovertemplate="n = 1, rank %{x}<br>λ = %{customdata:.6g}<extra></extra>",
            )
        )
    fig.add_hline(y=cp.tolerance, line={"dash": "dot", "width": 1, "color": "#717581"})
    fig.update_xaxes(title="rank (ascending λ)")
    fig.update_yaxes(title="|λ|", type="log", exponentformat="power")
    entries = len(fig.data)
    return style(fig, "Hessian spectrum: all n·d eigenvalues", revision,
                 legend_rows(entries * 2), height=HEIGHT)  # fmt: skip


def slice_figure(view, revision: str) -> go.Figure:
    """L(W + a d1 + b d2) - L(W): blue below the point's loss, red above (signed
    log colours); the run's records projected on (d1, d2), the point at 0."""
    s = view.slice
    # Colours on a signed log scale (asinh): a saddle's shallow dip and a flat
    # valley's cubic rise show beside the stiff direction's steep walls.
    top = float(np.abs(s.excess).max()) or 1.0
    scale = 1e-4 * top
    ticks = np.array([-top, -top / 100, 0.0, top / 100, top])
    fig = go.Figure(
        go.Contour(
            x=s.a,
            y=s.b,
            z=np.arcsinh(s.excess / scale),
            customdata=s.excess,
            colorscale="RdBu_r",
            zmid=0.0,
            zmin=-np.arcsinh(top / scale),
            zmax=np.arcsinh(top / scale),
            ncontours=24,
            colorbar={
                "title": {"text": "L − L*", "side": "right"},
                "thickness": 12,
                "tickvals": np.arcsinh(ticks / scale),
                "ticktext": [f"{t:.1e}" if t else "0" for t in ticks],
            },
            hovertemplate="a %{x:.3g}, b %{y:.3g}<br>"
            "L − L* = %{customdata:.3g}<extra></extra>",
            showlegend=False,
        )
    )
    if len(s.path):
        fig.add_trace(
            go.Scatter(
                x=s.path[:, 0],
                y=s.path[:, 1],
                mode="lines+markers",
                name="path (projected)" if view.run is not None else "escape run",
                line={"color": "black", "width": 1.5},
                marker={"size": 4, "color": "black"},
                hovertemplate="a %{x:.3g}, b %{y:.3g}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[0.0], y=[0.0], mode="markers", name=view.cp.kind,
            marker={"symbol": "star", "size": 14, "color": "#f89c20",
                    "line": {"width": 1, "color": "black"}},
        )
    )  # fmt: skip
    extent = float(s.a[-1])
    for axis, (name, value) in zip(
        "xy", zip(s.names, s.values, strict=True), strict=True
    ):
        getattr(fig, f"update_{axis}axes")(
            title=f"{name} direction (curvature {value:.3g})", range=[-extent, extent]
        )
    return style(fig, "The loss around the point", revision, rows=1, height=HEIGHT)


def escape_figure(view, revision: str) -> go.Figure:
    """Loss against GD step from either side of the saddle, the saddle's loss dotted."""
    fig = go.Figure()
    colours = {"+": "#3f90da", "-": "#e76300"}
    for side, traj in view.escape.items():
        steps = np.asarray(traj.steps)
        keep = steps > 0
        fig.add_trace(
            go.Scatter(
                x=steps[keep],
                y=np.asarray(traj.loss)[keep],
                mode="lines",
                name=f"pushed {side}ε along λ_min's eigenvector",
                line={"color": colours[side], "dash": None if side == "+" else "dash"},
                hovertemplate="step %{x:,}<br>L = %{y:.4g}<extra></extra>",
            )
        )
    fig.add_hline(y=view.cp.loss, line={"dash": "dot", "color": ONE_COLOUR})
    fig.update_xaxes(title="GD step (η = 0.1)", type="log", exponentformat="power")
    fig.update_yaxes(title="loss L", type="log", exponentformat="power")
    return style(fig, "Leaving the saddle", revision, rows=1, height=HEIGHT)

"""The paper's Figure 1 from seed ensembles: median line and quantile band per n.

Pure functions: `bands` maps n to a neuronlab.ensemble_bands frame (step, time,
loss_median/lo/hi, log_eta_t_loss_median/lo/hi).
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb, unlabel_rgb

from ui.figures.palette import GUIDE_COLOUR, n_colour
from ui.figures.style import legend_rows, style

FIGURE_HEIGHT = 400
EXPONENT_FROM = 200  # the paper's right panel starts at 200 iterations


def n_colours(ns: list[int]) -> dict[int, str]:
    """One colour per n, that of every page (ui.figures.palette.n_colour)."""
    return {n: n_colour(n) for n in ns}


def _rgba(colour: str, alpha: float) -> str:
    """A "#rrggbb" or "rgb(r, g, b)" colour with opacity alpha."""
    rgb = hex_to_rgb(colour) if colour.startswith("#") else unlabel_rgb(colour)
    return f"rgba({', '.join(f'{c:g}' for c in rgb)}, {alpha})"


def band_traces(
    frame: pd.DataFrame,
    column: str,
    name: str,
    colour: str,
    log: bool,
    x_column: str = "step",
    dash: str = "solid",
) -> list[go.Scatter]:
    """Band (lo to hi, filled) then the median line, all SVG, sharing a legend entry.

    x_column : "step" (hover says iteration), "time" (t) or "seconds".
    dash : the median line's style (ui.figures.palette.run_dashes).
    """
    keep = np.isfinite(frame[f"{column}_median"].to_numpy(float))
    if log:
        keep &= frame[f"{column}_lo"].to_numpy(float) > 0
    frame = frame[keep]
    x = frame[x_column]
    x_hover = {"step": "iteration %{x:,}", "seconds": "%{x:.3g} s"}.get(
        x_column, "t %{x:.4g}"
    )
    common = {"x": x, "legendgroup": name, "showlegend": False, "hoverinfo": "skip"}
    lo = go.Scatter(y=frame[f"{column}_lo"], mode="lines", line={"width": 0}, **common)
    hi = go.Scatter(
        y=frame[f"{column}_hi"],
        mode="lines",
        line={"width": 0},
        fill="tonexty",
        fillcolor=_rgba(colour, 0.18),
        **common,
    )
    median = go.Scatter(
        x=x,
        y=frame[f"{column}_median"],
        customdata=np.c_[frame[f"{column}_lo"], frame[f"{column}_hi"], frame["runs"]],
        mode="lines",
        name=name,
        legendgroup=name,
        line={"color": colour, "width": 2.5, "dash": dash},
        hovertemplate=f"{name}<br>{x_hover}<br>median %{{y:.4g}}<br>"
        "band [%{customdata[0]:.3g}, %{customdata[1]:.3g}]"
        "<br>%{customdata[2]} seeds<extra></extra>",
    )
    return [lo, hi, median]


def figure1_loss(bands: dict[int, pd.DataFrame], revision: str) -> go.Figure:
    """Left panel: loss on a log axis over the first iterations; the curves cross."""
    fig = go.Figure()
    colours = n_colours(list(bands))
    for n in sorted(bands):
        fig.add_traces(band_traces(bands[n], "loss", f"n = {n}", colours[n], True))
    fig.update_xaxes(title="iteration T", rangemode="tozero")
    fig.update_yaxes(
        title="loss L", type="log", exponentformat="power", minorloglabels="none"
    )
    return style(
        fig,
        "Loss over the first iterations",
        revision,
        rows=legend_rows(len(bands)),
        height=FIGURE_HEIGHT,
    )


def figure1_exponent(bands: dict[int, pd.DataFrame], revision: str) -> go.Figure:
    """Right panel: ln L / ln(ηT) (the paper's log_{ηT} L) from 200 iterations on,
    against -3.

    n = 1 is left out, as in the paper: its loss reaches the rounding floor early.
    """
    fig = go.Figure()
    colours = n_colours(list(bands))
    for n in sorted(bands):
        if n == 1:
            continue
        late = bands[n][bands[n]["step"] >= EXPONENT_FROM]
        fig.add_traces(
            band_traces(late, "log_eta_t_loss", f"n = {n}", colours[n], False)
        )
    # Named in the legend: a label on the line would sit on the curves near it.
    fig.add_hline(
        y=-3,
        line={"color": GUIDE_COLOUR, "dash": "dot", "width": 1.5},
        showlegend=True,
        name="−3, the theorems' exponent",
    )
    fig.update_xaxes(title="iteration T")
    # Spelled out: "log<sub>ηT</sub>" reads as "log_nT" in a small font.
    fig.update_yaxes(title="ln L / ln(ηT)")
    shown = sum(1 for n in bands if n != 1) + 1
    return style(
        fig,
        "Exponent ln L / ln(ηT) approaching −3",
        revision,
        rows=legend_rows(shown),
        height=FIGURE_HEIGHT,
    )

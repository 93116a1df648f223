"""The Hessian's eigenvalues at chosen times: why n >= 2 is slow (paper eq. 51).

Pure function of ui.phase_runs.spectra_at frames: for n >= 2 the spectrum spreads
down toward 0 along the run; the n = 1 control stays bounded away from 0.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.figures.palette import ONE_COLOUR, PETROFF_10
from ui.figures.phase_shading import shade_phases
from ui.figures.style import style

# Eigenvalues below this (relative to the largest) are zero to rounding, or
# negative (a saddle early on): a log axis cannot draw them, the caption counts them.
RELATIVE_FLOOR = 1e-12
MARKERS = {"span": "circle", "complement": "diamond"}
COLOURS = {"span": PETROFF_10[0], "complement": PETROFF_10[6]}
SPECTRUM_HEIGHT = 380


def hidden_count(spectra: pd.DataFrame) -> int:
    """How many eigenvalues (with multiplicity) the log axis cannot show."""
    floor = RELATIVE_FLOOR * spectra["value"].abs().max()
    hidden = spectra[spectra["value"] <= floor]
    return int(hidden["multiplicity"].sum())


def spectrum_figure(
    spectra: pd.DataFrame,
    intervals: list[tuple[str, float, float]],
    revision: str,
    control: str | None = None,
) -> go.Figure:
    """Every eigenvalue at each chosen time, log-log; `control` names the n = 1 run.

    Span eigenvalues as circles, the complement block's as diamonds (each repeated
    d − k times, shown in the hover); the control in n = 1's colour (black), slightly to the right.
    """
    fig = go.Figure()
    floor = RELATIVE_FLOOR * spectra["value"].abs().max()
    for (run, block), group in spectra.groupby(["run", "block"], sort=False):
        group = group[group["value"] > floor]
        is_control = run == control
        # Offsets keep the two runs' columns apart at the same time.
        shift = 1.12 if is_control else 1.0
        fig.add_trace(
            go.Scatter(
                x=group["time"] * shift,
                y=group["value"],
                customdata=np.c_[group["step"], group["multiplicity"]],
                mode="markers",
                name=f"{run}: {block}",
                marker={
                    "symbol": MARKERS[block] + ("-open" if is_control else ""),
                    "color": ONE_COLOUR if is_control else COLOURS[block],
                    "size": 8,
                    "line": {"width": 1.5} if is_control else {"width": 0},
                },
                hovertemplate=f"{run}, {block}<br>step %{{customdata[0]:,}}<br>"
                "λ = %{y:.4g}<br>× %{customdata[1]}<extra></extra>",
            )
        )
    positive = spectra["time"][spectra["time"] > 0]
    t_min = float(positive.min()) if len(positive) else 1.0
    fig.update_xaxes(
        title="t = η · step",
        type="log",
        exponentformat="power",
        minorloglabels="none",
    )
    fig.update_yaxes(
        title="eigenvalue λ of the Hessian",
        type="log",
        exponentformat="power",
        minorloglabels="none",
    )
    shade_phases(fig, intervals, True, t_min / 2)
    entries = spectra.groupby(["run", "block"]).ngroups
    return style(
        fig,
        "Hessian spectrum at chosen times",
        revision,
        rows=-(-entries // 3),
        height=SPECTRUM_HEIGHT,
    )

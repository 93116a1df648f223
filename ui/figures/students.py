"""Per-student charts: angles θᵢ, balance h_max/h_min, norms ‖wᵢ‖ (with m > 1
teachers, the per-teacher analogues of ui.figures.teachers instead).

Pure functions: `frame` is `Trajectory.metrics`, `config` the run's RunConfig.
Levels (the bound 2, the norm band) are named in the legend, not written on the
plot, where a label would sit on the curves.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.figures.palette import BAND_COLOUR, MEASURED, PREDICTED
from ui.figures.style import (
    add_students,
    legend_rows,
    line_trace,
    revision_key,
    set_axes,
    show_student_legend,
    style,
)
from ui.figures.teachers import teacher_angles_figure, teacher_shares_figure

# Readable stops for a ratio that sits near 1-2 but may reach thousands.
FINE_TICKS = (1, 1.5, 2, 3, 5, 10, 20, 50, 100, 200, 500)
COARSE_TICKS = (1, 2, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8)


def _student_rows(n: int) -> int:
    return legend_rows(n) if show_student_legend(n) else 0


def angles_figure(frame: pd.DataFrame, config):
    """θᵢ(t), the angle of each student to the teacher, log-log."""
    if config.teachers > 1:
        return teacher_angles_figure(frame, config)
    fig = go.Figure()
    add_students(fig, frame, "theta", config.n, True)
    set_axes(fig, config, True, True, "θ<sub>i</sub> (rad)")
    return style(
        fig,
        "Angles θ<sub>i</sub> to the teacher",
        revision_key(config),
        rows=_student_rows(config.n),
    )


def balance_figure(frame: pd.DataFrame, config):
    """h_max/h_min over time against the theorems' bound 2."""
    if config.teachers > 1:
        return teacher_shares_figure(frame, config)
    fig = go.Figure()
    ratio = frame["balance"].to_numpy(float)
    fig.add_trace(
        line_trace(
            frame["time"],
            ratio,
            "h<sub>max</sub> / h<sub>min</sub>",
            MEASURED,
            frame["step"],
            True,
        )
    )
    fig.add_hline(
        y=2,
        line={"color": PREDICTED, "dash": "dash", "width": 1.5},
        showlegend=True,
        name="bound 2",
    )
    finite = ratio[np.isfinite(ratio) & (ratio > 0)]
    top = max(3.0, 1.3 * finite.max()) if finite.size else 3.0
    bottom = min(0.9, 0.9 * finite.min()) if finite.size else 0.9
    set_axes(fig, config, True, True, "h<sub>max</sub> / h<sub>min</sub>")
    ticks = FINE_TICKS if top / bottom < 300 else COARSE_TICKS
    fig.update_yaxes(
        range=[np.log10(bottom), np.log10(top)],
        tickvals=[v for v in ticks if bottom <= v <= top],
    )
    return style(
        fig, "Balance h<sub>max</sub> / h<sub>min</sub>", revision_key(config), rows=1
    )


def norms_figure(frame: pd.DataFrame, config):
    """‖wᵢ‖ with the band [‖v‖/4n, 4‖v‖/n] of Theorem 6 (18), for one teacher."""
    fig = go.Figure()
    v, n = config.teacher_norm, config.n
    if config.teachers == 1:
        fig.add_hrect(
            y0=v / (4 * n),
            y1=4 * v / n,
            fillcolor=BAND_COLOUR,
            line_width=0,
            showlegend=show_student_legend(n),
            name="[‖v‖/4n, 4‖v‖/n]",
        )
    add_students(fig, frame, "norm", n, True)
    set_axes(fig, config, True, True, "‖w<sub>i</sub>‖")
    title = "Norms ‖w<sub>i</sub>‖" + (
        " and Theorem 6's band" if config.teachers == 1 else ""
    )
    return style(
        fig,
        title,
        revision_key(config),
        rows=legend_rows(n + 2) if show_student_legend(n) else 0,
    )


def output_weights_figure(frame: pd.DataFrame, config):
    """aᵢ(t), the trained output weights (from aᵢ(0) = 1), log time."""
    fig = go.Figure()
    add_students(fig, frame, "a", config.n, False)
    fig.add_hline(
        y=1,
        line={"color": PREDICTED, "dash": "dash", "width": 1.5},
        showlegend=True,
        name="fixed a = 1 (paper)",
    )
    set_axes(fig, config, True, False, "a<sub>i</sub>")
    return style(
        fig,
        "Output weights a<sub>i</sub>",
        revision_key(config),
        rows=legend_rows(config.n + 1) if show_student_legend(config.n) else 1,
    )


def balancedness_figure(frame: pd.DataFrame, config):
    """aᵢ² − ‖wᵢ‖² over time, on a linear axis at least ±0.05 wide: a conserved
    value (the flow's, to ~1e-15) is drawn flat, not as magnified rounding."""
    fig = go.Figure()
    add_students(fig, frame, "balancedness", config.n, False)
    values = frame.filter(like="balancedness_").to_numpy(float)
    middle = 0.5 * (np.nanmax(values) + np.nanmin(values))
    half = max(0.05, 0.6 * (np.nanmax(values) - np.nanmin(values)))
    set_axes(fig, config, True, False, "a<sub>i</sub>² − ‖w<sub>i</sub>‖²")
    fig.update_yaxes(range=[middle - half, middle + half])
    return style(
        fig,
        "Balancedness a<sub>i</sub>² − ‖w<sub>i</sub>‖²",
        revision_key(config),
        rows=_student_rows(config.n),
    )


def output_layer_captions(trajectory) -> dict[str, str]:
    """The captions of the two charts above (Explore, a trained layer): what
    is conserved, and by what (ui.figures.captions.captions adds them)."""
    config, frame = trajectory.config, trajectory.metrics
    gaps = frame.filter(like="balancedness_")
    drift = float((gaps - gaps.iloc[0]).abs().max().max())
    if config.method == "flow":
        kept = f"gradient flow conserves it exactly; here it moved by {drift:.1e}, "
        kept += "the ODE solver's tolerance"
    elif config.optimizer == "gd":
        kept = (
            "a GD step changes it by η²((∂L/∂aᵢ)² − ‖∂L/∂wᵢ‖²) (the first-order "
            f"terms cancel): conserved only approximately, here it moved by {drift:.2g}"
        )
    else:
        kept = f"{config.optimizer} does not conserve it (only the flow does); here "
        kept += f"it moved by {drift:.2g}"
    return {
        "output": "Each student's output weight aᵢ(t), trained from aᵢ(0) = 1 "
        "(dashed: the paper's fixed a = 1). The network depends on aᵢwᵢ only, so "
        "the charts above show the effective students uᵢ = aᵢwᵢ.",
        "balancedness": f"aᵢ² − ‖wᵢ‖² (Du, Hu & Lee 2018's balancedness): {kept}.",
    }

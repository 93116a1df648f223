"""The Phases page's charts, each with the three phases shaded (paper notes §5, §6).

Pure functions: `frame` is Trajectory.metrics, `config` its RunConfig, `phases`
neuronlab.analysis.phases.detect_phases of that frame.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from neuronlab.analysis.fits import fit_line_tail
from neuronlab.analysis.phases import ALIGNED, Phases
from ui.figures import style as look
from ui.figures.palette import GUIDE_COLOUR, MEASURED, PREDICTED, n_colour
from ui.figures.phase_shading import first_positive_time, shade_phases
from ui.figures.rates import INV_CBRT
from ui.figures.students import angles_figure

# The H chart ends this many H-phase lengths after the phase: the decay, then its end.
H_WINDOW = 3.0
# |H| below this share of |H(T1)| is rounding (the floor neuronlab.analysis.phases fits above).
H_FLOOR = 1e-12


def shaded(fig: go.Figure, frame: pd.DataFrame, phases: Phases, log_x: bool = True):
    """Any time chart of this run with its phases shaded (log or linear t axis)."""
    t_min = first_positive_time(frame["time"])
    return shade_phases(fig, phases.intervals(), log_x, t_min)


def phase_loss_figure(frame: pd.DataFrame, config, phases: Phases) -> go.Figure:
    """Loss log-log: fast while aligning and while H decays, then T⁻³."""
    fig = go.Figure()
    fig.add_trace(
        look.line_trace(
            frame["time"], frame["loss"], "loss L", MEASURED, frame["step"], True
        )
    )
    look.set_axes(fig, config, True, True, "loss L")
    shaded(fig, frame, phases)
    return look.style(fig, "Loss L, phase by phase", look.revision_key(config), rows=0)


def alignment_figure(frame: pd.DataFrame, config, phases: Phases) -> go.Figure:
    """θᵢ with the threshold that ends the alignment phase."""
    fig = angles_figure(frame, config)
    fig.add_hline(
        y=ALIGNED,
        line={"color": GUIDE_COLOUR, "dash": "dot", "width": 1},
        showlegend=True,  # named in the legend: a label on the plot sits on curves
        name=f"θ = {ALIGNED:g} rad",
    )
    return shaded(fig, frame, phases)


def h_phase_end(frame: pd.DataFrame, phases: Phases) -> float:
    """End of the H decay as drawn: T2, or earlier where |H| reaches the rounding
    floor H_FLOOR·|H(T1)| (n = 1 has no T2: its H falls to the floor)."""
    t, size = frame["time"].to_numpy(float), frame["H"].abs().to_numpy(float)
    end = phases.t2 if not np.isnan(phases.t2) else phases.t_end
    floor = H_FLOOR * float(np.interp(phases.t1, t, size))
    reached = t[(t >= phases.t1) & (size <= floor)]
    return float(min(end, reached[0])) if reached.size else float(end)


def h_window_end(frame: pd.DataFrame, phases: Phases) -> float:
    """Right end of the H chart: a few H-phase lengths past T1, within the run."""
    if np.isnan(phases.t1):
        return phases.t_end
    length = max(h_phase_end(frame, phases) - phases.t1, 1e-9)
    return float(min(phases.t_end, phases.t1 + H_WINDOW * length))


def h_decay_figure(frame: pd.DataFrame, config, phases: Phases) -> go.Figure:
    """|H| on a log axis against linear t, and the prediction
    |H(T1)|·(1 − nη/2)^(step − step(T1)) over the H phase (eq. 36)."""
    fig = go.Figure()
    t = frame["time"].to_numpy(float)
    H = frame["H"].abs().to_numpy(float)
    end = h_window_end(frame, phases)
    window = t <= end
    fig.add_trace(
        look.line_trace(
            t[window], H[window], "|H| measured", MEASURED, frame["step"][window], True
        )
    )
    if not np.isnan(phases.t1):
        t_line = np.linspace(phases.t1, h_phase_end(frame, phases), 50)
        start = float(np.interp(phases.t1, t, H))
        factor = phases.h_factor_predicted
        predicted = start * factor ** ((t_line - phases.t1) / config.eta)
        fig.add_trace(
            look.line_trace(
                t_line,
                predicted,
                f"(1 − nη/2)<sup>step</sup> = {factor:.6g}<sup>step</sup>",
                PREDICTED,
                np.round(t_line / config.eta).astype(np.int64),
                True,
                dash="dash",
            )
        )
    look.set_axes(fig, config, False, True, "|H| = |‖v‖ − Σ h<sub>i</sub>|")
    fig.update_xaxes(range=[0, end])
    shade_phases(fig, phases.intervals(), False, 0.0)
    return look.style(
        fig, "H decays by (1 − nη/2) per step", look.revision_key(config), rows=1
    )


def straight_lines_figure(frame: pd.DataFrame, config, phases: Phases) -> go.Figure:
    """L^(-1/3) and 1/Z against linear t, each with a line fitted on the slow phase."""
    fig = make_subplots(rows=2, cols=1, vertical_spacing=0.2)  # stacked: narrow-safe
    t = frame["time"].to_numpy(float)
    slow = t >= phases.t2 if not np.isnan(phases.t2) else np.zeros(t.shape, bool)
    colour = n_colour(config.n)
    for row, (column, name) in enumerate(
        [("loss_inv_cbrt", INV_CBRT), ("Z_inv", "1/Z")], start=1
    ):
        y = frame[column].to_numpy(float)
        fig.add_trace(
            look.line_trace(t, y, name, colour, frame["step"], False), row=row, col=1
        )
        fit = fit_line_tail(t[slow], y[slow], fraction=1.0) if slow.any() else None
        if fit is not None:
            r2 = phases.slow_linearity[column]
            t_fit = np.array([fit.t_start, fit.t_end])
            fig.add_trace(
                look.line_trace(
                    t_fit,
                    fit(t_fit),
                    f"fit, R² = {r2:.5f}",
                    GUIDE_COLOUR,
                    np.round(t_fit / config.eta).astype(np.int64),
                    False,
                    dash="dot",
                    group=f"fit{row}",
                ),
                row=row,
                col=1,
            )
        look.set_axes(fig, config, False, False, name, row=row, col=1)
        shade_phases(fig, phases.intervals(), False, 0.0, row=row, col=1)
    fig.update_xaxes(title=None, row=1, col=1)  # room for ③'s number below it
    if config.n == 1:
        look.note_no_potential(fig, row=2, col=1, xref="x domain", yref="y domain")
    return look.style(
        fig,
        f"{INV_CBRT} and 1/Z: straight lines in the slow phase",
        look.revision_key(config),
        rows=1,
        height=2 * look.CHART_HEIGHT - 80,
    )

"""Rate charts: the loss and its exponent, L^(-1/3), and the potential Z.

Pure functions: `frame` is `Trajectory.metrics`, `config` the run's RunConfig.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.fits import fit_line_tail, fit_power_tail
from ui.figures.compare import band_traces
from ui.figures.style import (
    CONTRAST_COLOUR,
    GUIDE_COLOUR,
    line_trace,
    note_no_potential,
    revision_key,
    set_axes,
    style,
)

# Band of the local exponent's panel: -3 in the middle; n = 1 leaves it downwards.
EXPONENT_RANGE = (-7.0, 1.0)
LOSS_HEIGHT = 440
INV_CBRT = "L<sup>−1/3</sup>"
# Median and band over seeds: a palette colour no other trace of these charts uses.
SEEDS_COLOUR = "#832db6"


def _steps_of(t: np.ndarray, config) -> np.ndarray:
    """Step numbers for hover on a guide line drawn at times t."""
    return np.round(t / config.eta).astype(np.int64)


def _line_fit_trace(t: np.ndarray, y: np.ndarray, config, **where):
    """Dotted least-squares line over the second half of time, or None."""
    fit = fit_line_tail(t, y)
    if fit is None:
        return None
    t_fit = np.array([0.0, fit.t_end])
    name = f"fit {fit.slope:.4g}·t + {fit.intercept:.4g}"
    return line_trace(
        t_fit,
        fit(t_fit),
        name,
        GUIDE_COLOUR,
        _steps_of(t_fit, config),
        False,
        dash="dot",
    )


def _seed_band(band: pd.DataFrame, column: str, log: bool) -> list[go.Scatter]:
    """Median line and quantile band over seeds (a core.ensemble_bands frame) on
    the time axis; a log time axis cannot show t = 0."""
    if log:
        band = band[band["time"] > 0]
    name = f"median of {int(band['runs'].max())} seeds"
    return band_traces(band, column, name, SEEDS_COLOUR, log, x_column="time")


def _loss_range(frame: pd.DataFrame, band=None) -> list[float] | None:
    """Log range of the run's own losses (and its seeds' band), two decades of
    room below: the n = 1 contrast may fall through the bottom (to 1e-100 under
    flow), it must not squash the curve the page is about."""
    columns = [c for c in ("loss", "empirical_loss") if c in frame]
    values = frame[columns].to_numpy(float).ravel()
    if band is not None:
        values = np.concatenate(
            [values, band[["loss_lo", "loss_hi"]].to_numpy(float).ravel()]
        )
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return None
    return [np.log10(values.min()) - 2.0, np.log10(values.max()) + 0.5]


def _loss_panel(fig, frame, config, contrast, fit_tail: bool, band, **top) -> None:
    t, steps = frame["time"].to_numpy(float), frame["step"]
    loss = frame["loss"].to_numpy(float)
    if band is not None:  # first, so the chosen seed's line stays on top
        for trace in _seed_band(band, "loss", True):
            fig.add_trace(trace, **top)
    fig.add_trace(line_trace(t, loss, "loss L", "#1f1f1f", steps, True), **top)
    if "empirical_loss" in frame:
        fig.add_trace(
            line_trace(
                t,
                frame["empirical_loss"],
                "training loss",
                "#3f90da",
                steps,
                True,
                dash="dash",
            ),
            **top,
        )
    if contrast is not None:
        fig.add_trace(
            line_trace(
                contrast["time"],
                contrast["loss"],
                "n = 1",
                CONTRAST_COLOUR,
                contrast["step"],
                True,
                dash="dash",
            ),
            **top,
        )
    fit = fit_power_tail(t, loss) if fit_tail and config.n >= 2 else None
    if fit is not None:
        t_fit = np.geomspace(fit.t_start / 10, fit.t_end, 40)
        fig.add_trace(
            line_trace(
                t_fit,
                fit(t_fit),
                f"{fit.C:.3g}·t<sup>−3</sup>",
                GUIDE_COLOUR,
                _steps_of(t_fit, config),
                True,
                dash="dot",
            ),
            **top,
        )
    set_axes(fig, config, True, True, "loss L", **top)
    fig.update_xaxes(title=None, **top)
    fig.update_yaxes(range=_loss_range(frame, band), **top)


def _exponent_panel(fig, frame, config, **bottom) -> None:
    t, steps = frame["time"].to_numpy(float), frame["step"]
    fig.add_trace(
        line_trace(
            t, frame["local_exponent"], "d log L / d log t", "#3f90da", steps, False
        ),
        **bottom,
    )
    fig.add_trace(
        line_trace(
            t,
            frame["log_eta_t_loss"],
            "log<sub>ηt</sub> L",
            "#e76300",
            steps,
            False,
            dash="dash",
        ),
        **bottom,
    )
    fig.add_hline(
        y=-3, line={"color": GUIDE_COLOUR, "dash": "dot", "width": 1}, **bottom
    )
    set_axes(fig, config, True, False, "exponent", **bottom)
    fig.update_yaxes(range=list(EXPONENT_RANGE), tickvals=[-6, -3, 0], **bottom)


def loss_figure(
    frame: pd.DataFrame,
    config,
    contrast: pd.DataFrame | None = None,
    fit_tail: bool = True,
    band: pd.DataFrame | None = None,
):
    """Loss log-log with a fitted C·t⁻³ guide; below, the local exponent vs -3.

    contrast : metrics of the n = 1 run with the same σ, η and seed, or None.
    fit_tail : False where the tail follows no power law (diverged, finite-sample).
    band : median and quantiles of loss over seeds (core.ensemble_bands), or None.
    SGD runs also show their training loss on the fixed samples.
    """
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.66, 0.34],
        vertical_spacing=0.05,
    )
    _loss_panel(fig, frame, config, contrast, fit_tail, band, row=1, col=1)
    _exponent_panel(fig, frame, config, row=2, col=1)
    return style(
        fig,
        "Loss L, and its local exponent",
        revision_key(config),
        rows=2,
        height=LOSS_HEIGHT,
    )


def inverse_cube_root_figure(
    frame: pd.DataFrame, config, band: pd.DataFrame | None = None
):
    """L^(-1/3) on linear axes with a line fitted on the second half of time.

    band : median and quantiles of loss_inv_cbrt over seeds, or None.
    """
    fig = go.Figure()
    if band is not None:
        fig.add_traces(_seed_band(band, "loss_inv_cbrt", False))
    t = frame["time"].to_numpy(float)
    y = frame["loss_inv_cbrt"].to_numpy(float)
    fig.add_trace(line_trace(t, y, INV_CBRT, "#1f1f1f", frame["step"], False))
    guide = _line_fit_trace(t, y, config)
    if guide is not None:
        fig.add_trace(guide)
    set_axes(fig, config, False, False, INV_CBRT)
    return style(
        fig,
        f"{INV_CBRT}: a straight line in the slow phase",
        revision_key(config),
        rows=1,
    )


def potential_figure(frame: pd.DataFrame, config):
    """Z(t) log-log (left) and 1/Z(t) on linear axes with a line fit (right)."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.16)
    t, steps = frame["time"].to_numpy(float), frame["step"]
    Z_inv = frame["Z_inv"].to_numpy(float)
    left, right = {"row": 1, "col": 1}, {"row": 1, "col": 2}
    fig.add_trace(line_trace(t, frame["Z"], "Z", "#832db6", steps, True), **left)
    fig.add_trace(line_trace(t, Z_inv, "1/Z", "#a96b59", steps, False), **right)
    guide = _line_fit_trace(t, Z_inv, config)
    if guide is not None:
        fig.add_trace(guide, **right)
    if config.n == 1:
        note_no_potential(fig, xref="paper", yref="paper")
    set_axes(fig, config, True, True, "Z", **left)
    set_axes(fig, config, False, False, "1/Z", **right)
    return style(fig, "Potential Z, and 1/Z", revision_key(config), rows=1)

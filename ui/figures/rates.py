"""Rate charts: the loss and its exponent, and L^(1/p), straight for a t^p law.

Pure functions: `frame` is `Trajectory.metrics`, `config` the run's RunConfig,
`law` its ui.figures.captions.Law (which guide applies, if any).
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from neuronlab.analysis.fits import fit_exponential_tail, fit_line_tail, fit_power_tail
from ui.figures.captions import EXPONENTIAL, POWER, Law, tail_law
from ui.figures.compare import band_traces
from ui.figures.exponent import (
    AT_FLOOR,
    DIVERGED,
    NOTES,
    RISES,
    Stretch,
    end_markers,
    floor_share,
    stretch,
)
from ui.figures.palette import GUIDE_COLOUR, SEEDS_COLOUR, n_colour
from ui.figures.style import (
    line_trace,
    revision_key,
    set_axes,
    style,
)

# Band of the local exponent's panel: -3 in the middle; n = 1 leaves it downwards.
EXPONENT_RANGE = (-7.0, 1.0)
LOSS_HEIGHT = 440
INV_CBRT = "L<sup>−1/3</sup>"
UNCLIPPED = (-np.inf, np.inf)  # a marker's y range where the axis is free


def _steps_of(t: np.ndarray, config) -> np.ndarray:
    """Step numbers for hover on a guide line drawn at times t."""
    return np.round(t / config.eta).astype(np.int64)


def line_fit_trace(t: np.ndarray, y: np.ndarray, config, **where):
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
    """Median line and quantile band over seeds (a neuronlab.ensemble_bands frame) on
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


def _guide(t, loss, config, law: Law):
    """The dotted law over the run's tail: C·t^p (POWER) or C·e^(-λt)
    (EXPONENTIAL), or None (no law applies, or too few tail records)."""
    if law.kind == POWER:
        fit = fit_power_tail(t, loss, law.exponent)
        name = "{C:.3g}·t<sup>" + f"{law.exponent:g}".replace("-", "−") + "</sup>"
        t_fit = None if fit is None else np.geomspace(fit.t_start / 10, fit.t_end, 40)
    elif law.kind == EXPONENTIAL:
        fit = fit_exponential_tail(t, loss)
        name = "{C:.3g}·e<sup>−{rate:.3g} t</sup>"
        t_fit = None if fit is None else np.linspace(0.0, fit.t_end, 40)
    else:
        return None
    if fit is None:
        return None
    label = name.format(C=fit.C, rate=getattr(fit, "rate", 0.0))
    steps = _steps_of(t_fit, config)
    return line_trace(t_fit, fit(t_fit), label, GUIDE_COLOUR, steps, True, dash="dot")


def _loss_panel(fig, frame, config, contrast, law: Law, band, **top) -> None:
    t, steps = frame["time"].to_numpy(float), frame["step"]
    loss = frame["loss"].to_numpy(float)
    log_t = law.kind != EXPONENTIAL
    if band is not None and log_t:  # first, so the chosen seed's line stays on top
        for trace in _seed_band(band, "loss", True):
            fig.add_trace(trace, **top)
    colour = n_colour(config.n)  # the run in its n's colour, n = 1 black
    fig.add_trace(line_trace(t, loss, "loss L", colour, steps, True), **top)
    if "empirical_loss" in frame:
        fig.add_trace(
            line_trace(
                t,
                frame["empirical_loss"],
                "training loss",
                colour,
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
                n_colour(1),
                contrast["step"],
                True,
            ),
            **top,
        )
    if (guide := _guide(t, loss, config, law)) is not None:
        fig.add_trace(guide, **top)
    set_axes(fig, config, log_t, True, "loss L", **top)
    fig.update_yaxes(range=_loss_range(frame, band), **top)
    if not log_t and guide is not None:  # the decay, not the floor after it
        fig.update_xaxes(range=[0.0, min(1.5 * guide.x[-1], t[-1])], **top)


def _domain(where: dict) -> dict:
    """xref/yref of a subplot's whole area (row 2 of the loss chart)."""
    return {"xref": "x2 domain", "yref": "y2 domain"} if where else {}


def _exponent_panel(fig, frame, config, law: Law, diverged: bool, **bottom) -> None:
    """The local exponent and ln L / ln(ηt) over the stretch where they are rates
    (ui.figures.exponent): cut, with a marker saying why, at the rounding floor,
    where the loss rises and at a divergence."""
    t, steps, loss = frame["time"], frame["step"], frame["loss"].to_numpy(float)
    local = frame["local_exponent"].to_numpy(float)
    floor = floor_share(config) * loss[0]
    cut, colour = stretch(loss, local, floor, diverged), n_colour(config.n)
    if cut is None:  # the loss never falls steadily: say so where the curve would be
        why = NOTES[DIVERGED if diverged else RISES]
        fig.add_annotation(text=why, showarrow=False, x=0.5, y=0.5, **_domain(bottom))
    else:
        keep = slice(cut.start, cut.stop)
        for column, name, dash in (
            ("local_exponent", "d ln L / d ln t", None),
            ("log_eta_t_loss", "ln L / ln(ηt)", "dash"),
        ):
            trace = line_trace(
                t[keep], frame[column][keep], name, colour, steps[keep], False, dash
            )
            fig.add_trace(trace, **bottom)
        name = "d ln L / d ln t"
        ends = end_markers(t, local, cut, colour, EXPONENT_RANGE, name, set(), True)
        for marker in ends:
            fig.add_trace(marker, **bottom)
    if law.kind == POWER:
        line = {"color": GUIDE_COLOUR, "dash": "dot", "width": 1}
        fig.add_hline(y=law.exponent, line=line, **bottom)
    set_axes(fig, config, True, False, "exponent", **bottom)
    fig.update_yaxes(range=list(EXPONENT_RANGE), tickvals=[-6, -3, 0], **bottom)


def loss_figure(
    frame: pd.DataFrame,
    config,
    contrast: pd.DataFrame | None = None,
    law: Law | None = None,
    band: pd.DataFrame | None = None,
    diverged: bool = False,
):
    """Loss with the guide of its law (captions.tail_law): log-log with C·t^p and
    the local exponent below for a power law; one log-linear panel with C·e^(-λt)
    for exponential decay (a straight line there); no guide where none applies.

    contrast : metrics of the n = 1 run with the same σ, η and seed, or None.
    law : the run's Law; None: that of a completed run of `config`.
    band : median and quantiles of loss over seeds (neuronlab.ensemble_bands), or None.
    diverged : the run diverged (its exponent curve ends with that note).
    SGD runs also show their training loss on the fixed samples.
    """
    law = law or tail_law(config)
    if law.kind == EXPONENTIAL:
        fig = go.Figure()
        _loss_panel(fig, frame, config, contrast, law, band)
        title = "Loss L, log-linear: exponential decay is straight"
        return style(fig, title, revision_key(config), rows=1)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.66, 0.34],
        vertical_spacing=0.05,
    )
    _loss_panel(fig, frame, config, contrast, law, band, row=1, col=1)
    fig.update_xaxes(title=None, row=1, col=1)
    _exponent_panel(fig, frame, config, law, diverged, row=2, col=1)
    return style(
        fig,
        "Loss L and its local exponent",
        revision_key(config),
        rows=2,  # up to six entries: loss, training loss, n = 1, guide, two rates
        height=LOSS_HEIGHT,
    )


def inverse_cube_root_figure(
    frame: pd.DataFrame, config, band: pd.DataFrame | None = None, law=None
):
    """L^(1/p), straight in t for a t^p law (L^(-1/3) for ReLU's t^-3), with a
    line fitted on the second half of time; L^(-1/3) and no fit where no power
    law applies.

    band : median and quantiles of loss_inv_cbrt over seeds (drawn for p = -3).
    """
    law = law or tail_law(config)
    power = law.kind == POWER
    p = law.exponent if power else -3.0
    fig = go.Figure()
    if band is not None and p == -3.0:
        fig.add_traces(_seed_band(band, "loss_inv_cbrt", False))
    t, loss = frame["time"].to_numpy(float), frame["loss"].to_numpy(float)
    if p == -3.0:
        y, label = frame["loss_inv_cbrt"].to_numpy(float), INV_CBRT
    else:
        y = np.where(loss > 0, np.power(np.where(loss > 0, loss, 1.0), 1.0 / p), np.nan)
        label = f"L<sup>−1/{-p:g}</sup>"
    # At the rounding floor L no longer changes: a flat L^(1/p) there would read
    # "stopped converging", so the line ends at the floor, with a marker.
    reached = np.flatnonzero(loss <= floor_share(config) * loss[0])
    end = int(reached[0]) if reached.size else len(t)
    colour = n_colour(config.n)
    fig.add_trace(
        line_trace(t[:end], y[:end], label, colour, frame["step"][:end], False)
    )
    if 0 < end < len(t):
        cut = Stretch(0, end, None, AT_FLOOR)
        fig.add_traces(end_markers(t, y, cut, colour, UNCLIPPED, label, set(), True))
    guide = line_fit_trace(t[:end], y[:end], config) if power else None
    if guide is not None:
        fig.add_trace(guide)
    set_axes(fig, config, False, False, label)
    title = f"{label}: a straight line in the slow phase" if power else label
    return style(fig, title, revision_key(config), rows=1 + (end < len(t)))

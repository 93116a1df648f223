"""The potential Z (paper notes §10): Z log-log above, 1/Z on linear axes below
(stacked, never side by side: two panels in a half-width chart crowd), with a
line fitted to 1/Z where the t⁻³ law applies. With m > 1 teachers Z is not
defined: the chart shows each student's nearest teacher instead.

Pure functions: `frame` is `Trajectory.metrics`, `config` the run's RunConfig.
"""

import pandas as pd
from plotly.subplots import make_subplots

from ui.figures.captions import POWER, Law, tail_law
from ui.figures.palette import n_colour
from ui.figures.rates import LOSS_HEIGHT, line_fit_trace
from ui.figures.style import (
    line_trace,
    note_no_potential,
    revision_key,
    set_axes,
    style,
)
from ui.figures.teachers import nearest_teacher_figure


def potential_figure(frame: pd.DataFrame, config, law: Law | None = None):
    """Z(t) log-log (top) and 1/Z(t) linear (bottom), a line fitted to 1/Z for
    the t⁻³ law of ReLU GD (law: captions.tail_law, by default of `config`)."""
    if config.teachers > 1:
        return nearest_teacher_figure(frame, config)
    law = law or tail_law(config)
    fig = make_subplots(rows=2, cols=1, vertical_spacing=0.16)
    t, steps = frame["time"].to_numpy(float), frame["step"]
    top, bottom = {"row": 1, "col": 1}, {"row": 2, "col": 1}
    colour = n_colour(config.n)  # the run's own colour (ui.figures.palette)
    fig.add_trace(line_trace(t, frame["Z"], "Z", colour, steps, True), **top)
    Z_inv = frame["Z_inv"].to_numpy(float)
    fig.add_trace(line_trace(t, Z_inv, "1/Z", colour, steps, False), **bottom)
    slow = law.kind == POWER and law.exponent == -3.0 and config.optimizer == "gd"
    guide = line_fit_trace(t, Z_inv, config) if slow else None
    if guide is not None:
        fig.add_trace(guide, **bottom)
    if config.n == 1:
        note_no_potential(fig, xref="x domain", yref="y domain", **top)
    set_axes(fig, config, True, True, "Z", **top)
    fig.update_xaxes(title=None, **top)
    set_axes(fig, config, False, False, "1/Z", **bottom)
    return style(
        fig, "Potential Z, and 1/Z below", revision_key(config), 1, LOSS_HEIGHT
    )

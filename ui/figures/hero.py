"""Explore's home: what to try next, and the small hero chart of the run on
screen against its contrast (n = 1 beside n >= 2, n = 2 beside n = 1), loss on
log-log axes, nothing else; its caption says what each run did, measured (the
headline: ui.figures.top).

Pure functions: frames are `Trajectory.metrics`, `config` the run's RunConfig.
"""

import pandas as pd
import plotly.graph_objects as go

from ui.figures.palette import n_colour
from ui.figures.style import line_trace, revision_key, set_axes, style
from ui.figures.top import ending

HERO_HEIGHT = 260


def prompt(config, setting: str = "paper") -> str:
    """What to do next, for the n on screen (classroom mode has its step's text
    instead); setting: captions.tail_law's (outside the paper's, no t⁻³ is
    promised)."""
    where = "in the sidebar"
    if setting != "paper":
        return (
            f"change **n** {where} and watch the hero chart: it always shows this "
            "setting's run beside its n = 1 (or n = 2) contrast. The paper's own "
            "setting is ReLU, plain GD and one teacher."
        )
    if config.n == 1:
        return (
            f"move **n** from 1 to 2 {where}: one more student, the same start, "
            "and the loss stalls onto t⁻³."
        )
    return (
        f"move **n** from {config.n} to 1 {where} to see the fast case on its own, "
        "or to 2: the slow-down needs only one extra student."
    )


def hero_caption(frame: pd.DataFrame, config, other: pd.DataFrame) -> str:
    """The hero chart's one line: what each of its two runs did, measured."""
    n_other = 2 if config.n == 1 else 1
    runs = sorted(((config.n, frame, config), (n_other, other, config)))
    said = "; ".join(f"n = {n} {ending(data, c)}" for n, data, c in runs)
    return f"Same σ = {config.sigma:g}, η = {config.eta:g} and seed: {said}."


def hero_figure(frame: pd.DataFrame, config, other: pd.DataFrame) -> go.Figure:
    """Both runs' loss, log-log, each in its n's colour (n = 1 black), as on
    Explore's loss chart and Compare."""
    n_other = 2 if config.n == 1 else 1
    fig = go.Figure()
    for data, n in sorted(((frame, config.n), (other, n_other)), key=lambda r: r[1]):
        fig.add_trace(
            line_trace(
                data["time"], data["loss"], f"n = {n}", n_colour(n), data["step"], True
            )
        )
    set_axes(fig, config, True, True, "loss L")
    title = f"n = {min(config.n, n_other)} against n = {max(config.n, n_other)}"
    return style(fig, title, "hero|" + revision_key(config), 1, HERO_HEIGHT)

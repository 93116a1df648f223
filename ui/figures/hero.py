"""Explore's home: the headline, what to try next, and the small hero chart of
the run on screen against its contrast (n = 1 beside n >= 2, n = 2 beside n = 1),
loss on log-log axes, nothing else.

Pure functions: frames are `Trajectory.metrics`, `config` the run's RunConfig.
"""

import pandas as pd
import plotly.graph_objects as go

from ui.figures.style import CONTRAST_COLOUR, line_trace, revision_key, set_axes, style

HERO_HEIGHT = 260
HEADLINE = (
    "**One student learns a ReLU teacher exponentially fast; two or more learn it "
    "only like t⁻³.** Gradient descent on the same problem, from the same start, "
    "is exponentially slower when the student has more neurons than it needs "
    "(Xu & Du, COLT 2023). Below: a live run, then six charts of what the proofs "
    "track, each with what to look for and a link to its claim on the Theory page."
)


def prompt(config, classroom: bool = False) -> str:
    """What to do next, for the n on screen (in classroom mode: or press Next)."""
    where = "in the sidebar" + (" (or press Next above)" if classroom else "")
    if config.n == 1:
        return (
            f"move **n** from 1 to 2 {where}: one more student, the same start, "
            "and the loss stalls onto t⁻³."
        )
    return (
        f"move **n** from {config.n} to 1 {where} to see the fast case on its own, "
        "or to 2: the slow-down needs only one extra student."
    )


def hero_caption(config) -> str:
    """The hero chart's one line: which two runs it compares."""
    return (
        f"The loss of n = 1 and n = 2 (here n = {config.n}) from the same start, "
        f"σ = {config.sigma:g}, η = {config.eta:g}: exponential against t⁻³."
        if config.n <= 2
        else f"The loss of n = 1 against n = {config.n}, same σ, η and seed."
    )


def hero_figure(frame: pd.DataFrame, config, other: pd.DataFrame) -> go.Figure:
    """n = 1's loss dashed grey and the other run's solid black, log-log, as on
    Explore's loss chart (where n = 1 is the dashed contrast too)."""
    n_other = 2 if config.n == 1 else 1
    fig = go.Figure()
    for data, n in sorted(((frame, config.n), (other, n_other)), key=lambda r: r[1]):
        colour, dash = (CONTRAST_COLOUR, "dash") if n == 1 else ("#1f1f1f", None)
        fig.add_trace(
            line_trace(
                data["time"], data["loss"], f"n = {n}", colour, data["step"], True, dash
            )
        )
    set_axes(fig, config, True, True, "loss L")
    title = f"n = {min(config.n, n_other)} against n = {max(config.n, n_other)}"
    return style(fig, title, "hero|" + revision_key(config), 1, HERO_HEIGHT)

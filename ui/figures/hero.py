"""Explore's small hero chart: the run on screen against its contrast (n = 1
beside n >= 2, n = 2 beside n = 1), loss on log-log axes, nothing else.

Pure function: frames are `Trajectory.metrics`, `config` the run's RunConfig.
"""

import pandas as pd
import plotly.graph_objects as go

from ui.figures.style import CONTRAST_COLOUR, line_trace, revision_key, set_axes, style

HERO_HEIGHT = 260


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

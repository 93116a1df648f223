"""Explore's six diagnostic charts of one run, each drawn for the law its tail
follows (ui.figures.captions.tail_law): a pure function of the run."""

import pandas as pd
import plotly.graph_objects as go

from ui.figures.captions import tail_law
from ui.figures.potential import potential_figure
from ui.figures.rates import inverse_cube_root_figure, loss_figure
from ui.figures.students import angles_figure, balance_figure, norms_figure


def run_figures(
    shown, contrast: pd.DataFrame | None = None, band: pd.DataFrame | None = None
) -> dict[str, go.Figure]:
    """Chart name (as in captions.GROUPS) -> figure, for the Trajectory `shown`.

    contrast : the n = 1 run's metrics (same σ, η, seed), or None.
    band : median and quantiles over seeds (core.analysis.seed_band), or None.
    """
    frame, config = shown.metrics, shown.config
    law = tail_law(config, shown.status)
    return {
        "loss": loss_figure(frame, config, contrast, law, band),
        "inv_cbrt": inverse_cube_root_figure(frame, config, band, law),
        "angles": angles_figure(frame, config),
        "balance": balance_figure(frame, config),
        "norms": norms_figure(frame, config),
        "potential": potential_figure(frame, config, law),
    }

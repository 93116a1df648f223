"""Each page's charts as one dict {chart name: go.Figure}, in the page's reading
order: built once, by the same builders, for the screen (views/, ui.run_view)
and for files (ui.figures.export), so a chart on screen and on disk are one figure.
"""

import html

import plotly.graph_objects as go

from neuronlab import RunConfig
from neuronlab.analysis.studies import CONTROL
from ui.figures import (
    angles_figure,
    balance_figure,
    balancedness_figure,
    geometry_figure,
    inverse_cube_root_figure,
    loss_figure,
    norms_figure,
    output_weights_figure,
    potential_figure,
)
from ui.figures.captions import tail_law
from ui.figures.compare import figure1_exponent, figure1_loss
from ui.figures.phases import (
    alignment_figure,
    h_decay_figure,
    phase_loss_figure,
    shaded,
    straight_lines_figure,
)
from ui.figures.spectrum import spectrum_figure
from ui.figures.toys import collapse_figure, toy_figure

# Explore's contrast run stops here: n = 1's loss has reached the floor long before.
CONTRAST_STEPS = 100_000


def contrast_config(config: RunConfig) -> RunConfig | None:
    """The run drawn beside Explore's (same σ, η, seed and method): n = 1 (dashed
    on the loss chart and in the hero) for n >= 2, n = 2 (the hero only) for n = 1;
    None where it is no fair contrast (finite samples)."""
    if config.method == "sgd":
        return None
    other = 2 if config.n == 1 else 1
    return config.replace(n=other, steps=min(config.steps, CONTRAST_STEPS))


def explore_figures(
    shown, contrast=None, band=None, animate: bool = True, follow: bool = False
) -> dict[str, go.Figure]:
    """Explore's charts of `shown` (a neuronlab.Trajectory, or any object with its
    config, metrics, status, steps and coords; coords None: no geometry chart).

    contrast : the n = 1 run's metrics (contrast_config, for n >= 2), or None.
    band : median and quantiles over seeds (neuronlab.analysis.studies.seed_band), or None.
    Each chart is drawn for the law the run's tail follows (captions.tail_law).
    The geometry chart shows the last record, with the player's frames if
    `animate` (a live run has none: they are rebuilt at every redraw); `follow`:
    its axes follow each record.
    """
    frame, config = shown.metrics, shown.config
    law = tail_law(config, shown.status)
    contrast = contrast if config.n > 1 else None  # n = 2 beside n = 1: hero only
    charts = {
        "loss": loss_figure(
            frame, config, contrast, law, band, shown.status == "diverged"
        ),
        "inv_cbrt": inverse_cube_root_figure(frame, config, band, law),
        "angles": angles_figure(frame, config),
        "balance": balance_figure(frame, config),
        "norms": norms_figure(frame, config),
        "potential": potential_figure(frame, config, law),
    }
    if config.output == "trained":  # the second layer's own two charts
        charts["output"] = output_weights_figure(frame, config)
        charts["balancedness"] = balancedness_figure(frame, config)
    if shown.coords is not None:  # the player's frames: the HTML download plays too
        coords, steps = shown.coords, shown.steps
        charts["geometry"] = geometry_figure(coords, steps, config, follow, animate)
    return charts


def phases_figures(run, spectra, fields: dict) -> dict[str, go.Figure]:
    """Phases' charts: run a neuronlab.analysis.studies.PhaseRun, spectra its Hessian frame
    (neuronlab.analysis.studies.spectra), fields the page's config fields (the uirevision)."""
    frame, config, phases = run.frame, run.trajectory.config, run.phases
    revision = f"phases|{fields}"
    return {
        "loss": phase_loss_figure(frame, config, phases),
        "h": h_decay_figure(frame, config, phases),
        "angles": alignment_figure(frame, config, phases),
        "lines": straight_lines_figure(frame, config, phases),
        "norms": shaded(norms_figure(frame, config), frame, phases),
        "balance": shaded(balance_figure(frame, config), frame, phases),
        "spectrum": spectrum_figure(spectra, phases.intervals(), revision, CONTROL),
    }


def figure1_figures(left, whole, values: dict) -> dict[str, go.Figure]:
    """Compare's two charts (the paper's Figure 1) from the bands of the first
    steps (`left`) and of the whole runs; values: the page's values."""
    revision = f"compare|{sorted(values.items())}"
    return {
        "loss": figure1_loss(left, revision),
        "exponent": figure1_exponent(whole, revision),
    }


def toy_figures(name: str, view) -> dict[str, go.Figure]:
    """The one chart of toy case `name` (neuronlab.analysis.toys.ToyView)."""
    return {name: collapse_figure(view) if name == "remark26" else toy_figure(view)}


def html_page(charts: dict[str, go.Figure], title: str, config: dict) -> str:
    """One self-contained HTML file with every chart, plotly.js embedded once
    (it works offline), under `title` (what they show); config: the app's chart
    config, whose camera here saves SVG (the app's saves PNG)."""
    config = config | {"toImageButtonOptions": {"format": "svg"}}
    parts = [
        fig.to_html(full_html=False, include_plotlyjs=index == 0, config=config)
        for index, fig in enumerate(charts.values())
    ]
    title = html.escape(title)
    head = f'<meta charset="utf-8"><title>{title}</title>'
    body = f"<h2 style='font-family: sans-serif'>{title}</h2>{''.join(parts)}"
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"

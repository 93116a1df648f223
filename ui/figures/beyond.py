"""The Beyond page's charts: one curve per arm of an experiment (its median and
10-90 % band over seeds), power-law guides, and Safran & Shamir's bars.

Pure: `bands` maps an arm's label to a neuronlab.analysis.beyond.bands frame (step, time,
seconds, c_median/lo/hi, runs); `table` is neuronlab.analysis.beyond.spurious's table.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from neuronlab.analysis.summary import tail_exponent
from ui.figures.compare import band_traces
from ui.figures.exponent import RISING, end_markers, floor_share, stretch
from ui.figures.palette import GUIDE_COLOUR, PETROFF_10, run_colours, run_dashes
from ui.figures.style import legend_rows, style

HEIGHT = 430
RANGE = (-5.0, 0.5)  # of the exponent: -3 and -2 in view, -60 at a floor is not
X_TITLES = {"time": "t = ηT", "step": "iteration T", "seconds": "wall-clock seconds"}


def arm_configs(runs) -> dict:
    """Arm label -> its RunConfig (the first seed's), from neuronlab.analysis.beyond runs: what
    ui.figures.palette.run_colours colours the arms by."""
    configs: dict = {}
    for run in runs:
        configs.setdefault(run.arm, run.config)
    return configs


def _styles(bands: dict, configs: dict | None) -> dict[str, tuple[str, str]]:
    """Arm -> (colour, dash): the colour by what the arms differ in (an
    activation, an optimiser, n: the app's colour for it), else by position;
    dashed where a trained second layer sets an arm apart."""
    if configs:
        mine = {arm: configs[arm] for arm in bands}
        colours, dashes = run_colours(mine), run_dashes(mine)
        return {arm: (colours[arm], dashes[arm]) for arm in bands}
    return {arm: (PETROFF_10[i % len(PETROFF_10)], "solid")
            for i, arm in enumerate(bands)}  # fmt: skip


def tail_slope(frame: pd.DataFrame, column: str, x: str) -> float:
    """neuronlab.analysis.summary's tail exponent of an arm's median `column` against `x`:
    the slope of the logs over the last decade of x (NaN without 3 records)."""
    median = pd.DataFrame({"time": frame[x], "loss": frame[f"{column}_median"]})
    return tail_exponent(median)


def _guide(fig, bands, column: str, x: str, exponent: float, label: str) -> None:
    """C·x^exponent through the median of the arm whose own tail slope is nearest,
    at a tenth of its last x, over its last two decades."""
    slopes = {arm: tail_slope(b, column, x) for arm, b in bands.items()}
    slopes = {arm: s for arm, s in slopes.items() if np.isfinite(s)}
    if not slopes:
        return
    arm = min(slopes, key=lambda a: abs(slopes[a] - exponent))
    frame = bands[arm]
    t_end = frame[x].iloc[-1]
    at = frame.iloc[int(np.argmin(np.abs(frame[x].to_numpy(float) - t_end / 10)))]
    t = np.geomspace(t_end / 100, t_end, 30)
    y = at[f"{column}_median"] * (t / at[x]) ** exponent
    fig.add_trace(
        go.Scatter(
            x=t,
            y=y,
            mode="lines",
            name=f"{label}, through {arm}",
            line={"color": GUIDE_COLOUR, "dash": "dot", "width": 1.5},
            hoverinfo="skip",
        )
    )


def curves(
    bands: dict[str, pd.DataFrame],
    column: str,
    title: str,
    y_title: str,
    revision: str,
    x: str = "time",
    log_y: bool = True,
    guides: tuple = (),
    lines: tuple = (),
    y_range: tuple | None = None,
    configs: dict | None = None,
) -> go.Figure:
    """Median and band of `column` per arm against `x` on log axes (y linear if
    not log_y); `guides` (exponent, label) as power laws, `lines` (y, label) as
    horizontal references (the bound 2, the exponent -3); y_range fixes the
    y axis; configs: arm -> RunConfig (arm_configs), for colours by meaning."""
    fig = go.Figure()
    styles = _styles(bands, configs)
    for arm, frame in bands.items():
        colour, dash = styles[arm]
        fig.add_traces(band_traces(frame, column, arm, colour, log_y, x, dash))
    _finish(fig, bands, (column, y_title), x, log_y, guides, lines, y_range)
    rows = legend_rows(len(bands) + len(guides) + len(lines))
    return style(fig, title, revision, rows=rows, height=HEIGHT + 22 * rows)


def _finish(fig, bands, y, x, log_y, guides, lines, y_range) -> None:
    """Guides, reference lines and axes of a curves chart; y: (column, title)."""
    column, y_title = y
    for exponent, label in guides:
        _guide(fig, bands, column, x, exponent, label)
    for level, label in lines:  # in the legend: on the line it would sit on curves
        fig.add_hline(
            y=level,
            line={"color": GUIDE_COLOUR, "dash": "dot", "width": 1.5},
            showlegend=True,
            name=label,
        )
    fig.update_xaxes(title=X_TITLES[x], type="log", exponentformat="power")
    fig.update_yaxes(
        title=y_title, type="log" if log_y else "linear", exponentformat="power"
    )
    if y_range is not None:
        fig.update_yaxes(range=y_range)


def exponent_curves(
    bands: dict[str, pd.DataFrame], loss: dict, revision: str, laws, configs: dict
) -> go.Figure:
    """The local exponent d ln L / d ln t per arm (median and band) against t,
    with `laws` (exponent, label) as reference lines, over the stretch where it
    is a rate (ui.figures.exponent): each curve that reaches the rounding floor
    (of its median loss, `loss`: neuronlab.analysis.beyond.bands of "loss") or whose median
    rises ends in a marker that says so, never in a flat 0 or in spikes."""
    fig, styles, shown = go.Figure(), _styles(bands, configs), set()
    for arm, frame in bands.items():
        steps = loss[arm].set_index("step")["loss_median"]
        median_loss = steps.reindex(frame["step"]).to_numpy(float)
        floor = floor_share(configs[arm]) * median_loss[0]
        exponent = frame["local_exponent_median"].to_numpy(float)
        cut = stretch(median_loss, exponent, floor, t=frame["time"])
        if cut is None:
            continue
        part = frame.iloc[cut.start : cut.stop]
        # A seed that rises where the median falls would stripe the band upwards.
        high = part["local_exponent_hi"].clip(upper=RISING)
        part = part.assign(local_exponent_hi=high)
        colour, dash = styles[arm]
        traces = band_traces(part, "local_exponent", arm, colour, False, "time", dash)
        fig.add_traces(traces)
        fig.add_traces(
            end_markers(frame["time"], exponent, cut, colour, RANGE, arm, shown)
        )
    column = ("local_exponent", "exponent")
    _finish(fig, bands, column, "time", False, (), laws, RANGE)
    rows = legend_rows(len(bands) + len(laws) + len(shown))
    title = "Local exponent d ln L / d ln t"
    return style(fig, title, revision, rows=rows, height=HEIGHT + 22 * rows)


def spurious_bars(table: pd.DataFrame, revision: str) -> go.Figure:
    """Per (k, n): the share of seeds ending with L ≥ 1e-3 (bars, with counts and
    95 % Wilson intervals) beside Safran & Shamir's percentage (diamonds)."""
    bad_column = next(c for c in table.columns if c.startswith("ended with"))
    share = 100 * table["fraction"]
    counts = [
        f"{bad} of {seeds}"
        for bad, seeds in zip(table[bad_column], table["seeds"], strict=True)
    ]
    # The counts go under each bar's name: above the bar they meet its interval.
    names = [f"{a}<br>{c} seeds" for a, c in zip(table["arm"], counts, strict=True)]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=share,
            name="this lab",
            marker_color=PETROFF_10[0],
            text=counts,
            textposition="none",
            error_y={
                "type": "data",
                "symmetric": False,
                "array": 100 * table["95 % high"] - share,
                "arrayminus": share - 100 * table["95 % low"],
                "color": GUIDE_COLOUR,
            },
            hovertemplate="%{x}<br>%{y:.3g} % (%{text})<extra>this lab</extra>",
        )
    )
    paper = table["Safran & Shamir (%)"]
    fig.add_trace(
        go.Scatter(
            x=[name for name, known in zip(names, paper.notna(), strict=True) if known],
            y=paper[paper.notna()],
            mode="markers",
            name="Safran & Shamir (2018), 1000 starts",
            marker={"symbol": "diamond", "size": 13, "color": "#1f1f1f"},
            hovertemplate="%{x}<br>%{y:g} %<extra>Safran & Shamir</extra>",
        )
    )
    high = float(np.nanmax([100 * table["95 % high"].max(), paper.max(), 1.0]))
    fig.update_yaxes(title="% of seeds ending with L ≥ 1e-3", range=[0, 1.2 * high])
    fig.update_xaxes(title="teachers k (= d) and students n")
    return style(
        fig, "Seeds stuck in a spurious minimum", revision, rows=1, height=HEIGHT
    )

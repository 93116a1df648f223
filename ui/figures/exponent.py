"""Where a local-exponent curve is a rate, and where and why it stops being one.

d ln L / d ln t reads as a rate only while the loss falls above the rounding
floor. At the floor the loss no longer changes and the exponent reads 0 (a flat
line that says "stopped converging", which is false); where the loss rises
(oscillation, divergence) it spikes. So a chart draws the longest stretch of
records where it is a rate and marks each end it cuts with the reason.

Pure functions of arrays: `loss` and `exponent` (R,) on the same records.
"""

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from neuronlab.analysis.beyond import EXACT_FLOOR, FLOOR

# d ln L / d ln t above this: the loss grows from one record to the next (a
# plateau's rounding noise is ~1e-13, a real rise is of order 1 or more).
RISING = 0.1
AT_FLOOR, RISES, DIVERGED = "rounding floor", "loss rises", "diverged"
# What each end says, on hover and in the legend.
NOTES = {
    AT_FLOOR: "rounding floor reached: L no longer changes, no rate to read",
    RISES: "the loss rises (oscillates) here: no rate to read",
    DIVERGED: "the run diverged: the curve ends at its last finite record",
}
SYMBOLS = {AT_FLOOR: "circle-open", RISES: "x-thin-open", DIVERGED: "x-thin-open"}
# A word beside the marker, where one curve leaves room for it (Explore).
WORDS = {AT_FLOOR: "floor", RISES: "rises", DIVERGED: "diverged"}


@dataclass(frozen=True)
class Stretch:
    """Records start..stop-1 are drawn; why_start / why_stop say why the curve
    starts late or stops early (None: it runs from or to the run's own end)."""

    start: int
    stop: int
    why_start: str | None
    why_stop: str | None


# Several teachers: the loss sits at ~5e-17 of its start once fitted (measured,
# m = 3, n = 3, seed 0), the floor of the kernel expansion, as erf's.
TEACHERS_FLOOR = FLOOR["erf"]


def floor_share(config) -> float:
    """Below this share of L(0) a loss is rounding, not a rate (neuronlab.analysis.beyond's
    floors, and the multi-teacher loss's)."""
    if config.teachers > 1:
        return max(TEACHERS_FLOOR, FLOOR.get(config.activation, EXACT_FLOOR))
    return FLOOR.get(config.activation, EXACT_FLOOR)


def stretch(
    loss, exponent, floor: float, diverged: bool = False, t=None
) -> Stretch | None:
    """The longest run of records where `exponent` is a rate: finite, the loss
    above `floor` (an absolute level) and not rising; None if there is none.

    diverged : the run ended by divergence (its last records rise to the end).
    t : the records' times, to check the loss itself between records too: a
    median of exponents over seeds can fall where the median loss rises."""
    loss, exponent = np.asarray(loss, float), np.asarray(exponent, float)
    ok = np.isfinite(exponent) & (loss > floor) & (exponent <= RISING)
    if t is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            log_t = np.log(np.asarray(t, float))
            slope = np.diff(np.log(np.where(loss > 0, loss, np.nan))) / np.diff(log_t)
        up = slope > RISING  # NaN (t = 0, L <= 0) is no rise
        ok[1:] &= ~up
        ok[:-1] &= ~up
    edges = np.flatnonzero(np.diff(np.r_[0, ok.astype(int), 0]))
    if edges.size == 0:
        return None
    starts, stops = edges[::2], edges[1::2]
    best = int(np.argmax(stops - starts))
    start, stop = int(starts[best]), int(stops[best])
    finite = np.flatnonzero(np.isfinite(exponent))
    why_start = RISES if start > finite[0] else None
    if stop < len(loss) and loss[stop] <= floor:
        why_stop = AT_FLOOR
    elif diverged:
        why_stop = DIVERGED
    else:
        why_stop = RISES if stop < len(loss) else None
    return Stretch(start, stop, why_start, why_stop)


def end_markers(
    x, y, cut: Stretch, colour: str, y_range, name: str, shown: set, word=False
):
    """A marker at each cut end of the drawn curve, y clipped into y_range (an
    exponent of -40 before the floor sits at the bottom edge); one legend entry
    per reason over the figure (`shown` collects the reasons already named);
    word: a word beside the marker ("floor")."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    traces = []
    # The word goes on the drawn side: at a stop the curve's end may be the plot's.
    for index, why, side in (
        (cut.start, cut.why_start, "middle right"),
        (cut.stop - 1, cut.why_stop, "middle left"),
    ):
        if why is None:
            continue
        # Inside the frame by a little: a marker on the edge is cut in half.
        inside = (y_range[0] + 0.25, y_range[1] - 0.25)
        at = float(np.clip(y[index], *inside)) if np.isfinite(y[index]) else 0.0
        traces.append(
            go.Scatter(
                x=[x[index]],
                y=[at],
                mode="markers+text" if word else "markers",
                text=[WORDS[why]] if word else None,
                textposition=side,
                textfont={"size": 11, "color": colour},
                name=f"cut: {why}",  # short: a legend entry must fit a phone
                legendgroup=f"cut: {why}",
                showlegend=why not in shown,
                marker={
                    "symbol": SYMBOLS[why],
                    "size": 14,
                    "color": colour,
                    "line": {"width": 2.5, "color": colour},
                },
                hovertemplate=f"{name}<br>t %{{x:.4g}}<br>{NOTES[why]}<extra></extra>",
            )
        )
        shown.add(why)
    return traces

"""What the Sweeps heatmap marks beyond its colours (pure, on a built figure): the
legend of the cells without a value, and GD's stability line η = 4/n on n × η maps.
"""

import plotly.graph_objects as go

# Legend text of each cell state (ui.figures.sweep.STATES): what a cell means.
STATE_LEGEND = {
    "running": "… running",
    "diverged": "diverged (η above about 4/n)",
    "never": "never: not within T steps",
    "failed": "failed (hover says why)",
    "exponential": "exponential: n = 1 has no t⁻³ tail",
}
BOUNDARY = {"color": "#111111", "width": 3, "dash": "dash"}


def _entry(name: str, marker=None, line=None) -> go.Scatter:
    """A legend entry with no points on the chart."""
    mode = "markers" if marker else "lines"
    return go.Scatter(
        x=[None], y=[None], mode=mode, name=name, marker=marker, line=line
    )


def add_state_legend(fig: go.Figure, present, fills: dict) -> int:
    """One legend entry per state in `present` (fills: state -> colour); the count."""
    shown = [state for state in STATE_LEGEND if state in set(present)]
    for state in shown:
        marker = {"symbol": "square", "size": 13, "color": fills[state]}
        marker["line"] = {"color": "#888888", "width": 1}
        fig.add_trace(_entry(STATE_LEGEND[state], marker=marker))
    return len(shown)


def stability_edges(ns, etas) -> list[float] | None:
    """Per n, the border (in category positions 0, 1, ...) between the η cells below
    4/n and those at or above it, where GD diverges (DESIGN §3.5); None unless the η
    values ascend (a border between rows needs them in order)."""
    if list(etas) != sorted(etas):
        return None
    return [sum(eta < 4 / n for eta in etas) - 0.5 for n in ns]


def add_stability_boundary(fig: go.Figure, plan) -> bool:
    """Draw η = 4/n between the cells when one axis is n and the other η."""
    if {plan.x, plan.y} != {"n", "eta"}:
        return False
    ns, etas = (plan.xs, plan.ys) if plan.x == "n" else (plan.ys, plan.xs)
    edges = stability_edges(ns, etas)
    if edges is None:
        return False
    points = []
    for j, edge in enumerate(edges):
        points += [(j - 0.5, edge), (j + 0.5, edge)]
    if plan.x != "n":
        points = [(edge, j) for j, edge in points]
    path = "M " + " L ".join(f"{a},{b}" for a, b in points)
    fig.add_shape(type="path", path=path, line=BOUNDARY, xref="x", yref="y")
    fig.add_trace(_entry("η = 4/n: where GD turns unstable", line=BOUNDARY))
    return True

"""Classroom mode: the same figure with fonts a projector can carry."""

import plotly.graph_objects as go

SCALE = 1.3
BASE_FONT = 12  # plotly's default text size


def for_projector(fig: go.Figure, scale: float = SCALE) -> go.Figure:
    """Scale every font, the margins (title above, legend rows below) and the height.

    Returns a copy; the original keeps its desktop sizes.
    """
    big = go.Figure(fig)
    layout = big.layout
    layout.font.size = round((layout.font.size or BASE_FONT) * scale)
    layout.title.font.size = round((layout.title.font.size or 17) * scale)
    layout.legend.font.size = round((layout.legend.font.size or BASE_FONT) * scale)
    for annotation in layout.annotations:
        annotation.font.size = round((annotation.font.size or BASE_FONT) * scale)
    for side in ("t", "b"):
        if layout.margin[side] is not None:
            layout.margin[side] = round(layout.margin[side] * scale)
    if layout.height is not None:
        layout.height = round(layout.height * scale)
    return big

"""Figures of one run: pure functions (config, metrics frame, coords) -> go.Figure.

Every chart uses SVG `go.Scatter` (never WebGL), the same colour per student
(`student_colours`), log axes where the theory is a power law, and a uirevision
keyed by the config so zoom survives live redraws.
"""

from ui.figures.geometry import geometry_figure
from ui.figures.palette import student_colours
from ui.figures.potential import potential_figure
from ui.figures.rates import inverse_cube_root_figure, loss_figure
from ui.figures.students import (
    angles_figure,
    balance_figure,
    balancedness_figure,
    norms_figure,
    output_weights_figure,
)

__all__ = [
    "angles_figure",
    "balance_figure",
    "balancedness_figure",
    "geometry_figure",
    "inverse_cube_root_figure",
    "loss_figure",
    "norms_figure",
    "output_weights_figure",
    "potential_figure",
    "student_colours",
]

"""What a sweep can vary and what it can colour by: the Sweeps page's two registries.

The URL parser, the sidebar, the figure builder and the captions all read these,
so adding an axis or a summary is one entry here (no `if` chains elsewhere).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Axis:
    """A RunConfig field a sweep varies; `name` is the field and its URL value."""

    name: str
    label: str  # axis title
    symbol: str  # short form in hovers and the fixed-parameter line
    defaults: tuple  # values when a link names this axis without values


AXES = {
    a.name: a
    for a in (
        Axis("n", "students n", "n", (1, 2, 5)),
        Axis("sigma", "initial scale σ", "σ", (0.01, 0.1)),
        # 4/n = 0.8 at n = 5: the last value shows where GD diverges.
        Axis("eta", "step size η", "η", (0.05, 0.1, 0.2, 0.5, 1.0)),
        Axis("d", "dimension d", "d", (2, 10, 100, 1000)),
    )
}


@dataclass(frozen=True)
class Summary:
    """A column of core.sweep's table and how its heatmap is coloured.

    short : colour-bar title.
    log : colour by log10 (the value spans decades).
    mid : centre of a diverging scale, the theory's reference value (None: sequential).
    """

    name: str
    label: str
    short: str
    log: bool
    mid: float | None
    caption: str


SUMMARIES = {
    s.name: s
    for s in (
        Summary(
            "final_loss",
            "final loss L(T)",
            "L(T)",
            log=True,
            mid=None,
            caption="n = 1 falls to the float floor (~1e-31) while every n ≥ 2 is "
            "still on its slow C·(ηT)⁻³ tail: over-parameterisation is "
            "exponentially slower.",
        ),
        Summary(
            "tail_exponent",
            "tail exponent of L(t)",
            "slope",
            log=False,
            mid=-3.0,
            caption="Slope of log L against log t over the last decade: n ≥ 2 sits "
            "near −3 (white); n = 1 reads ≈ 0 only because its loss hit the floor.",
        ),
        Summary(
            "tail_C",
            "C in L ≈ C·(ηt)⁻³",
            "C",
            log=True,
            mid=None,
            caption="The slow phase's constant, median of L·(ηt)³ over the last "
            "decade (the paper's bound is of order n⁴‖v‖²); n = 1 has no such tail.",
        ),
        Summary(
            "t_below_1e-6",
            "first t with L < 1e-6",
            "t",
            log=True,
            mid=None,
            caption="Time to reach L < 1e-6 (t = η·step); a grey cell never got "
            "there within T steps.",
        ),
        Summary(
            "t_below_1e-9",
            "first t with L < 1e-9",
            "t",
            log=True,
            mid=None,
            caption="Time to reach L < 1e-9: the gap between n = 1 and n ≥ 2 grows "
            "as the target shrinks; a grey cell never got there within T steps.",
        ),
        Summary(
            "balance_final",
            "balance h_max/h_min at T",
            "h_max/h_min",
            log=False,
            mid=2.0,
            caption="The theorems keep h_max/h_min below 2 for small σ (blue); red "
            "cells show where balance fails, typically at large σ.",
        ),
        Summary(
            "norm_min_final",
            "smallest ‖wᵢ‖ at T",
            "min ‖wᵢ‖",
            log=False,
            mid=None,
            caption="Smallest student norm at the end; Theorem 6 keeps every norm "
            "above ‖v‖/4n.",
        ),
        Summary(
            "norm_max_final",
            "largest ‖wᵢ‖ at T",
            "max ‖wᵢ‖",
            log=False,
            mid=None,
            caption="Largest student norm at the end; Theorem 6 keeps every norm "
            "below 4‖v‖/n.",
        ),
    )
}
DEFAULT_X, DEFAULT_Y, DEFAULT_SUMMARY = "n", "sigma", "final_loss"

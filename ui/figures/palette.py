"""Every colour of the app, one per meaning: a student, a teacher, a value of n,
an activation, an optimiser, an initialisation. A chart that compares along one
of these takes its colours from here, so ReLU, GD or n = 1 look the same on
Explore, Compare, Phases and Beyond.

Students: a colour-blind-safe qualitative palette for up to 10 (Petroff 2021,
"Accessible color sequences for data visualization", 10 colours), a sequential
scale by index beyond. n: black for n = 1 (the fast reference, as in the paper's
Figure 1), a sequential scale by the value of n (not its rank) for n >= 2. The
paper's own setting (ReLU, GD, Gaussian start) is blue in its palette.
"""

import math

import numpy as np
from plotly.colors import sample_colorscale

PETROFF_10 = (
    "#3f90da",
    "#ffa90e",
    "#bd1f01",
    "#94a4a2",
    "#832db6",
    "#a96b59",
    "#e76300",
    "#b9ac70",
    "#717581",
    "#92dadd",
)
QUALITATIVE_MAX = len(PETROFF_10)
TEACHER_COLOUR = "#111111"
GUIDE_COLOUR = "#555555"  # fitted laws and reference lines, dotted
BAND_COLOUR = "rgba(63, 144, 218, 0.12)"  # Theorem 6's norm band
SEEDS_COLOUR = "#2ca58d"  # a median over seeds: no other meaning uses it
ONE_COLOUR = "#1f1f1f"  # n = 1
MEASURED, PREDICTED = "#1f1f1f", "#bd1f01"  # a measurement against its theory
N_SCALE, N_TOP = "Plasma", 20  # n from 2 to N_TOP spans the scale

ACTIVATIONS = {
    "relu": PETROFF_10[0],
    "linear": PETROFF_10[1],
    "abs": PETROFF_10[4],
    "erf": PETROFF_10[2],
    "quadratic": PETROFF_10[6],
}
OPTIMISERS = {
    "gd": PETROFF_10[0],
    "momentum": PETROFF_10[1],
    "nesterov": PETROFF_10[4],
    "adam": PETROFF_10[5],
    "gauss_newton": PETROFF_10[2],
}
# Gauss-Newton's dampings: three reds (its own hue), √L the default.
DAMPINGS = {"sqrt_loss": PETROFF_10[2], "loss": PETROFF_10[6], "fixed": "#7a1501"}
INITS = {
    "gaussian": PETROFF_10[0],
    "sphere": PETROFF_10[1],
    "student_t": PETROFF_10[4],
    "orthogonal": PETROFF_10[5],
    "uniform": PETROFF_10[6],
}


def student_colours(n: int) -> list[str]:
    """One colour per student, identical on every chart of the run."""
    if n <= QUALITATIVE_MAX:
        return list(PETROFF_10[:n])
    # Viridis stops short of its pale yellow end, which vanishes on white.
    return sample_colorscale("Viridis", list(np.linspace(0.0, 0.85, n)))


def teacher_colours(m: int) -> list[str]:
    """One colour per teacher v_j: dark to mid grey-blue (Cividis), apart from
    the students' palette."""
    return sample_colorscale("Cividis", list(np.linspace(0.0, 0.6, m)))


def n_colour(n: int) -> str:
    """n = 1 black; n >= 2 on Plasma by log n (short of its pale end), so n = 5
    has one colour wherever it is drawn, whatever else is on the chart."""
    if n == 1:
        return ONE_COLOUR
    where = math.log(n / 2) / math.log(N_TOP / 2)
    return sample_colorscale(N_SCALE, [0.05 + 0.7 * min(max(where, 0.0), 1.0)])[0]


def activation_colour(activation: str, alpha: float = 0.0) -> str:
    """ReLU (leaky α = 0), linear (α = 1) and |z| (α = −1) by name; other leaky
    slopes between them on a scale by α; erf and quadratic their own."""
    if activation == "leaky_relu":
        named = {0.0: "relu", 1.0: "linear", -1.0: "abs"}.get(float(alpha))
        if named is None:
            return sample_colorscale("Cividis", [0.15 + 0.6 * (alpha + 1) / 2])[0]
        activation = named
    return ACTIVATIONS[activation]


def optimiser_colour(optimizer: str, damping: str = "sqrt_loss") -> str:
    """One colour per optimiser; Gauss–Newton's dampings in shades of its red."""
    if optimizer == "gauss_newton":
        return DAMPINGS[damping]
    return OPTIMISERS[optimizer]


# Which palette a set of runs takes, by the fields that differ between them
# (first match): the one meaning the chart compares.
MEANINGS = (
    (("activation", "alpha"), lambda c: activation_colour(c.activation, c.alpha)),
    (("optimizer", "damping"), lambda c: optimiser_colour(c.optimizer, c.damping)),
    (("init",), lambda c: INITS[c.init]),
    (("n",), lambda c: n_colour(c.n)),
)


# The output layer is a line style, not a colour, so that it combines with the
# meaning a chart colours by (Beyond's question 6: n by colour, trained dashed).
OUTPUT_DASHES = {"fixed": "solid", "trained": "dash"}


def run_dashes(configs: dict) -> dict:
    """label -> line dash for runs label -> RunConfig: a trained second layer
    dashed where the runs differ in their output layer, all solid else."""
    differ = len({c.output for c in configs.values()}) > 1
    return {
        label: OUTPUT_DASHES[c.output] if differ else "solid"
        for label, c in configs.items()
    }


def run_colours(configs: dict) -> dict:
    """label -> colour for runs label -> RunConfig: by the meaning they differ in
    (MEANINGS); by position in PETROFF_10 when none (or two runs of one meaning
    would share a colour and a dash: run_dashes)."""
    found, dashes = list(configs.values()), run_dashes(configs)
    for fields, colour in MEANINGS:
        if any(getattr(c, f) != getattr(found[0], f) for c in found for f in fields):
            colours = {label: colour(c) for label, c in configs.items()}
            if len({(colours[k], dashes[k]) for k in configs}) == len(colours):
                return colours
            break
    return {label: PETROFF_10[i % QUALITATIVE_MAX] for i, label in enumerate(configs)}

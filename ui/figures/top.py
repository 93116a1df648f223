"""Explore's top, true for the run on screen: the headline names the setting (the
paper's claim where it applies, what this setting is where it does not: several
teachers, Gauss–Newton, erf, ...) and "here" says what the run did, measured.

The setting is ui.figures.captions.tail_law's (one classification for the top,
the captions and the charts). Pure functions of a RunConfig and metrics frames.
"""

import numpy as np

from neuronlab.analysis.summary import tail_exponent
from ui.figures.captions import turned_away
from ui.figures.exponent import floor_share

PAPER = (
    "**One student learns a ReLU teacher exponentially fast; two or more learn it "
    "only like t⁻³.** Gradient descent on the same problem, from the same start, "
    "is exponentially slower when the student has more neurons than it needs "
    "(Xu & Du, COLT 2023). Below: a live run, then six charts of what the proofs "
    "track, each with what to look for and a link to its claim on the Theory page."
)
OPTIMISERS = {"momentum": "Heavy-ball momentum", "nesterov": "Nesterov", "adam": "Adam"}
# Loss still above this share of its start: the run is stuck, not converging.
STUCK = 1e-3


def _teachers(config) -> str:
    m, n = config.teachers, config.n
    if n < m:
        case = (
            f"with fewer students than teachers (n = {n} < m = {m}) the loss cannot "
            "reach 0: it stops at a positive level."
        )
    elif n == m:
        case = (
            "with one student per teacher (n = m) each can take a teacher of its "
            "own, and GD then converges fast, unless two students pick the same "
            "teacher (Safran & Shamir's spurious minima)."
        )
    else:
        case = (
            "with more students than teachers some teacher is shared: whether "
            "that slows GD like t⁻³ is open."
        )
    return (
        f"**{m} orthonormal teachers, n = {n} students: the paper's t⁻³ law is for "
        f"one teacher.** The loss is a sum over teachers; {case} The charts show "
        "each student's nearest teacher instead of the one-teacher quantities."
    )


def _setting(config, setting: str) -> str:
    """The headline of a setting outside the paper's (ReLU, GD, one teacher)."""
    n, alpha = config.n, config.alpha
    words = {
        "diverged": f"**This run diverged.** Plain GD is stable for η below about "
        f"4/n = {4 / n:.3g}; here η = {config.eta:g}. Lower η and run again.",
        "samples": f"**Finite samples (N = {config.samples:,}): the students fit "
        "these inputs, not the teacher.** The population loss stops at a floor set "
        "by N, so no rate law holds at the end; the paper's setting is N = ∞.",
        "linear": "**A linear student (α = 1): over-parameterising costs nothing.** "
        "The loss is least squares in Σwᵢ, so GD converges exponentially for "
        f"every n: n = {n} and n = 1 fall alike.",
        "leaky": f"**σ(z) = αz + (1 − α)[z]₊ with α = {alpha:g}: no paper proves a "
        "rate.** α runs from ReLU (0, t⁻³ for n ≥ 2) to linear (1, exponential); "
        "read the measured local exponent below to see which this is closer to.",
        "erf": "**erf students: the paper's law is for ReLU, and a smooth odd "
        "activation learns differently.** erf(λz) is not λ·erf(z), so students "
        "cannot split the teacher among them as ReLU ones do: extra students "
        "shrink, or pair up pointing opposite ways and cancel (erf is odd).",
        "quadratic": "**Quadratic students, σ(z) = z²: matrix sensing.** With "
        "n > m over-parameterisation slows GD from linear to Θ(t⁻²) (Xiong, Ding & "
        "Du 2024), the same group's result; with n ≤ m it converges linearly.",
        "gauss_newton": "**Gauss–Newton on the paper's problem: no t⁻³ slow-down.** "
        "It rescales each direction by its curvature, so the flat directions that "
        "make GD slow for n ≥ 2 (Phases: the Hessian's small eigenvalues) are no "
        "longer slow. The t⁻³ law is GD's, not the problem's.",
        "output": "**Trained output weights aᵢ: the paper fixes aᵢ = 1.** For ReLU "
        "aᵢ[wᵢᵀx]₊ = [(aᵢwᵢ)ᵀx]₊, so the network is the paper's in uᵢ = aᵢwᵢ, and "
        "gradient flow conserves aᵢ² − ‖wᵢ‖²; no paper we know proves the rate. "
        "Read the measured local exponent below (−3 would be the paper's law) and "
        "the Beyond page's question 6.",
        "optimizer": f"**{OPTIMISERS.get(config.optimizer, config.optimizer)}: the "
        "paper's t⁻³ is plain GD's law; this optimiser's rate is open.** Read the "
        "measured local exponent below (−3 would be GD's law).",
    }
    return _teachers(config) if setting == "teachers" else words[setting]


def headline(config, law) -> str:
    """The top's markdown for `config` (law: captions.tail_law of the run)."""
    return PAPER if law.setting == "paper" else _setting(config, law.setting)


def ending(frame, config) -> str:
    """What the loss did, measured: reached the rounding floor (and when), sits
    stuck, or still falls (with its last-decade slope)."""
    t, loss = frame["time"].to_numpy(float), frame["loss"].to_numpy(float)
    floor = floor_share(config) * loss[0]
    below = np.flatnonzero(loss <= floor)
    if below.size:
        return f"reaches the rounding floor by t ≈ {t[below[0]]:.3g}"
    slope = tail_exponent(frame)
    if loss[-1] > STUCK * loss[0] or not np.isfinite(slope) or slope > -0.05:
        return f"stays at L ≈ {loss[-1]:.3g} (it has stopped falling)"
    slope_text = f"{slope:.2f}".replace("-", "−")
    return (
        f"falls to L = {loss[-1]:.3g}, log-log slope {slope_text} over its last decade"
    )


def here(frame, config, law) -> str:
    """One measured sentence about the run on screen, for a setting outside
    the paper's: how its loss ends, and which students turned away."""
    if law.setting == "paper":
        return ""
    words = f"**Here:** the loss of n = {config.n} {ending(frame, config)}."
    away = turned_away(frame, config.n) if config.teachers == 1 else ""
    return words + (f" Not every student turns toward it: {away}." if away else "")


BASICS = ("n", "d", "sigma", "eta", "steps", "seed")
SYMBOLS = {"sigma": "σ", "eta": "η", "teachers": "m"}


def run_title(config) -> str:
    """A run in words, for a file's title: its basics, then every field that
    differs from the paper's setting ("n = 3, d = 10, σ = 0.01, η = 0.1,
    100,000 steps, seed 0; activation erf")."""
    fields, default = config.to_dict(), type(config)().to_dict()
    basics = ", ".join(
        f"{fields['steps']:,} steps"
        if name == "steps"
        else f"seed {fields['seed']}"
        if name == "seed"
        else f"{SYMBOLS.get(name, name)} = {fields[name]:g}"
        for name in BASICS
    )
    extras = [
        f"{SYMBOLS.get(name, name)} = {value}"
        for name, value in fields.items()
        if name not in BASICS and value != default[name]
    ]
    return basics + ("; " + ", ".join(extras) if extras else "")

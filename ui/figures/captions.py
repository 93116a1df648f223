"""What Explore's charts say about the run on screen: the law its tail follows
(a power of t, exponential decay, or none, with the reason) and each chart's
one-line caption, computed from the run (n, m, method, status, activation,
optimiser), never the same sentences for every run.

Pure functions of a RunConfig (and a Trajectory): no streamlit, testable alone.
"""

from dataclasses import dataclass

from neuronlab.analysis.fits import fit_exponential_tail, fit_power_tail
from ui.figures.students import output_layer_captions
from ui.figures.style import student_name

POWER, EXPONENTIAL, NONE = "power", "exponential", "none"
SUPERSCRIPT = str.maketrans("-0123456789/", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹ᐟ")
# Where each chart's claim is stated on the Theory page: (label, anchor).
CLAIMS = {
    "loss": ("The theorems: exponential for n = 1, T⁻³ for n ≥ 2", "theorems"),
    "inv_cbrt": ("Theorem 6: L⁻¹ᐟ³ grows linearly", "three-phases"),
    "angles": ("Theorem 4: alignment", "three-phases"),
    "balance": ("Theorem 4: the students stay balanced", "three-phases"),
    "norms": ("Theorem 6: the norm band", "three-phases"),
    "potential": ("The potential Z and the lower bound", "the-potential-z"),
}
# Explore's diagnostic charts in two groups: (heading, chart names).
GROUPS = (
    ("How fast: the loss", ("loss", "inv_cbrt")),
    ("Why: what the students do", ("angles", "balance", "norms", "potential")),
)


def groups(config) -> tuple:
    """GROUPS, and the second layer's charts where its output weights train."""
    if config.output != "trained":
        return GROUPS
    return (*GROUPS, ("The second layer: output weights", ("output", "balancedness")))


@dataclass(frozen=True)
class Law:
    """How a run's loss falls at the end: kind POWER (L ≈ C t^exponent),
    EXPONENTIAL (a straight line on log-linear axes) or NONE (nothing to fit);
    `why` says which result (or which missing one) decides it; `setting` names
    the case (a key of ui.figures.top's headlines: "paper", "erf", ...)."""

    kind: str
    why: str
    exponent: float | None = None
    setting: str = "paper"

    @property
    def power_text(self) -> str:
        """ "t⁻³" for exponent -3 (only for POWER)."""
        return "t" + f"{self.exponent:g}".translate(SUPERSCRIPT)

    @property
    def root_text(self) -> str:
        """ "L⁻¹ᐟ³" for exponent -3: the power of L that is straight in t."""
        return "L" + f"-1/{-self.exponent:g}".translate(SUPERSCRIPT)


def _activation_law(config) -> Law | None:
    name, alpha = config.activation, config.alpha
    over = config.n > config.teachers
    if name == "leaky_relu" and alpha == 1:
        why = "linear activation (α = 1): least squares in Σwᵢ, linear for every n"
        return Law(EXPONENTIAL, why, setting="linear")
    if name == "leaky_relu" and alpha != 0:
        shape = "|z|" if alpha == -1 else f"leaky ReLU with α = {alpha:g}"
        why = f"{shape}: no paper proves a rate (an open question)"
        return Law(NONE, why, setting="leaky")
    if name == "erf":
        why = "erf: no proven rate; extra students must die or merge instead"
        return Law(NONE, why, setting="erf")
    if name == "quadratic" and over:
        why = "quadratic: over-parameterised matrix sensing, Θ(t⁻²) (Xiong et al. 2024)"
        return Law(POWER, why, -2.0, "quadratic")
    if name == "quadratic":
        why = "quadratic with n ≤ m: exactly parameterised, linear"
        return Law(EXPONENTIAL, why, setting="quadratic")
    return None


def tail_law(config, status: str = "completed") -> Law:
    """The law a run's tail follows, from its config and status (most decisive
    first: divergence, finite samples, the activation, the optimiser, n and m)."""
    if status == "diverged":
        return Law(NONE, "the run diverged: no rate to read", setting="diverged")
    if config.method == "sgd":
        why = f"finite samples (N = {config.samples:,}): L stops at a floor"
        return Law(NONE, why, setting="samples")
    if (law := _activation_law(config)) is not None:
        return law
    if config.optimizer == "gauss_newton":
        why = "Gauss–Newton preconditions the slow directions away"
        return Law(NONE, why, setting="gauss_newton")
    if config.optimizer != "gd":
        why = f"t⁻³ is plain GD's law; {config.optimizer}'s is open"
        return Law(NONE, why, setting="optimizer")
    if config.teachers > 1:
        why = f"m = {config.teachers} teachers: the t⁻³ law is for one"
        return Law(NONE, why, setting="teachers")
    if config.output == "trained":
        if config.n == 1:
            return Law(EXPONENTIAL, "one student, its output weight trained too",
                       setting="output")  # fmt: skip
        why = "trained output weights: t⁻³ is proved for aᵢ = 1, here it is measured"
        return Law(NONE, why, setting="output")
    if config.n == 1:
        return Law(EXPONENTIAL, "one student: exponential (Yehudai & Shamir 2020)")
    return Law(POWER, "n ≥ 2 students: Θ(t⁻³) (Xu & Du 2023)", -3.0)


def floor_level(frame) -> float:
    """Geometric mean of the loss over the last decade of time: the level a run
    that has stopped falling sits at."""
    fit = fit_power_tail(
        frame["time"].to_numpy(float), frame["loss"].to_numpy(float), 0.0
    )
    return float("nan") if fit is None else fit.C


def _decay(frame) -> str:
    """The fitted rate, and where the decay leaves double precision, if it does."""
    t, loss = frame["time"].to_numpy(float), frame["loss"].to_numpy(float)
    fit = fit_exponential_tail(t, loss)
    if fit is None:
        return "exponential decay is a straight line"
    end = (
        f"from t ≈ {fit.t_end:.3g} on the loss sits at (GD) or falls past (flow) "
        "double precision's floor, ~1e-30 of its start, and the axis stops soon after"
        if fit.t_end < t[-1]
        else "and it is still falling when the run ends"
    )
    return (
        f"exponential decay is a straight line, here at rate λ = {fit.rate:.3g}; {end}"
    )


def _loss(trajectory, law: Law) -> str:
    config, frame = trajectory.config, trajectory.metrics
    if trajectory.status == "diverged":
        return (
            f"The run diverged after step {int(trajectory.steps[-1]):,}: the charts end "
            "at its last finite record. No rate to read, so no guide."
        )
    if config.method == "sgd":
        return (
            f"Finite samples: the training loss (dashed) keeps falling, while the "
            f"population loss L levels off near {floor_level(frame):.2g}: the students "
            f"fit these {config.samples:,} inputs, not the teacher. No t⁻³ law holds "
            "at a floor, so no guide."
        )
    if law.kind == POWER:
        contrast = "; n = 1, in black, falls exponentially" if config.n > 1 else ""
        return (
            f"The law here: {law.why}. The loss bends from fast decay onto the dotted "
            f"C·{law.power_text} guide (fitted on the last decade{contrast}); below, "
            f"the local exponent creeps to {law.exponent:g}, slowly.".replace(
                "to -", "to −"
            )
        )
    if law.kind == EXPONENTIAL:
        return (
            f"The law here: {law.why}. On these log-linear axes (t linear) "
            f"{_decay(frame)}."
        )
    return (
        f"No guide: {law.why}. Read the measured local exponent below (−3 would "
        "be the paper's law); a marker ends it where it stops being a rate (the "
        "rounding floor, a rising loss)."
    )


def _inv_cbrt(config, law: Law) -> str:
    if law.kind == POWER:
        return (
            f"In the slow phase {law.root_text} grows linearly in t: a straight line "
            f"here is the {law.power_text} law; the dotted line is fitted on the "
            "second half of the run."
        )
    if law.kind == EXPONENTIAL:
        return (
            "L⁻¹ᐟ³ is the straight line of a t⁻³ law, which does not apply: with "
            "exponential decay it shoots up, until the rounding floor ends it "
            "(marker). No line is fitted."
        )
    return f"No line is fitted: {law.why}. L⁻¹ᐟ³ would be straight for a t⁻³ law."


ALIGNED = 0.1  # rad: a student this close to the teacher at the end has found it


def turned_away(frame, n: int) -> str:
    """The students that end more than ALIGNED from the teacher, with their final
    θᵢ and norm ("w₂ ends at θ = 3.07 rad, ‖w₂‖ = 0.221"), joined; "" when all
    of them align."""
    last = frame.iloc[-1]
    words = [
        f"{student_name(i)} ends at θ = {last[f'theta_{i}']:.2f} rad, "
        f"‖{student_name(i)}‖ = {last[f'norm_{i}']:.3g}"
        for i in range(1, n + 1)
        if f"theta_{i}" in frame and last[f"theta_{i}"] > ALIGNED
    ]
    return ", ".join(words)


def _per_student(config, law: Law, frame) -> dict[str, str]:
    n, v = config.n, config.teacher_norm
    if config.teachers > 1:
        m = config.teachers
        return {
            "angles": f"θᵢ is the angle to one teacher; with m = {m} each line is "
            "student i's angle to its nearest teacher (legend: at the last record).",
            "balance": "h_max/h_min and H are defined for one teacher: instead, the "
            "share of each teacher's norm its nearest students carry (1 = exactly).",
            "norms": f"Theorem 6's band [‖v‖/4n, 4‖v‖/n] is for one teacher, so it is "
            f"not drawn for m = {m}; students sharing a teacher split its norm.",
            "potential": "Z is defined for one teacher: instead, each student's "
            "nearest teacher over time, i.e. who carries whom.",
        }
    proved = (config.activation, config.optimizer, config.output) == (
        "relu", "gd", "fixed"
    )  # fmt: skip
    if n == 1:
        return {
            "angles": "One student turns straight to the teacher: θ₁ → 0 exponentially.",
            "balance": "h_max/h_min ≡ 1 for one student: balance is about sharing "
            "the teacher among n ≥ 2.",
            "norms": f"The one student's norm goes to ‖v‖ = {v:g}, inside the band "
            "[‖v‖/4n, 4‖v‖/n] = [‖v‖/4, 4‖v‖].",
            "potential": "Z ≡ 0 for one student (no zᵢ − zⱼ): no slow mode, the "
            "reason n = 1 is fast.",
        }
    slow = law.kind == POWER and proved
    # Outside the theorems (erf: odd, so two students can cancel) say what happened.
    away = "" if proved else turned_away(frame, n)
    angles = (
        "Each student turns toward the teacher: fast while small (phase 1)"
        + (", then θᵢ shrinks like 1/t." if slow else ".")
        if not away
        else f"Not every student turns toward the teacher here: {away}."
    )
    return {
        "angles": angles,
        "balance": "The theorems keep h_max/h_min below 2 for small σ; at large σ it "
        "can exceed 2 and t⁻³ still holds."
        + ("" if proved else " (Proved for ReLU and plain GD.)"),
        "norms": "Norms settle inside the shaded band [‖v‖/4n, 4‖v‖/n]: the implicit "
        "regularisation of Theorem 6." + ("" if proved else " (Proved for ReLU GD.)"),
        "potential": (
            "Z = Σ‖zᵢ − zⱼ‖, the lower bound's potential, decays like 1/t: 1/Z "
            "(below) is a straight line."
            if slow
            else "Z = Σ‖zᵢ − zⱼ‖, the lower bound's potential; its 1/t law is "
            "proved for ReLU GD with n ≥ 2, so no line is fitted to 1/Z here."
        ),
    }


def captions(trajectory) -> dict[str, str]:
    """Chart name -> its caption for this run (loss, inv_cbrt, angles, balance,
    norms, potential, geometry; output and balancedness with a trained layer)."""
    config = trajectory.config
    law = tail_law(config, trajectory.status)
    geometry = (
        "Students as arrows from the origin: x along v̄, y along their main "
        "orthogonal direction u; dotted, each one's path so far. Press Play or drag "
        "the slider; the axes stay fixed over the run (the toggle makes them follow)."
    )
    if config.teachers > 1:
        geometry += " With m teachers, v̄ is the first teacher's direction."
    words = {
        "loss": _loss(trajectory, law),
        "inv_cbrt": _inv_cbrt(config, law),
        **_per_student(config, law, trajectory.metrics),
    }
    return (
        {name: _with_claim(name, text) for name, text in words.items()}
        | {"geometry": geometry}
        | (output_layer_captions(trajectory) if config.output == "trained" else {})
    )


def _with_claim(name: str, text: str) -> str:
    """The caption and a link to the claim it illustrates on the Theory page."""
    label, anchor = CLAIMS[name]
    return f"{text} [{label} →](theory#{anchor})"

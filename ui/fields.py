"""Every page's parameters and presets, declared once (DESIGN §4).

A link, a widget, a preset and a page's work all read these, so a value that one
path refuses no other path reaches, and every message quotes the app's range.
Adding a URL parameter to a page is one declaration here (a new RunConfig field:
one `config(...)` in ui.run_fields, which also holds the app's limits); the
Theory page's link reference lists it by itself.
"""

from neuronlab.analysis.experiments import EXPERIMENTS
from neuronlab.analysis.toys import COLLAPSE_NS, TOYS
from neuronlab.config import MAX_SEED
from ui.form import Page, presets
from ui.run_fields import (
    ETA,
    MODEL,
    NORM,
    OPTIMISER,
    SEED,
    SIGMA,
    STEPS,
    D,
    N,
    batch_within_samples,
    d_within_caps,
    other_than_x,
    samples_within_caps,
    unswept,
    values_of,
)
from ui.schema import Field, config
from ui.sweep_plan import AXES, FIXED_FIELDS, SUMMARIES

_GD_ONLY = "this page sweeps GD only; `python -m neuronlab sweep --method ...` does all"
SEEDS = Field("seeds", 1, "int", 1, 20, widget="slider", label="Seeds (0, 1, …)")
EXPLORE = Page(
    "explore",
    "Explore",
    (
        config(
            "method", "choice", label="Method", widget="segmented", advanced=True
        ).but(names={"gd": "GD", "flow": "Gradient flow", "sgd": "Finite-sample GD"}),
        N,
        D.but(help="Costs the same for any d: the run lives in span{v, wᵢ(0)}.").but(
            given=d_within_caps
        ),
        SIGMA.but(help="W₀ = σ · N(0, I), log scale."),
        ETA.but(help="GD diverges above about η = 4/n."),
        STEPS.but(help="Log scale, up to 1e8."),
        SEED,
        SEEDS.but(label="Seeds K (median and band)", advanced=True)
        .but(meaning="K: seeds seed, …, seed + K − 1 as a median and 10–90 % band")
        .but(
            help="Seeds seed, …, seed + K − 1 of this run: their median and 10–90 % "
            "band on the loss charts, computed in the background."
        ),
        NORM.but(widget="log", advanced=True, help="v = ‖v‖ e₁."),
        config("samples", 1, 100_000, label="Samples", widget="number").but(
            advanced=True, given=samples_within_caps
        ),
        config("batch", 1, 100_000, none="full", widget="number").but(
            label="Batch (empty = full batch)",
            advanced=True,
            given=batch_within_samples,
        ),
        *MODEL,
        *OPTIMISER,
    ),
    presets("explore"),
)


def _axis_values(name: str, axis: str, default: list, hint: str) -> Field:
    """xs (ys, values): comma-separated values of the field that `axis` names."""
    given = values_of(axis, EXPLORE.field)
    return Field(name, default, "list", most=1000, lenient=True, given=given).but(
        widget="text", help=f"Comma-separated, e.g. {hint}."
    )


AXIS_NAMES = {name: axis.label for name, axis in AXES.items()}


def _along(f: Field, values) -> Field:
    """Compare's fields by what it compares: n against n = 1 (ns), or the values
    of the field `along` at a fixed n; the compared field is no fixed knob."""
    along, name = values["along"], f.name
    if name in ("values", "n") and along == "n":
        return f.but(unused="is read when along is not n (then ns compares n)")
    if name == "values":
        return values_of("along", EXPLORE.field)(f, values)
    if name == "ns" and along != "n":
        return f.but(unused=f"is read when along = n (here along = {along})")
    return f.but(unused="is the compared field: see values") if name == along else f


COMPARE = Page(
    "compare",
    "Compare",
    (
        Field("along", "n", "choice", options=tuple(AXES), widget="select").but(
            label="Compare along",
            names=AXIS_NAMES,
            resets=("values",),
            help="n: n = 1 against each n (the paper's Figure 1); any other field: "
            "one curve per value, the same seeds.",
        ),
        _axis_values("values", "along", [], "gd, momentum, adam: one curve each").but(
            given=_along,
            most=8,
            meaning="the values of the field along, one curve each",
        ),
        Field("ns", [2, 5, 10], "list", item=Field("ns", 2, "int", 2, 20), most=5)
        .but(options=(2, 3, 4, 5, 6, 8, 10, 12, 15, 20), widget="multiselect")
        .but(label="Students n (against n = 1)", meaning="the n compared with n = 1")
        .but(given=_along),
        N.but(high=20, given=_along),
        SEEDS.but(default=5),
        D.but(default=5, given=_along),
        SIGMA.but(default=0.1, low=1e-4, high=1.0, advanced=True, given=_along),
        ETA.but(default=0.05, low=1e-3, high=0.2, advanced=True, given=_along),
        STEPS.but(default=50_000, low=1_000, high=200_000, advanced=True),
    ),
    presets("compare"),
)
AT_CHOICES = (1, 3, 10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000, 300_000)
PHASES = Page(
    "phases",
    "Phases",
    (
        N.but(default=3, high=20),
        D.but(default=20),
        SIGMA.but(default=1e-4, low=1e-6, high=2.0),
        ETA.but(default=0.01, low=1e-4, high=0.5),
        STEPS.but(default=200_000, low=100, high=1_000_000),
        SEED,
        NORM.but(widget="log", advanced=True, help="v = ‖v‖ e₁; H = ‖v‖ − Σhᵢ."),
        # Within the default T = 200,000 (views/phases.py says which fall beyond T).
        Field("at", [10, 100, 1_000, 10_000, 100_000], "list", most=8)
        .but(item=Field("at", 1, "int", 1, 10**6), widget="multiselect", advanced=True)
        .but(options=AT_CHOICES)
        .but(label="Spectrum at steps", meaning="steps where the spectrum is shown"),
    ),
    presets("phases"),
)
WITH_N = ("toy3", "toy3+eps", "remark26")  # toys 1 and 2 fix their own n
TOY_CASES = Page(
    "toys",
    "Toy cases",
    (
        Field("preset", "toy1", "choice", options=tuple(TOYS), widget="radio").but(
            label="Toy case",
            meaning="which toy case",
            names={
                "toy1": "Toy 1: mirror pair",
                "toy2": "Toy 2: parallel to the teacher",
                "toy3": "Toy 3: identical students",
                "toy3+eps": "Toy 3 + ε: perturbed",
                "remark26": "Remark 26: collapse to 0",
            },
        ),
        Field("n", 2, "choice", options=COLLAPSE_NS, label="Students n")
        .but(widget="segmented", help="Exact in binary: c = 1/n, η = 2/n (Remark 26).")
        .but(given=lambda n, v: n if v["preset"] in WITH_N else n.but(widget="")),
    ),
)
SWEEPS = Page(
    "sweeps",
    "Sweeps",
    (
        Field(
            "x", "n", "choice", options=tuple(AXES), label="Across (x)", widget="select"
        ).but(names=AXIS_NAMES, resets=("xs",)),
        _axis_values("xs", "x", [1, 2, 5], "1, 2, 5. Cells are equally spaced"),
        Field(
            "y", "sigma", "choice", label="Down (y)", widget="select", names=AXIS_NAMES
        ).but(given=other_than_x, resets=("ys",)),
        _axis_values("ys", "y", [0.01, 0.1], "0.01, 0.1. Cells are equally spaced"),
        Field(
            "summary", "final_loss", "choice", options=tuple(SUMMARIES), widget="select"
        ).but(label="Colour by", names={k: s.label for k, s in SUMMARIES.items()}),
        *(
            EXPLORE.field(f).but(advanced=False, given=unswept)
            for f in FIXED_FIELDS[:4]
        ),
        NORM.but(given=unswept),
        STEPS.but(default=20_000, low=100, high=10**10),
        SEED.but(label="First seed", advanced=False),
        SEEDS.but(high=1000, widget="number", label="Seeds per cell").but(
            given=lambda k, v: k.narrowed(MAX_SEED + 1 - v["seed"], "last ≤ 2**32 - 1")
        ),
        Field("method", "gd", "choice", options=("gd",), why=_GD_ONLY),
    ),
)


def _knob(knob: Field, values) -> Field:
    """An experiment's knob, at the experiment's default; unused by the others."""
    knobs = EXPERIMENTS[values["experiment"]].knobs
    if knob.name not in knobs:
        having = [k for k, e in EXPERIMENTS.items() if knob.name in e.knobs]
        return knob.but(unused=f"is a knob of experiment {' and '.join(having)} only")
    return knob.but(default=knobs[knob.name])


KNOBS = (
    N.but(high=12, widget="number"),
    D.but(high=100, advanced=False),
    SIGMA.but(low=1e-6, high=1.0),
    ETA.but(high=1.0),
    STEPS.but(low=100, high=10**6, label="Steps T per run"),
    Field("newton_steps", 300, "int", 10, 10_000, widget="log").but(
        label="Gauss–Newton steps"
    ),
    Field("k", 8, "int", 2, 12, widget="number", label="Teachers k (= d)"),
)
BEYOND = Page(
    "beyond",
    "Beyond the paper",
    (
        Field("experiment", "activation", "choice", options=tuple(EXPERIMENTS)).but(
            widget="radio",
            label="Question",
            meaning="which experiment",
            names={
                "activation": "1 · Is it ReLU's kink?",
                "initialisation": "2 · Is it the initialisation?",
                "optimiser": "3 · Can an optimiser fix it?",
                "teachers": "4 · Several teachers",
                "stepsize": "5 · Does the step size matter?",
                "output": "6 · A trained second layer?",
            },
            resets=("seeds", *(k.name for k in KNOBS)),
        ),
        Field("seeds", 3, "int", 1, 200, widget="number", label="Seeds per curve").but(
            given=lambda f, v: f.but(default=EXPERIMENTS[v["experiment"]].seeds)
        ),
        *(knob.but(given=_knob, config=False, group="Knobs") for knob in KNOBS),
    ),
    presets("beyond"),
)


def _landscape(f: Field, values) -> Field:
    """The run's fields for a run's end or its minimum; k and seeds for a stuck
    seed or its split point (the seed serves both)."""
    from_run = values["point"] in ("run", "global")
    if f.name in ("k", "seeds") and from_run:
        return f.but(unused="is read for a Safran–Shamir point (stuck, split)")
    if f.name not in ("k", "seeds", "seed") and not from_run:
        return f.but(unused="is read for a run's end or its global minimum")
    return f


LANDSCAPE = Page(
    "landscape",
    "Landscape",
    (
        Field("point", "run", "choice", options=("run", "global", "stuck", "split"))
        .but(widget="radio", label="Point", meaning="which critical point")
        .but(
            names={
                "run": "End of a GD run, polished",
                "global": "That run's global minimum",
                "stuck": "Safran–Shamir stuck seed",
                "split": "Its split point (n = k + 1)",
            }
        ),
        N.but(default=3, high=10, given=_landscape),
        D.but(default=5, high=50, advanced=False, given=_landscape),
        SIGMA.but(default=0.1, low=1e-4, high=1.0, given=_landscape),
        ETA.but(default=0.1, low=1e-3, high=0.5, given=_landscape),
        STEPS.but(default=20_000, low=100, high=1_000_000, given=_landscape),
        SEED.but(label="Seed (a stuck search's first)", given=_landscape),
        Field("k", 8, "int", 6, 10, widget="number", label="Teachers k = n (= d)").but(
            given=_landscape
        ),
        Field("seeds", 40, "int", 1, 2_000, widget="number", label="Seeds searched")
        .but(meaning="seeds searched for a stuck run, from seed on")
        .but(given=_landscape),
    ),
)
PAGES = {
    page.key: page
    for page in (EXPLORE, COMPARE, PHASES, LANDSCAPE, TOY_CASES, SWEEPS, BEYOND)
}

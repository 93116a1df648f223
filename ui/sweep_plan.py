"""Plans of runs a page asks for (which runs, how to name them; neuronlab.runs.sweep and
the app's jobs run them): a seed ensemble, Explore's band, cut to a work cap;
and a two-axis sweep: two axes, their values, seeds, the rest.

AXES (what a sweep may vary) and SUMMARIES (what a cell is coloured by) are the
options of the page's `x`, `y` and `summary` parameters (ui.fields) and what the
heatmap reads; `SweepPlan.configs()` is the exact list of runs, `too_large` says
why a plan exceeds given limits and `cli_command` gives it to the CLI.
"""

import math
from dataclasses import dataclass

from neuronlab.config import MAX_SEED, RunConfig
from neuronlab.runs.warmup import estimate_seconds


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
        # Swept alone, alpha runs leaky_relu (plan_of): from ReLU to linear.
        Axis("alpha", "leaky slope α", "α", (0.0, 0.2, 0.5, 1.0)),
        Axis(
            "activation",
            "activation",
            "activation",  # not σ(·): σ is the initial scale
            ("erf", "leaky_relu", "quadratic", "relu"),
        ),
        Axis(
            "optimizer",
            "optimiser",
            "optimiser",
            ("gauss_newton", "gd", "momentum", "nesterov"),
        ),
        Axis(
            "init",
            "initialisation",
            "init",
            ("gaussian", "orthogonal", "sphere", "student_t", "uniform"),
        ),
        Axis("teachers", "teachers m", "m", (1, 2, 3)),
        Axis("output", "output weights", "output", ("fixed", "trained")),
    )
}
FIXED_FIELDS = ("n", "d", "sigma", "eta", "teacher_norm")
DEFAULT = RunConfig()
SCHEDULER_PLACEHOLDER = "tcp://SCHEDULER:8786"


@dataclass(frozen=True)
class Summary:
    """A column of a sweep's table and how its heatmap is coloured.

    short : colour-bar title.  log : colour by log10 (the value spans decades).
    mid : centre of a diverging scale, the theory's reference value (None: sequential).
    reduce : how a cell combines its seeds: "median", or "mean" (a share of seeds).
    """

    name: str
    label: str
    short: str
    log: bool
    mid: float | None
    reduce: str = "median"


SUMMARIES = {
    s.name: s
    for s in (
        Summary("final_loss", "final loss L(T)", "L(T)", True, None),
        Summary(
            "tail_exponent", "tail exponent of L(t), fit over t in [t_end/10, t_end]",
            "slope", False, -3.0,
        ),
        Summary("tail_C", "C in L ≈ C·(ηt)⁻³", "C", True, None),
        Summary("t_below_1e-6", "first t with L < 1e-6", "t", True, None),
        Summary("t_below_1e-9", "first t with L < 1e-9", "t", True, None),
        Summary("steps_below_1e-9", "steps to L < 1e-9", "steps", True, None),
        Summary("seconds_below_1e-9", "wall seconds to L < 1e-9", "s", True, None),
        Summary(
            "above_1e-3_final", "share of seeds ending with L ≥ 1e-3", "share",
            False, None, reduce="mean",
        ),
        Summary("balance_final", "balance h_max/h_min at T", "h_max/h_min", False, 2.0),
        Summary("norm_min_final", "smallest ‖wᵢ‖ at T", "min ‖wᵢ‖", False, None),
        Summary("norm_max_final", "largest ‖wᵢ‖ at T", "max ‖wᵢ‖", False, None),
    )
}  # fmt: skip


@dataclass(frozen=True)
class SweepPlan:
    """Every combination of `xs` (field `x`) and `ys` (field `y`), `seeds` seeds each
    (base.seed, base.seed + 1, ...); the other fields are `base`'s."""

    x: str
    y: str
    xs: tuple
    ys: tuple
    summary: str
    base: RunConfig
    seeds: int = 1

    @property
    def steps(self) -> int:
        return self.base.steps

    @property
    def runs(self) -> int:
        return len(self.xs) * len(self.ys) * self.seeds

    @property
    def key(self) -> tuple:
        """The runs only (not the summary shown): what the result cache keys."""
        return (self.x, self.y, self.xs, self.ys, self.seeds, self.base)

    def configs(self) -> list[RunConfig]:
        """Row order: y, then x, then seed (a finished row fills its own cell)."""
        return [
            self.base.replace(**{self.x: xv, self.y: yv, "seed": self.base.seed + k})
            for yv in self.ys
            for xv in self.xs
            for k in range(self.seeds)
        ]


def plan_of(values) -> SweepPlan:
    """The plan of the Sweeps page's values (ui.fields.SWEEPS)."""
    axes = (values["x"], values["y"])
    fixed = {f: values[f] for f in FIXED_FIELDS if f not in axes}
    if "alpha" in axes and "activation" not in axes:
        fixed["activation"] = "leaky_relu"  # the only activation alpha shapes
    base = RunConfig(steps=values["steps"], seed=values["seed"], **fixed)
    xs, ys = tuple(values["xs"]), tuple(values["ys"])
    return SweepPlan(
        values["x"], values["y"], xs, ys, values["summary"], base, values["seeds"]
    )


def too_large(plan: SweepPlan, limits) -> list[str]:
    """Each way the plan exceeds the hosted limits (ui.run_fields.LIMITS; empty: it
    runs here)."""
    most = limits.sweep_axis_values
    reasons = [
        f"{len(values)} values of {axis} (at most {most})"
        for axis, values in ((plan.x, plan.xs), (plan.y, plan.ys))
        if len(values) > most
    ]
    if plan.runs > limits.sweep_runs:
        reasons.append(f"{plan.runs:,} runs (at most {limits.sweep_runs:,})")
    if plan.steps > limits.sweep_steps:
        reasons.append(f"{plan.steps:,} steps per run (at most {limits.sweep_steps:,})")
    if not reasons:  # the estimate walks every config: only for plausible plans
        seconds = sum(estimate_seconds(c) for c in plan.configs())
        if seconds > limits.view_seconds:
            reasons.append(
                f"about {seconds:,.0f} s of compute (at most {limits.view_seconds:g} s)"
            )
    return reasons


def value_list(values) -> str:
    """Exact text: repr of a float round-trips to the same float."""
    return ",".join(repr(v) if isinstance(v, float) else str(v) for v in values)


def cli_command(plan: SweepPlan, scheduler: str = SCHEDULER_PLACEHOLDER) -> str:
    """The same sweep, headless: `python -m neuronlab sweep ...` writing sweep.csv."""
    changed = [f for f, v in plan.base.to_dict().items() if v != getattr(DEFAULT, f)]
    fixed = [
        *FIXED_FIELDS,
        *(f for f in changed if f not in (*FIXED_FIELDS, "seed", "steps")),
    ]
    flags = {field: value_list([getattr(plan.base, field)]) for field in fixed}
    flags |= {plan.x: value_list(plan.xs), plan.y: value_list(plan.ys)}
    first, last = plan.base.seed, plan.base.seed + plan.seeds - 1
    parts = [f"--{k.replace('_', '-')} {v}" for k, v in flags.items()]
    parts += [
        f"--steps {plan.steps}",
        f"--seeds {first}-{last}" if last > first else f"--seeds {first}",
        f"--scheduler {scheduler}",
        "--out sweep.csv",
    ]
    return "python -m neuronlab sweep " + " ".join(parts)


@dataclass(frozen=True)
class Ensemble:
    """Seeds config.seed, ..., config.seed + seeds - 1 of `config`; `asked` is the
    K the user chose (larger than `seeds` when the work cap cut it)."""

    config: RunConfig
    seeds: int
    asked: int

    @property
    def last_seed(self) -> int:
        return self.config.seed + self.seeds - 1

    def seconds(self, seeds: int | None = None) -> float:
        """Estimated compute of the extra seeds of `seeds` (default: this plan's)."""
        extra = (self.seeds if seeds is None else seeds) - 1
        return extra * estimate_seconds(self.config)


def ensemble_plan(config: RunConfig, asked: int, max_seconds: float) -> Ensemble:
    """The ensemble of `asked` seeds, cut to what max_seconds of estimated work
    and the seed range allow (at least the chosen seed itself)."""
    per_seed = estimate_seconds(config)
    fit = 1 + math.floor(max_seconds / per_seed) if per_seed > 0 else asked
    return Ensemble(config, max(1, min(asked, fit, MAX_SEED - config.seed + 1)), asked)

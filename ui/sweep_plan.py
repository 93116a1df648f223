"""A sweep as the page asks for it: two axes, their values, seeds, the fixed rest.

`SweepPlan.configs()` is the exact list handed to core.iter_sweep; `too_large`
says why a plan exceeds what one hosted server runs, and `cli_command` gives the
same sweep as a `python -m core sweep` line for local cores or a Dask cluster.
"""

import dataclasses
from dataclasses import dataclass

import core
from core import RunConfig

# Fields a sweep link carries besides its axes (method is always GD on this page).
FIXED_FIELDS = ("n", "d", "sigma", "eta", "teacher_norm")
DEFAULT_STEPS = 20_000
SCHEDULER_PLACEHOLDER = "tcp://SCHEDULER:8786"


@dataclass(frozen=True)
class SweepLimits:
    """What one hosted server runs per sweep; larger sweeps go to the CLI."""

    max_axis_values: int = 10
    max_runs: int = 200
    max_steps: int = 10**6
    max_seconds: float = 60.0  # estimated compute of all runs together


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

    def configs(self) -> list[RunConfig]:
        """Row order: y, then x, then seed (a finished row fills its own cell)."""
        return [
            dataclasses.replace(
                self.base, **{self.x: xv, self.y: yv, "seed": self.base.seed + k}
            )
            for yv in self.ys
            for xv in self.xs
            for k in range(self.seeds)
        ]

    def to_dict(self) -> dict:
        """The runs only (not the summary shown): the result cache's key."""
        fields = (self.x, self.y, self.xs, self.ys, self.seeds)
        return {"sweep": fields, **self.base.to_dict()}


def estimate_seconds(plan: SweepPlan) -> float:
    """Estimated compute of every run, one after the other."""
    return sum(core.estimate_seconds(config) for config in plan.configs())


def too_large(plan: SweepPlan, limits: SweepLimits) -> list[str]:
    """Each way the plan exceeds the hosted limits (empty: it runs here)."""
    reasons = [
        f"{len(values)} values of {axis} (at most {limits.max_axis_values})"
        for axis, values in ((plan.x, plan.xs), (plan.y, plan.ys))
        if len(values) > limits.max_axis_values
    ]
    if plan.runs > limits.max_runs:
        reasons.append(f"{plan.runs:,} runs (at most {limits.max_runs:,})")
    if plan.steps > limits.max_steps:
        reasons.append(f"{plan.steps:,} steps per run (at most {limits.max_steps:,})")
    if not reasons:  # the estimate walks every config: only for plausible plans
        seconds = estimate_seconds(plan)
        if seconds > limits.max_seconds:
            reasons.append(
                f"about {seconds:,.0f} s of compute (at most {limits.max_seconds:g} s)"
            )
    return reasons


def value_list(values) -> str:
    """Exact text: repr of a float round-trips to the same float."""
    return ",".join(repr(v) if isinstance(v, float) else str(v) for v in values)


def cli_command(plan: SweepPlan, scheduler: str = SCHEDULER_PLACEHOLDER) -> str:
    """The same sweep, headless: `python -m core sweep ...` writing sweep.csv."""
    flags = {field: value_list([getattr(plan.base, field)]) for field in FIXED_FIELDS}
    flags |= {plan.x: value_list(plan.xs), plan.y: value_list(plan.ys)}
    first, last = plan.base.seed, plan.base.seed + plan.seeds - 1
    parts = [f"--{k.replace('_', '-')} {v}" for k, v in flags.items()]
    parts += [
        f"--steps {plan.steps}",
        f"--seeds {first}-{last}" if last > first else f"--seeds {first}",
        f"--scheduler {scheduler}",
        "--out sweep.csv",
    ]
    return "python -m core sweep " + " ".join(parts)

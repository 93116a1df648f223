"""Sweeps page URL <-> SweepPlan: raw values validated once, a bad one a warning.

Link names (DESIGN §4; the Theory page lists them): `x`, `y` (axes, from n, sigma,
eta, d), `xs`, `ys` (their values, comma-separated lists), `summary`, `steps`,
`seeds` (runs per cell), `seed` (the first seed) and the fixed fields n, d, sigma,
eta, teacher_norm. The fixed fields go through ui.params.parse_query, so they get
the same checks and messages as on Explore. A bad value never stops the page: it
becomes a warning naming parameter, value and allowed range, and a safe default.
"""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from core import RunConfig
from ui.params import APP_CAPS, OTHER_PAGE_NAMES, QUERY_FIELDS, _shown, parse_query
from ui.sweep_choices import AXES, DEFAULT_SUMMARY, DEFAULT_X, DEFAULT_Y, SUMMARIES
from ui.sweep_plan import DEFAULT_STEPS, FIXED_FIELDS, SweepPlan, value_list

PAGE_NAMES = ("x", "xs", "y", "ys", "summary", "steps", "seeds", "seed", *FIXED_FIELDS)
MAX_SEEDS = 1000  # a valid request; the hosted cap is SweepLimits.max_runs
MAX_SEED = 2**32 - 1


@dataclass(frozen=True)
class ParsedSweep:
    """What a link (or the sidebar, as raw values) asks for, once validated."""

    plan: SweepPlan
    warnings: tuple[str, ...]


def _choice(query, name, allowed, default, warnings) -> str:
    raw = str(query.get(name, default)).strip()
    if raw in allowed:
        return raw
    warnings.append(
        f"Ignored {name} = '{_shown(raw)}': {name} must be one of "
        f"{', '.join(allowed)}; using {name} = {default}."
    )
    return default


def _allowed(axis: str) -> str:
    cap = APP_CAPS[axis]
    kind = "an integer" if isinstance(cap.low, int) else "a number"
    return f"{axis} must be {kind} in {cap.describe()}"


def _axis_value(base: RunConfig, axis: str, token: str):
    """One axis value checked by RunConfig and this app's range (ValueError if not)."""
    value = getattr(RunConfig.from_mapping({**base.to_dict(), axis: token}), axis)
    cap = APP_CAPS[axis]
    if not cap.low <= value <= cap.high:
        raise ValueError(_allowed(axis))
    return value


def _axis_values(query, name: str, axis: str, base: RunConfig, warnings) -> tuple:
    """Sorted distinct values of a comma-separated list; bad entries are dropped."""
    if name not in query:
        return AXES[axis].defaults
    good, bad = set(), []
    for token in (t.strip() for t in str(query[name]).split(",")):
        try:
            good.add(_axis_value(base, axis, token))
        except ValueError:
            bad.append(f"'{_shown(token)}'")
    values = tuple(sorted(good)) or AXES[axis].defaults
    if bad:
        warnings.append(
            f"Ignored {', '.join(bad)} in {name}: {_allowed(axis)}; "
            f"using {name} = {value_list(values)}."
        )
    return values


def _steps(query, warnings) -> int:
    raw = query.get("steps", DEFAULT_STEPS)
    try:
        return RunConfig.from_mapping({"steps": raw}).steps
    except ValueError as error:
        warnings.append(
            f"Ignored steps = '{_shown(raw)}' ({error}); using steps = {DEFAULT_STEPS}."
        )
        return DEFAULT_STEPS


def _seeds(query, first_seed: int, warnings) -> int:
    raw = query.get("seeds", 1)
    high = min(MAX_SEEDS, MAX_SEED - first_seed + 1)
    try:
        number = float(str(raw).strip())
    except ValueError:
        number = float("nan")
    if number.is_integer() and 1 <= number <= high:
        return int(number)
    warnings.append(
        f"Ignored seeds = '{_shown(raw)}': seeds (runs per cell) must be an integer "
        f"in [1, {high:,}]; using seeds = 1."
    )
    return 1


def _method(query, warnings) -> None:
    raw = str(query.get("method", "gd")).strip().lower()
    if raw != "gd":
        warnings.append(
            f"Ignored method = '{_shown(raw)}': this page sweeps GD only (method must "
            "be gd); sweep flow or sgd with `python -m core sweep --method ...`."
        )


def parse_sweep_query(query: Mapping[str, str]) -> ParsedSweep:
    """Validate a link's (or the sidebar's raw) values; each bad one keeps a default."""
    warnings: list[str] = []
    unknown = sorted(
        set(query) - set(PAGE_NAMES) - set(QUERY_FIELDS) - OTHER_PAGE_NAMES
    )
    if unknown:
        warnings.append(
            f"Ignored unknown link parameter(s) {', '.join(map(_shown, unknown))}: "
            f"this page reads {', '.join(PAGE_NAMES)}."
        )
    # Fixed fields get Explore's checks; steps and method follow this page's rules.
    shared = {k: v for k, v in query.items() if k in set(QUERY_FIELDS) - {"steps"}}
    fixed = parse_query({k: v for k, v in shared.items() if k != "method"})
    warnings += fixed.warnings
    _method(query, warnings)
    x = _choice(query, "x", list(AXES), DEFAULT_X, warnings)
    others = [a for a in AXES if a != x]
    y = _choice(
        query, "y", others, DEFAULT_Y if x != DEFAULT_Y else others[0], warnings
    )
    summary = _choice(query, "summary", list(SUMMARIES), DEFAULT_SUMMARY, warnings)
    base = dataclasses.replace(fixed.config, method="gd")
    xs = _axis_values(query, "xs", x, base, warnings)
    ys = _axis_values(query, "ys", y, base, warnings)
    base = dataclasses.replace(base, steps=_steps(query, warnings))
    seeds = _seeds(query, base.seed, warnings)
    plan = SweepPlan(x, y, xs, ys, summary, base, seeds)
    return ParsedSweep(plan, tuple(warnings))


def sweep_query(plan: SweepPlan) -> dict[str, str]:
    """Every choice of the page, defaults included, so a link pins the sweep."""
    query = {
        "x": plan.x,
        "xs": value_list(plan.xs),
        "y": plan.y,
        "ys": value_list(plan.ys),
        "summary": plan.summary,
        "steps": str(plan.steps),
        "seeds": str(plan.seeds),
        "seed": str(plan.base.seed),
    }
    for field in FIXED_FIELDS:
        if field not in (plan.x, plan.y):
            query[field] = value_list([getattr(plan.base, field)])
    return query

"""URL query <-> RunConfig: raw values validated once, with this app's caps on top.

`RunConfig.from_mapping` validates each value (and names field, value and allowed
range); the caps below keep one server responsive (n <= 50, d <= 10 000,
steps <= 1e8) and give the log sliders finite ends. A bad value never stops the
page: it becomes a warning and the field keeps its safe value.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from core import RunConfig
from ui.presets import PRESETS

# Order matters: method before steps (its bound depends on it), samples before batch.
QUERY_FIELDS = (
    "method",
    "n",
    "d",
    "sigma",
    "eta",
    "steps",
    "seed",
    "teacher_norm",
    "samples",
    "batch",
)
# Names other pages read (DESIGN §4): present in a shared link, not an error here.
OTHER_PAGE_NAMES = frozenset(
    {"preset", "classroom", "seeds", "ns", "x", "y", "summary", "xs", "ys"}
)
NO_PRESET = "custom"
# Longer raw values are cut in messages: a pasted paragraph must not flood the page.
MAX_SHOWN_CHARS = 40


@dataclass(frozen=True)
class Cap:
    """Inclusive range this app allows for a field, within RunConfig's own."""

    low: float
    high: float

    def describe(self) -> str:
        if isinstance(self.low, int) and isinstance(self.high, int):
            return f"[{self.low:,}, {self.high:,}]"
        return f"[{self.low:g}, {self.high:g}]"


APP_CAPS = {
    "n": Cap(1, 50),
    "d": Cap(1, 10_000),
    "steps": Cap(1, 10**8),
    "sigma": Cap(1e-8, 100.0),
    "eta": Cap(1e-5, 10.0),
    "teacher_norm": Cap(1e-3, 1000.0),
    "samples": Cap(1, 100_000),
}
# Explore's ensemble size K (seeds seed, ..., seed + K - 1), not a RunConfig field.
SEEDS_CAP = Cap(1, 20)
# SGD holds samples x d inputs in memory: 1e7 floats = 80 MB per live run.
MAX_SAMPLES_TIMES_D = 10_000_000
# SGD records full (n, d) weights (no reduction): ~180 records x 2e4 = 29 MB.
MAX_SGD_N_TIMES_D = 20_000


@dataclass(frozen=True)
class ParsedQuery:
    """What a URL asks for, once validated."""

    config: RunConfig
    preset: str | None
    warnings: tuple[str, ...]
    from_link: bool  # the URL named at least one run parameter: start at once
    seeds: int = 1  # ensemble size K: median and band over seeds seed..seed+K-1


def check_app_caps(config: RunConfig) -> None:
    """Raise ValueError naming field, value and allowed range if a cap is exceeded."""
    for name, cap in APP_CAPS.items():
        value = getattr(config, name)
        if not cap.low <= value <= cap.high:
            raise ValueError(
                f"{name} = {value:g} is outside this app's range: "
                f"{name} must be in {cap.describe()}"
            )
    if config.method != "sgd":
        return
    for name, value, most in (
        ("samples * d", config.samples * config.d, MAX_SAMPLES_TIMES_D),
        ("n * d", config.n * config.d, MAX_SGD_N_TIMES_D),
    ):
        if value > most:
            raise ValueError(
                f"{name} = {value:,} is too large for finite-sample GD in this app: "
                f"{name} must be at most {most:,}"
            )


def _shown(raw: str) -> str:
    raw = str(raw)
    return raw if len(raw) <= MAX_SHOWN_CHARS else raw[:MAX_SHOWN_CHARS] + "…"


def parse_query(query: Mapping[str, str]) -> ParsedQuery:
    """Validate a URL query field by field; each bad value keeps its safe default."""
    values = RunConfig().to_dict()
    warnings = []
    preset = query.get("preset", "").strip() or None
    if preset in PRESETS:
        values.update(PRESETS[preset].values)
    elif preset is not None and preset != NO_PRESET:
        allowed = ", ".join([*PRESETS, NO_PRESET])
        warnings.append(
            f"Ignored preset = '{_shown(preset)}' from the link: preset must be one "
            f"of {allowed}."
        )
        preset = None
    for name in QUERY_FIELDS:
        if name not in query:
            continue
        try:
            config = RunConfig.from_mapping({**values, name: query[name]})
            check_app_caps(config)
        except ValueError as error:
            warnings.append(
                f"Ignored {name} = '{_shown(query[name])}' from the link ({error}); "
                f"using {name} = {_url_value(values[name])}."
            )
        else:
            values[name] = getattr(config, name)
    seeds = _seeds(query, warnings)
    unknown = sorted(set(query) - set(QUERY_FIELDS) - OTHER_PAGE_NAMES)
    if unknown:
        warnings.append(
            f"Ignored unknown link parameter(s) {', '.join(map(_shown, unknown))}: "
            f"allowed are {', '.join(QUERY_FIELDS)}, preset, seeds."
        )
    return ParsedQuery(
        RunConfig(**values),
        preset,
        tuple(warnings),
        from_link=any(name in query for name in (*QUERY_FIELDS, "preset", "seeds")),
        seeds=seeds,
    )


def _seeds(query: Mapping[str, str], warnings: list[str]) -> int:
    """The ensemble size K from a link: an integer within SEEDS_CAP, else 1."""
    raw = query.get("seeds")
    if raw is None:
        return 1
    try:
        number = float(str(raw).strip())
    except ValueError:
        number = math.nan
    if number.is_integer() and SEEDS_CAP.low <= number <= SEEDS_CAP.high:
        return int(number)
    warnings.append(
        f"Ignored seeds = '{_shown(raw)}' from the link (seeds must be an integer "
        f"in {SEEDS_CAP.describe()}); using seeds = 1."
    )
    return 1


def _url_value(value) -> str:
    """Exact text for a value: repr of a float round-trips to the same float."""
    if value is None:
        return "full"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def matching_preset(config: RunConfig) -> str | None:
    """The preset whose values all equal the config's, if any."""
    for key, preset in PRESETS.items():
        if all(getattr(config, k) == v for k, v in preset.values.items()):
            return key
    return None


def to_query(config: RunConfig, seeds: int = 1) -> dict[str, str]:
    """Every parameter, defaults included, so a link pins the run exactly."""
    query = {name: _url_value(getattr(config, name)) for name in QUERY_FIELDS}
    query["preset"] = matching_preset(config) or NO_PRESET
    query["seeds"] = str(seeds)
    return query


def log_options(cap: Cap, value: float, integer: bool = False) -> list[float]:
    """Slider stops 1, 2, 5 per decade over the cap, plus `value` off the grid.

    The exact value of a link is kept as a stop, so it is honoured, not rounded.
    """
    low, high = math.floor(math.log10(cap.low)), math.ceil(math.log10(cap.high))
    # 12 significant digits turn 2 * 10.0**-3 = 0.0020000000000000005 into 0.002.
    stops = {
        float(f"{m * 10.0**e:.12g}") for e in range(low, high + 1) for m in (1, 2, 5)
    }
    stops = {s for s in stops if cap.low <= s <= cap.high} | {cap.low, cap.high}
    if integer:
        return sorted({round(s) for s in stops} | {value})
    return sorted(stops | {value})

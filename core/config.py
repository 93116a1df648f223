"""RunConfig: the one validated description of a run (DESIGN §4).

Every entry point (widgets, URL, CLI, sweeps) builds one of these; the engine trusts
its fields. Bad input raises ConfigError (a ValueError) naming the field, the value and what is allowed.
"""

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

METHODS = ("gd", "flow", "sgd")

# Generous but safe: memory ~ n*d floats, the pair loop ~ n^2 per step.
MAX_N = 1000
MAX_D = 1_000_000
MAX_N_TIMES_D = 50_000_000
MAX_STEPS = {"gd": 10**10, "sgd": 10**9, "flow": 10**11}
MAX_SAMPLES = 1_000_000
MAX_SAMPLES_TIMES_D = 50_000_000
# SGD runs and records in R^d (no reduction), so its records cost n * d each.
MAX_SGD_N_TIMES_D = 200_000
MAX_SEED = 2**32 - 1


class ConfigError(ValueError):
    """A bad config value; `field` names the offending field (for flags, widgets)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _fail(name: str, value: Any, allowed: str) -> ConfigError:
    return ConfigError(
        name, f"{name} = {value!r} is not allowed: {name} must be {allowed}"
    )


def _integer(name: str, value: Any, low: int, high: int) -> int:
    allowed = f"an integer in [{low:,}, {high:,}]"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(name, value, allowed)
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise _fail(name, value, allowed)
    if not low <= value <= high:
        raise _fail(name, value, allowed)
    return int(value)


def _positive(name: str, value: Any, high: float) -> float:
    allowed = f"a number in (0, {high:g}]"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(name, value, allowed)
    if not (math.isfinite(value) and 0 < value <= high):
        raise _fail(name, value, allowed)
    return float(value)


@dataclass(frozen=True)
class RunConfig:
    """A run: n students learning one teacher of norm `teacher_norm` in R^d.

    n : students (1..1000).  d : input dimension (1..1e6, n*d <= 5e7).
    sigma : initial scale, W0 = sigma * N(0, I) from `seed` (0 < sigma <= 100).
    eta : step size (0 < eta <= 10; GD diverges above about 4/n, DESIGN §3.5).
    steps : GD steps; for method="flow" the horizon is t = eta * steps.
    method : "gd" (population GD), "flow" (gradient flow), "sgd" (GD on `samples`
        fixed Gaussian inputs, minibatches of `batch`; None = full batch).
    """

    n: int = 3
    d: int = 10
    sigma: float = 0.01
    eta: float = 0.1
    steps: int = 100_000
    seed: int = 0
    method: str = "gd"
    teacher_norm: float = 1.0
    samples: int = 1000
    batch: int | None = None

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise _fail("method", self.method, "one of " + ", ".join(METHODS))
        fields = {
            "n": _integer("n", self.n, 1, MAX_N),
            "d": _integer("d", self.d, 1, MAX_D),
            "sigma": _positive("sigma", self.sigma, 100.0),
            "eta": _positive("eta", self.eta, 10.0),
            "steps": _integer("steps", self.steps, 1, MAX_STEPS[self.method]),
            "seed": _integer("seed", self.seed, 0, MAX_SEED),
            "teacher_norm": _positive("teacher_norm", self.teacher_norm, 1000.0),
            "samples": _integer("samples", self.samples, 1, MAX_SAMPLES),
        }
        if self.batch is not None:
            fields["batch"] = _integer("batch", self.batch, 1, fields["samples"])
        n, d, samples = fields["n"], fields["d"], fields["samples"]
        max_nd = MAX_SGD_N_TIMES_D if self.method == "sgd" else MAX_N_TIMES_D
        if n * d > max_nd:
            raise _fail(
                "d", d, f"at most {max_nd // n:,} for n = {n} (n * d <= {max_nd:,})"
            )
        if self.method == "sgd" and samples * d > MAX_SAMPLES_TIMES_D:
            allowed = f"at most {MAX_SAMPLES_TIMES_D // d:,} for d = {d}"
            raise _fail("samples", samples, allowed + " (samples * d <= 5e7)")
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    @property
    def batch_size(self) -> int:
        """The minibatch actually used (None means the full batch)."""
        return self.samples if self.batch is None else self.batch

    @property
    def horizon(self) -> float:
        """Final time t = eta * steps (GD time unit; the flow's end time)."""
        return self.eta * self.steps

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> "RunConfig":
        """Build from raw values (strings from a URL, CLI or JSON), validating each.

        Unknown keys raise; integers may be written as 1e6; "none" or "" for batch
        means the full batch.
        """
        names = {f.name: f.type for f in dataclasses.fields(cls)}
        unknown = sorted(set(raw) - set(names))
        if unknown:
            raise ConfigError(
                unknown[0],
                f"unknown parameter(s) {', '.join(unknown)}: allowed are "
                + ", ".join(names),
            )
        return cls(**{key: _parse(key, value) for key, value in raw.items()})


def _parse(name: str, value: Any) -> Any:
    """A raw value as the number or string RunConfig checks (which names the range)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if name == "method":
        return text.lower()
    if name == "batch" and text.lower() in ("", "none", "full"):
        return None
    try:
        number = float(text)
    except ValueError:
        raise _fail(name, value, "a number") from None
    # Integral text ("3", "1e6") becomes an int, so messages show what was typed.
    integral = math.isfinite(number) and number.is_integer() and abs(number) < 2**53
    return int(number) if integral else number

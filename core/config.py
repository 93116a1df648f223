"""RunConfig: the one validated description of a run (DESIGN §4).

Every entry point (widgets, URL, CLI, sweeps) builds one of these; the engine trusts
its fields. Bad input raises ConfigError (a ValueError) naming the field, the value
and what is allowed. Each field's metadata carries its one-line help (the CLI's
flags and the app's tooltips read it) and, for named choices, the allowed names.
"""

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The vocabularies; core.methods.METHODS, core.models.MODELS and
# core.optimizers.OPTIMIZERS register one implementation per name (tests check).
METHODS = ("gd", "flow", "sgd")
ACTIVATIONS = ("relu", "leaky_relu", "erf", "quadratic")
INITS = ("gaussian", "sphere", "student_t", "orthogonal", "uniform")
OPTIMIZERS = ("gd", "momentum", "nesterov", "adam", "gauss_newton")
DAMPINGS = ("sqrt_loss", "loss", "fixed")

# Generous but safe: memory ~ n*d floats, the pair loop ~ n^2 per step.
MAX_N = 1000
MAX_D = 1_000_000
MAX_N_TIMES_D = 50_000_000
MAX_STEPS = {"gd": 10**10, "sgd": 10**9, "flow": 10**11}
MAX_SAMPLES = 1_000_000
MAX_SAMPLES_TIMES_D = 50_000_000
# SGD and Adam run and record in R^d (no reduction), so each record costs n * d.
MAX_SGD_N_TIMES_D = 200_000
MAX_SEED = 2**32 - 1
# Gauss-Newton solves an (n k)-square system each step (k = min(d, n + m) on the
# population, k = d on samples) and builds it from batch (n d)^2 products on
# samples: these keep a step to a few milliseconds (measured: n = 16, 1.3 ms).
MAX_GAUSS_NEWTON_SIZE = 300
MAX_GAUSS_NEWTON_SAMPLE_WORK = 10_000_000
# Which optimisers read which of their parameters (the rest must stay default).
OPTIMIZER_PARAMETERS = {
    "gd": (),
    "momentum": ("beta",),
    "nesterov": ("beta",),
    "adam": ("beta", "beta2", "eps"),
    "gauss_newton": ("damping", "lam"),
}
# Not yet in the engine: refused with a message instead of being ignored.
_NOT_YET: dict[str, set[str]] = {}


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


def _number(name: str, value: Any, low: float, high: float, open_low: bool) -> float:
    """A finite number in (low, high] (open_low) or [low, high]."""
    allowed = f"a number in {'(' if open_low else '['}{low:g}, {high:g}]"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(name, value, allowed)
    above = value > low if open_low else value >= low
    if not (math.isfinite(value) and above and value <= high):
        raise _fail(name, value, allowed)
    return float(value)


def _positive(name: str, value: Any, high: float) -> float:
    return _number(name, value, 0.0, high, open_low=True)


def _fraction(name: str, value: Any) -> float:
    """A number in [0, 1) (momentum coefficients: 1 never forgets)."""
    allowed = "a number in [0, 1)"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(name, value, allowed)
    if not (math.isfinite(value) and 0 <= value < 1):
        raise _fail(name, value, allowed)
    return float(value)


def _choice(name: str, value: Any, options: tuple[str, ...]) -> str:
    if value not in options:
        raise _fail(name, value, "one of " + ", ".join(options))
    if value in _NOT_YET.get(name, ()):
        raise ConfigError(
            name, f"{name} = {value!r} is not available in this engine yet"
        )
    return value


def _field(default: Any, help_text: str, choices: tuple[str, ...] = ()) -> Any:
    metadata = {"help": help_text} | ({"choices": choices} if choices else {})
    return dataclasses.field(default=default, metadata=metadata)


@dataclass(frozen=True)
class RunConfig:
    """A run: n students learning m teachers of norm `teacher_norm` in R^d.

    Paper's setting (the defaults): one ReLU teacher, Gaussian start, plain GD.
    Fields that a run does not use (alpha outside leaky_relu, an optimiser's
    parameters under another optimiser) must keep their defaults: a value that
    would be ignored is refused instead. `replace` resets them for callers that
    vary one field. samples and batch are read by method "sgd" only.
    """

    n: int = _field(3, "number of student neurons (1..1000)")
    d: int = _field(10, "input dimension (1..1e6; n*d <= 5e7)")
    sigma: float = _field(
        0.01, "initial scale: W0 = sigma * N(0, I) from the seed (0 < sigma <= 100)"
    )
    eta: float = _field(0.1, "step size (0 < eta <= 10; GD diverges above about 4/n)")
    steps: int = _field(
        100_000, "GD steps, e.g. 1e6; for method flow the horizon is t = eta*steps"
    )
    seed: int = _field(0, "random seed of W0 (and of the samples for sgd), 0..2^32-1")
    method: str = _field(
        "gd", "gd (population GD), flow (gradient flow), sgd (finite samples)", METHODS
    )
    teacher_norm: float = _field(
        1.0, "|v_j|; teachers v_j = teacher_norm * e_j (0 < |v| <= 1000)"
    )
    samples: int = _field(1000, "sgd: number of fixed Gaussian inputs")
    batch: int | None = _field(None, "sgd: minibatch size (default: full batch)")
    activation: str = _field(
        "relu",
        "activation of students and teachers: relu, leaky_relu (slope alpha below "
        "0), erf, quadratic (z^2)",
        ACTIVATIONS,
    )
    alpha: float = _field(
        0.0,
        "leaky_relu: sigma(z) = alpha z + (1 - alpha)[z]+, alpha in [-1, 1] "
        "(0 ReLU, 1 linear, -1 |z|)",
    )
    teachers: int = _field(
        1, "number m of orthonormal teachers v_j = teacher_norm * e_j (1 <= m <= d)"
    )
    init: str = _field(
        "gaussian",
        "start W0 at scale sigma: gaussian, sphere (norms sigma*sqrt(d)), student_t "
        "(3 dof), orthogonal (n <= d), uniform",
        INITS,
    )
    optimizer: str = _field(
        "gd",
        "how a step uses the gradient: gd, momentum, nesterov, adam (coordinate-"
        "dependent: runs in R^d), gauss_newton (damped); flow takes gd only",
        OPTIMIZERS,
    )
    beta: float = _field(0.9, "momentum, nesterov: momentum; adam: beta1 (in [0, 1))")
    beta2: float = _field(0.999, "adam: second-moment decay (in [0, 1))")
    eps: float = _field(1e-8, "adam: denominator offset (0 < eps <= 1)")
    damping: str = _field(
        "sqrt_loss",
        "gauss_newton: lambda = lam*sqrt(L) (sqrt_loss), lam*L (loss) or lam (fixed)",
        DAMPINGS,
    )
    lam: float = _field(1.0, "gauss_newton: damping scale (0 < lam <= 1e6)")

    def __post_init__(self) -> None:
        method = _choice("method", self.method, METHODS)
        fields = {
            "n": _integer("n", self.n, 1, MAX_N),
            "d": _integer("d", self.d, 1, MAX_D),
            "sigma": _positive("sigma", self.sigma, 100.0),
            "eta": _positive("eta", self.eta, 10.0),
            "steps": _integer("steps", self.steps, 1, MAX_STEPS[method]),
            "seed": _integer("seed", self.seed, 0, MAX_SEED),
            "teacher_norm": _positive("teacher_norm", self.teacher_norm, 1000.0),
            "samples": _integer("samples", self.samples, 1, MAX_SAMPLES),
            "activation": _choice("activation", self.activation, ACTIVATIONS),
            "alpha": _number("alpha", self.alpha, -1.0, 1.0, open_low=False),
            "init": _choice("init", self.init, INITS),
            "optimizer": _choice("optimizer", self.optimizer, OPTIMIZERS),
            "beta": _fraction("beta", self.beta),
            "beta2": _fraction("beta2", self.beta2),
            "eps": _number("eps", self.eps, 0.0, 1.0, open_low=True),
            "damping": _choice("damping", self.damping, DAMPINGS),
            "lam": _positive("lam", self.lam, 1e6),
        }
        if self.batch is not None:
            fields["batch"] = _integer("batch", self.batch, 1, fields["samples"])
        fields["teachers"] = _integer("teachers", self.teachers, 1, fields["d"])
        for name, value in fields.items():
            object.__setattr__(self, name, value)
        self._check_combinations()

    def _check_combinations(self) -> None:
        n, d, samples = self.n, self.d, self.samples
        max_nd = MAX_SGD_N_TIMES_D if self.runs_in_full_space else MAX_N_TIMES_D
        if n * d > max_nd:
            where = "sgd and adam run" if max_nd == MAX_SGD_N_TIMES_D else "runs"
            raise _fail(
                "d",
                d,
                f"at most {max_nd // n:,} for n = {n} (n * d <= {max_nd:,}: "
                f"{where} in R^d)",
            )
        if self.method == "sgd" and samples * d > MAX_SAMPLES_TIMES_D:
            allowed = f"at most {MAX_SAMPLES_TIMES_D // d:,} for d = {d}"
            raise _fail("samples", samples, allowed + " (samples * d <= 5e7)")
        if self.init == "orthogonal" and n > d:
            raise ConfigError(
                "init",
                f"init = 'orthogonal' needs n <= d (orthonormal rows), got n = {n} "
                f"and d = {d}: choose another init, fewer students or a larger d",
            )
        if self.method == "flow" and self.optimizer != "gd":
            raise ConfigError(
                "optimizer",
                f"optimizer = {self.optimizer!r} does not combine with method = "
                "'flow' (gradient flow has no discrete step): use optimizer 'gd' "
                "with flow, or method 'gd' or 'sgd'",
            )
        if self.optimizer == "gauss_newton":
            self._check_gauss_newton()
        for name in self.unused_fields():
            default = _DEFAULTS[name]
            if getattr(self, name) != default:
                raise ConfigError(
                    name, f"{name} = {getattr(self, name)!r} " + _why(name, self)
                )

    def _check_gauss_newton(self) -> None:
        n, d = self.n, self.d
        k = d if self.method == "sgd" else min(d, n + self.teachers)
        where = "k = d on samples" if self.method == "sgd" else "k = min(d, n + m)"
        if n * k > MAX_GAUSS_NEWTON_SIZE:
            raise ConfigError(
                "n",
                f"optimizer = 'gauss_newton' solves an (n k)-square system per step "
                f"({where}): n k must be at most {MAX_GAUSS_NEWTON_SIZE}, here "
                f"n k = {n * k:,} (n = {n}, d = {d}); a step would take more than "
                "a few milliseconds",
            )
        work = self.batch_size * (n * d) ** 2
        if self.method == "sgd" and work > MAX_GAUSS_NEWTON_SAMPLE_WORK:
            raise ConfigError(
                "batch",
                f"optimizer = 'gauss_newton' on samples builds its matrix from "
                f"batch * (n d)^2 = {work:,} products per step: at most "
                f"{MAX_GAUSS_NEWTON_SAMPLE_WORK:,}; use a smaller batch, n or d",
            )

    def uses(self, name: str) -> bool:
        """Whether this run reads field `name` (alpha only for leaky_relu, an
        optimiser's own parameters only under it)."""
        if name == "alpha":
            return self.activation == "leaky_relu"
        if name in ("beta", "beta2", "eps", "damping", "lam"):
            return name in OPTIMIZER_PARAMETERS[self.optimizer]
        return True

    def unused_fields(self) -> tuple[str, ...]:
        return tuple(name for name in _DEFAULTS if not self.uses(name))

    @classmethod
    def read_fields(cls, raw: Mapping[str, Any]) -> dict:
        """`raw` (a sweep's grid point) without the fields a run of it does not
        read: alpha crossed with relu, beta with gd. So a grid may cross an
        activation with alpha values, or optimisers with their parameters."""
        probe = cls.from_mapping({k: v for k, v in raw.items() if k in _SWITCHES})
        return {k: v for k, v in raw.items() if probe.uses(k)}

    def replace(self, **changes: Any) -> "RunConfig":
        """A copy with `changes`, and every field the result does not use reset to
        its default (so varying the optimiser or activation never trips on a
        parameter that no longer applies)."""
        values = self.to_dict() | changes
        probe = {k: v for k, v in values.items() if k in _SWITCHES}
        draft = dataclasses.replace(RunConfig(), **probe)
        for name in draft.unused_fields():
            if name not in changes:
                values[name] = _DEFAULTS[name]
        return RunConfig(**values)

    @property
    def runs_in_full_space(self) -> bool:
        """SGD (its gradient leaves the span) and Adam (not rotation-equivariant)
        run in the original coordinates R^d, not the reduced span."""
        return self.method == "sgd" or self.optimizer == "adam"

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


# Fields whose value decides which others a run uses (RunConfig.uses).
_SWITCHES = ("activation", "optimizer")
# Defaults of the fields that some runs do not use (RunConfig.unused_fields).
_DEFAULTS = {
    name: RunConfig.__dataclass_fields__[name].default
    for name in ("alpha", "beta", "beta2", "eps", "damping", "lam")
}
_CHOICES = {
    f.name: f.metadata["choices"]
    for f in dataclasses.fields(RunConfig)
    if "choices" in f.metadata
}


def _why(name: str, config: RunConfig) -> str:
    if name == "alpha":
        return (
            "applies only with activation = 'leaky_relu' (here "
            f"{config.activation!r}): leave alpha at 0 or choose leaky_relu"
        )
    readers = [k for k, v in OPTIMIZER_PARAMETERS.items() if name in v]
    return (
        f"applies only with optimizer {' or '.join(readers)} (here "
        f"{config.optimizer!r}): leave {name} at its default "
        f"{_DEFAULTS[name]!r} or choose one of those optimizers"
    )


def _parse(name: str, value: Any) -> Any:
    """A raw value as the number or string RunConfig checks (which names the range)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if name in _CHOICES:
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

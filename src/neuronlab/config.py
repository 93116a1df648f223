"""RunConfig: the one validated description of a run (DESIGN §4).

Every entry point (widgets, URL, CLI, sweeps) builds one of these; the engine trusts
its fields. Bad input raises ConfigError (a ValueError) naming the field, the value
and what is allowed. Each field is declared once in PARAMS (neuronlab.params.Param:
type, range, help, which runs read it); its dataclass metadata carries that
declaration, so validation, the CLI's flags, the sweep axes and the app's fields
are all made from it.
"""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from neuronlab.params import ConfigError, Param, fail, params_of

# The vocabularies; neuronlab.dynamics.methods.METHODS, neuronlab.models.registry.MODELS and
# neuronlab.optim.optimizers.OPTIMIZERS register one implementation per name (tests check).
METHODS = ("gd", "flow", "sgd")
ACTIVATIONS = ("relu", "leaky_relu", "erf", "quadratic")
INITS = ("gaussian", "sphere", "student_t", "orthogonal", "uniform")
OPTIMIZERS = ("gd", "momentum", "nesterov", "adam", "gauss_newton")
DAMPINGS = ("sqrt_loss", "loss", "fixed")
OUTPUTS = ("fixed", "trained")
# sigma(c z) = c^p sigma(z): what trained output weights need (neuronlab.models.output).
HOMOGENEOUS = ("relu", "leaky_relu", "quadratic")

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
# Which runs read a parameter (the rest must leave it at its default).
_LEAKY = ("activation", ("leaky_relu",))
_MOMENTUM = ("optimizer", ("momentum", "nesterov", "adam"))
_ADAM = ("optimizer", ("adam",))
_GAUSS_NEWTON = ("optimizer", ("gauss_newton",))

PARAMS = (
    Param("n", 3, "int", "number of student neurons", 1, MAX_N),
    Param("d", 10, "int", "input dimension (n*d <= 5e7)", 1, MAX_D),
    Param("sigma", 0.01, "float", "initial scale: W0 = sigma * N(0, I) from the seed",
          0.0, 100.0, open_low=True),
    Param("eta", 0.1, "float", "step size (GD diverges above about 4/n)", 0.0, 10.0,
          open_low=True),
    Param("steps", 100_000, "int", "GD steps, e.g. 1e6; for method flow the horizon "
          "is t = eta*steps (gd up to 1e10, sgd 1e9, flow 1e11)", 1, MAX_STEPS["flow"]),
    Param("seed", 0, "int", "random seed of W0 (and of the samples for sgd)", 0,
          MAX_SEED),
    Param("method", "gd", "choice", "gd (population GD), flow (gradient flow), sgd "
          "(finite samples)", choices=METHODS),
    Param("teacher_norm", 1.0, "float", "|v_j|; teachers v_j = teacher_norm * e_j",
          0.0, 1000.0, open_low=True),
    Param("samples", 1000, "int", "sgd: number of fixed Gaussian inputs", 1,
          MAX_SAMPLES),
    Param("batch", None, "int", "sgd: minibatch size, at most samples", 1,
          MAX_SAMPLES, none="full"),
    Param("activation", "relu", "choice", "activation of students and teachers: "
          "relu, leaky_relu (slope alpha below 0), erf, quadratic (z^2)",
          choices=ACTIVATIONS),
    Param("alpha", 0.0, "float", "leaky_relu: sigma(z) = alpha z + (1 - alpha)[z]+ "
          "(0 ReLU, 1 linear, -1 |z|)", -1.0, 1.0, read_with=_LEAKY),
    Param("teachers", 1, "int", "number m of orthonormal teachers v_j = "
          "teacher_norm * e_j (m <= d)", 1, MAX_D),
    Param("init", "gaussian", "choice", "start W0 at scale sigma: gaussian, sphere "
          "(norms sigma*sqrt(d)), student_t (3 dof), orthogonal (n <= d), uniform",
          choices=INITS),
    Param("optimizer", "gd", "choice", "how a step uses the gradient: gd, momentum, "
          "nesterov, adam (coordinate-dependent: runs in R^d), gauss_newton (damped); "
          "flow takes gd only", choices=OPTIMIZERS),
    Param("beta", 0.9, "float", "momentum, nesterov: momentum; adam: beta1", 0.0, 1.0,
          open_high=True, read_with=_MOMENTUM),
    Param("beta2", 0.999, "float", "adam: second-moment decay", 0.0, 1.0,
          open_high=True, read_with=_ADAM),
    Param("eps", 1e-8, "float", "adam: denominator offset", 0.0, 1.0, open_low=True,
          read_with=_ADAM),
    Param("damping", "sqrt_loss", "choice", "gauss_newton: lambda = lam*sqrt(L) "
          "(sqrt_loss), lam*L (loss) or lam (fixed)", choices=DAMPINGS,
          read_with=_GAUSS_NEWTON),
    Param("lam", 1.0, "float", "gauss_newton: damping scale", 0.0, 1e6, open_low=True,
          read_with=_GAUSS_NEWTON),
    Param("output", "fixed", "choice", "output weights: fixed at 1 (the paper's) or "
          "trained a_i, a_i(0) = 1, by the same method and optimiser",
          choices=OUTPUTS),
)  # fmt: skip
_P = {p.name: p for p in PARAMS}
# Which optimisers read which of their parameters (the rest must stay default).
OPTIMIZER_PARAMETERS = {
    name: tuple(p.name for p in PARAMS if p.read_with and name in p.read_with[1])
    for name in OPTIMIZERS
}
# Fields whose value decides which others a run reads (RunConfig.uses).
_SWITCHES = tuple(sorted({p.read_with[0] for p in PARAMS if p.read_with}))


def gauss_newton_size(n: int, d: int, m: int, method: str) -> tuple[int, str]:
    """n k, the side of the system a Gauss-Newton step solves, and how k is made
    (k = min(d, n + m) on the population, k = d on samples)."""
    if method == "sgd":
        return n * d, "k = d on samples"
    return n * min(d, n + m), "k = min(d, n + m)"


@dataclass(frozen=True)
class RunConfig:
    """A run: n students learning m teachers of norm `teacher_norm` in R^d.

    Each field is declared once in PARAMS (type, range, help, which runs read it).
    Paper's setting (the defaults): one ReLU teacher, Gaussian start, plain GD.
    Fields that a run does not use (alpha outside leaky_relu, an optimiser's
    parameters under another optimiser) must keep their defaults: a value that
    would be ignored is refused instead. `replace` resets them for callers that
    vary one field. samples and batch are read by method "sgd" only.
    """

    n: int = _P["n"].field()
    d: int = _P["d"].field()
    sigma: float = _P["sigma"].field()
    eta: float = _P["eta"].field()
    steps: int = _P["steps"].field()
    seed: int = _P["seed"].field()
    method: str = _P["method"].field()
    teacher_norm: float = _P["teacher_norm"].field()
    samples: int = _P["samples"].field()
    batch: int | None = _P["batch"].field()
    activation: str = _P["activation"].field()
    alpha: float = _P["alpha"].field()
    teachers: int = _P["teachers"].field()
    init: str = _P["init"].field()
    optimizer: str = _P["optimizer"].field()
    beta: float = _P["beta"].field()
    beta2: float = _P["beta2"].field()
    eps: float = _P["eps"].field()
    damping: str = _P["damping"].field()
    lam: float = _P["lam"].field()
    output: str = _P["output"].field()

    def __post_init__(self) -> None:
        params = params_of(type(self))  # a subclass's added fields are checked too
        method = params["method"].check(self.method)
        # Tops that other fields narrow: steps by method, batch by samples, m by d.
        values = {"steps": params["steps"].check(self.steps, MAX_STEPS[method])}
        for name, param in params.items():
            if name not in ("steps", "batch", "teachers"):
                values[name] = param.check(getattr(self, name))
        values["batch"] = params["batch"].check(self.batch, values["samples"])
        values["teachers"] = params["teachers"].check(self.teachers, values["d"])
        for name, value in values.items():
            object.__setattr__(self, name, value)
        self._check_combinations()

    def _check_combinations(self) -> None:
        n, d, samples = self.n, self.d, self.samples
        max_nd = MAX_SGD_N_TIMES_D if self.runs_in_full_space else MAX_N_TIMES_D
        if n * d > max_nd:
            where = "sgd and adam run" if max_nd == MAX_SGD_N_TIMES_D else "runs"
            raise fail(
                "d",
                d,
                f"at most {max_nd // n:,} for n = {n} (n * d <= {max_nd:,}: "
                f"{where} in R^d)",
            )
        if self.method == "sgd" and samples * d > MAX_SAMPLES_TIMES_D:
            allowed = f"at most {MAX_SAMPLES_TIMES_D // d:,} for d = {d}"
            raise fail("samples", samples, allowed + " (samples * d <= 5e7)")
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
        if self.output == "trained":
            self._check_trained()
        values, params = self.to_dict(), params_of(type(self))
        for name in self.unused_fields():
            if values[name] != params[name].default:
                why = params[name].why_unused(values)
                raise ConfigError(name, f"{name} = {values[name]!r} {why}")

    def _check_gauss_newton(self) -> None:
        n, d = self.n, self.d
        size, where = gauss_newton_size(n, d, self.teachers, self.method)
        if size > MAX_GAUSS_NEWTON_SIZE:
            raise ConfigError(
                "n",
                f"optimizer = 'gauss_newton' solves an (n k)-square system per step "
                f"({where}): n k must be at most {MAX_GAUSS_NEWTON_SIZE}, here "
                f"n k = {size:,} (n = {n}, d = {d}); a step would take more than "
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

    def _check_trained(self) -> None:
        if self.optimizer == "gauss_newton":
            raise ConfigError(
                "optimizer",
                "optimizer = 'gauss_newton' does not combine with output = "
                "'trained' (its Gauss-Newton matrix covers W, not the output "
                "weights a): use gd, momentum, nesterov or adam with a trained "
                "output layer, or output 'fixed'",
            )
        if self.activation not in HOMOGENEOUS:
            raise ConfigError(
                "activation",
                f"activation = {self.activation!r} does not combine with output "
                "= 'trained': the output weights' gradient needs a positively "
                f"homogeneous activation ({', '.join(HOMOGENEOUS)})",
            )

    def uses(self, name: str) -> bool:
        """Whether this run reads field `name` (alpha only for leaky_relu, an
        optimiser's own parameters only under it): its declaration's read_with."""
        return params_of(type(self))[name].reads(self.to_dict())

    def unused_fields(self) -> tuple[str, ...]:
        values = self.to_dict()
        params = params_of(type(self)).values()
        return tuple(p.name for p in params if not p.reads(values))

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
        for param in params_of(type(self)).values():
            if not param.reads(values) and param.name not in changes:
                values[param.name] = param.default
        return type(self)(**values)

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

        Unknown keys raise; numbers are ASCII decimal or exponent text (1e6 for an
        integer; neuronlab.params.parse_number); "none", "full" or "" for batch
        means the full batch.
        """
        params = params_of(cls)
        unknown = sorted(set(raw) - set(params))
        if unknown:
            raise ConfigError(
                unknown[0],
                f"unknown parameter(s) {', '.join(unknown)}: allowed are "
                + ", ".join(params),
            )
        return cls(**{key: params[key].parse(value) for key, value in raw.items()})

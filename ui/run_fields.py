"""A run's parameters as this app offers them (each RunConfig field once: range,
label, widget, help), the app's limits, and how they shape those fields.

A hosted server runs less than the engine allows: these caps apply identically
to links, widgets, presets and every page's work, and the `given` functions
(ui.schema.Field.given) narrow one field by the values before it, saying why,
so every message quotes the limit that applies; a field that a run does not
read (beta under plain GD) is `unused`. ui.fields puts these on pages.
"""

from dataclasses import dataclass, field

from neuronlab.config import MAX_GAUSS_NEWTON_SIZE, MAX_SEED, gauss_newton_size
from ui.jobs import JobLimits
from ui.schema import RUN_PARAMS, Field, config
from ui.sweep_plan import AXES


@dataclass(frozen=True)
class Limits:
    """What one hosted server runs, for every page alike."""

    jobs: JobLimits = field(default_factory=JobLimits)  # slots, 120 s cap, 10 s poll
    # Finite-sample GD holds samples x d inputs (1e7 floats = 80 MB per run) and
    # records full (n, d) weights (~180 records x 2e4 = 29 MB).
    sgd_samples_times_d: int = 10_000_000
    sgd_n_times_d: int = 20_000
    # Flow factors an (n k)-square Jacobian per solver step, k = min(d, n + 1): 1.7 s
    # at n k = 2550 (n = 50, d = 10 000), 0.3 s at 930; Stop would wait for a step.
    flow_n_times_k: int = 930
    view_seconds: float = 60.0  # estimated compute of a Compare, Phases, Sweeps view
    seed_seconds: float = 30.0  # estimated compute of Explore's extra seeds
    sweep_axis_values: int = 10
    sweep_runs: int = 200
    sweep_steps: int = 10**6


LIMITS = Limits()
ND, SD, NK = LIMITS.sgd_n_times_d, LIMITS.sgd_samples_times_d, LIMITS.flow_n_times_k


def d_within_caps(d: Field, values) -> Field:
    """d within the product caps of finite-sample GD and of gradient flow."""
    n, method = values["n"], values["method"]
    if method == "sgd":
        why = f"finite-sample GD: n * d ≤ {ND:,} in this app, here n = {n}"
        return d.narrowed(ND // n, why)
    if method == "flow" and NK // n < n + 1:
        why = f"gradient flow: n * min(d, n + 1) ≤ {NK} in this app, here n = {n}"
        return d.narrowed(NK // n, why)
    return d


def samples_within_caps(samples: Field, values) -> Field:  # drawn for sgd only
    if values["method"] != "sgd":
        return samples.but(widget="")
    d = values["d"]
    why = f"finite-sample GD: samples * d ≤ {SD:,} in this app, here d = {d:,}"
    return samples.narrowed(SD // d, why)


def batch_within_samples(
    batch: Field, values
) -> Field:  # drawn for sgd only, ≤ samples
    if values["method"] != "sgd":
        return batch.but(widget="")
    return batch.narrowed(values["samples"], "at most samples")


def teachers_within_d(m: Field, values) -> Field:
    return m.narrowed(
        values["d"], f"m ≤ d: orthonormal teachers, here d = {values['d']}"
    )


def optimizers_run_here(opt: Field, values) -> Field:
    """Flow has no discrete step; Adam (in R^d) and Gauss-Newton (an (n k)-square
    solve) only where this app runs them."""
    n, d, m, method = values["n"], values["d"], values["teachers"], values["method"]
    if method == "flow":
        return opt.but(unused="does not apply to gradient flow (no discrete step)")
    size, k = gauss_newton_size(n, d, m, method)
    refused = {
        "adam": (n * d > ND, f"Adam runs in R^d: n * d ≤ {ND:,} in this app"),
        "gauss_newton": (
            size > MAX_GAUSS_NEWTON_SIZE,
            f"Gauss–Newton solves (n k)² systems: n k ≤ {MAX_GAUSS_NEWTON_SIZE}, {k}",
        ),
    }
    why = "; ".join(why for name, (no, why) in refused.items() if no)
    options = tuple(o for o in opt.options if not refused.get(o, (False,))[0])
    return opt.but(options=options, why=why) if why else opt


def read_by_the_run(field: Field, values) -> Field:
    """`given` of a field that only some runs read (the engine's declaration:
    alpha under leaky_relu, beta under momentum...): unused in the others. Under
    gradient flow the optimiser is gd whatever its widget holds."""
    switches = dict(values)
    if switches.get("method") == "flow":
        switches["optimizer"] = "gd"
    param = RUN_PARAMS[field.name]
    if param.reads(switches):
        return field
    switch, readers = param.read_with
    return field.but(unused=f"applies only with {switch} {' or '.join(readers)}")


def optimizer_parameter(name: str, low=None, high=None, **declared) -> Field:
    return config(name, low, high, group="Optimiser", given=read_by_the_run, **declared)


def values_of(axis: str, field_of):
    """`given` of xs (ys): the values of the field that `x` (`y`) names, parsed by
    field_of(name), the app's declaration of that field."""

    def given(values_field, values):
        chosen = AXES[values[axis]]
        label = f"Values of {chosen.symbol}"
        default = list(chosen.defaults)
        return values_field.but(
            item=field_of(chosen.name), default=default, label=label
        )

    return given


def other_than_x(y, values):
    """`given` of y: any axis but x."""
    others = tuple(a for a in AXES if a != values["x"])
    return y.but(options=others, default=others[0])


def unswept(field, values):
    """`given` of a fixed field: no parameter at all while it is swept."""
    return None if field.name in (values["x"], values["y"]) else field


N = config("n", 1, 50, label="Students n", widget="slider")
D = config("d", 1, 10_000, label="Dimension d", widget="number", advanced=True)
SIGMA = config("sigma", 1e-8, 100.0, label="Initial scale σ", widget="log")
ETA = config("eta", 1e-5, 10.0, label="Step size η", widget="log")
STEPS = config("steps", 1, 10**8, label="Steps T", widget="log")
SEED = config("seed", 0, MAX_SEED, label="Seed", widget="number", advanced=True)
NORM = config("teacher_norm", 1e-3, 1000.0, label="Teacher norm ‖v‖")
MODEL = tuple(
    f.but(group="Model", advanced=True)
    for f in (
        config("activation", label="Activation", widget="select").but(
            names={
                "relu": "ReLU",
                "leaky_relu": "leaky ReLU",
                "erf": "erf",
                "quadratic": "quadratic z²",
            },
            help="Of students and teacher alike; every one has an exact closed form.",
        ),
        config("alpha", -1.0, 1.0, label="Leaky slope α", widget="slider")
        .but(given=read_by_the_run)
        .but(
            help="σ(z) = αz + (1 − α)[z]₊: α = 0 ReLU, 1 linear, −1 the absolute value |z|."
        ),
        config("teachers", 1, 20, label="Teachers m", widget="number").but(
            given=teachers_within_d,
            help="Orthonormal teachers vⱼ = ‖v‖ eⱼ (Safran & Shamir's setting).",
        ),
        config("output", label="Output weights", widget="select").but(
            names={"fixed": "fixed at 1 (paper)", "trained": "trained aᵢ"},
            help="Trained: the student Σ aᵢσ(wᵢᵀx), aᵢ(0) = 1, by the same method "
            "and optimiser (not Gauss–Newton; ReLU, leaky ReLU or quadratic).",
        ),
        config("init", label="Initialisation", widget="select").but(
            names={
                "gaussian": "Gaussian (paper)",
                "sphere": "sphere: equal norms",
                "student_t": "Student-t (3 dof): heavy tails",
                "orthogonal": "orthogonal rows",
                "uniform": "uniform entries",
            },
            help="Every scheme at the same scale σ (rows of norm about σ√d).",
        ),
    )
)
OPTIMISER = tuple(
    f.but(advanced=True)
    for f in (
        config("optimizer", label="Optimiser", widget="select").but(
            group="Optimiser",
            given=optimizers_run_here,
            names={
                "gd": "GD (paper)",
                "momentum": "heavy-ball momentum",
                "nesterov": "Nesterov",
                "adam": "Adam (coordinate-dependent)",
                "gauss_newton": "damped Gauss–Newton",
            },
            help="Adam is not rotation-equivariant: it runs in R^d with the teacher "
            "along e₁, and rotating the problem changes its curve. The others run "
            "in span{v, wᵢ(0)}.",
        ),
        optimizer_parameter("beta", 0.0, 0.999, widget="number").but(
            label="Momentum β (Adam: β₁)"
        ),
        optimizer_parameter("beta2", 0.0, 0.99999, widget="number").but(
            label="Adam β₂"
        ),
        optimizer_parameter("eps", 1e-12, 1.0, widget="log", label="Adam ε"),
        optimizer_parameter("damping", widget="segmented").but(
            label="Damping λ",
            names={"sqrt_loss": "c·√L", "loss": "c·L", "fixed": "c"},
        ),
        optimizer_parameter("lam", 1e-6, 1e6, widget="log", label="Scale c"),
    )
)

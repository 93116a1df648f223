"""The Beyond page's experiments (beyond-notes; issue 11): their arms.

Each is a registry entry of neuronlab.analysis.beyond.Experiment: a function from its knobs
to the arms (one config per curve), the knobs' defaults, the seeds per arm and
the measure that turns finished runs into its table. A new experiment is one
entry here.
"""

import math

from neuronlab.analysis.beyond import (
    Arm,
    Experiment,
    balance,
    constants,
    layers,
    rates,
    spurious,
)
from neuronlab.config import ConfigError, RunConfig


def _activation_arms(n: int, d: int, sigma: float, eta: float, steps: int):
    base = RunConfig(n=n, d=d, sigma=sigma, eta=eta, steps=steps)
    names = {-1.0: "|z| (α = −1)", 0.0: "ReLU (α = 0)", 1.0: "linear (α = 1)"}
    arms = [
        Arm(
            names.get(a, f"leaky α = {a:g}"),
            base.replace(activation="leaky_relu", alpha=a),
        )
        for a in (-1.0, -0.5, 0.0, 0.2, 0.5, 1.0)
    ]
    return (
        *arms,
        Arm("erf", base.replace(activation="erf")),
        Arm("quadratic z²", base.replace(activation="quadratic")),
    )


def _init_arms(n: int, d: int, sigma: float, eta: float, steps: int):
    base = RunConfig(n=n, d=d, sigma=sigma, eta=eta, steps=steps)
    return tuple(Arm(name, base.replace(init=name)) for name in
                 ("gaussian", "sphere", "student_t", "orthogonal", "uniform"))  # fmt: skip


def _optimizer_arms(n: int, d: int, sigma: float, steps: int, newton_steps: int):
    base = RunConfig(n=n, d=d, sigma=sigma, eta=0.1, steps=steps)
    newton = base.replace(optimizer="gauss_newton", eta=1.0, steps=newton_steps)
    return (
        Arm("GD", base),
        Arm("momentum β = 0.9", base.replace(optimizer="momentum", beta=0.9)),
        Arm("Nesterov β = 0.9", base.replace(optimizer="nesterov", beta=0.9)),
        Arm("Adam η = 1e-3", base.replace(optimizer="adam", eta=1e-3)),
        *(
            Arm(f"Gauss–Newton λ ∝ {label}", newton.replace(damping=damping))
            for damping, label in (("sqrt_loss", "√L"), ("loss", "L"), ("fixed", "1"))
        ),
    )


def _teacher_arms(k: int, steps: int):
    if not (isinstance(k, int) and k >= 1):
        raise ConfigError("k", f"k = {k!r} is not allowed: k (teachers, = d) must be "
                          "an integer of at least 1")  # fmt: skip
    # Safran & Shamir's protocol: V = I_k (d = k), W0 ~ N(0, 1/d), eta = 0.1.
    base = RunConfig(d=k, teachers=k, sigma=1 / math.sqrt(k), eta=0.1, steps=steps)
    return tuple(Arm(f"k = {k}, n = {n}", base.replace(n=n)) for n in (k, k + 1))


def _stepsize_arms(n: int, d: int, sigma: float, steps: int):
    """Gradient flow, then GD at several eta up to just below the edge 4/n, all
    to the same time t = 0.1 * steps (the flow's horizon at eta = 0.1)."""
    flow = RunConfig(n=n, d=d, sigma=sigma, eta=0.1, steps=steps, method="flow")
    edge = 4 / n
    etas = [e for e in (0.01, 0.1, 0.5, 1.0) if e < 0.9 * edge] + [0.975 * edge]
    gd = flow.replace(method="gd")
    return (
        Arm("gradient flow", flow),
        *(
            Arm(
                f"GD η = {eta:.3g}", gd.replace(eta=eta, steps=round(0.1 * steps / eta))
            )
            for eta in etas
        ),
    )


def _output_arms(d: int, sigma: float, eta: float, steps: int):
    """n = 1, 2, 3, each with output weights fixed at 1 (the paper's) and
    trained from a_i = 1 by the same GD."""
    base = RunConfig(d=d, sigma=sigma, eta=eta, steps=steps)
    return tuple(
        Arm(f"n = {n}, {output} a", base.replace(n=n, output=output))
        for n in (1, 2, 3)
        for output in ("fixed", "trained")
    )


def along(field: str, values, **base) -> Experiment:
    """Compare's experiment: the config of `base` with `field` at each of `values`
    (one curve each, the same seeds), e.g. optimizer = gd, momentum, adam."""

    def arms(values, **fields):
        if field == "alpha":  # the only activation alpha shapes
            fields["activation"] = "leaky_relu"
        config = RunConfig(**fields)
        return tuple(
            Arm(f"{field} = {value}", config.replace(**{field: value}))
            for value in values
        )

    return Experiment(
        f"along {field}",
        arms,
        {"values": tuple(values), **base},
        seeds=3,
        measure=rates,
        guides=((-3.0, "t⁻³"),),
    )


EXPERIMENTS = {
    e.key: e
    for e in (
        Experiment(
            "activation",
            _activation_arms,
            {"n": 3, "d": 10, "sigma": 0.1, "eta": 0.1, "steps": 100_000},
            seeds=3,
            measure=rates,
            guides=(
                (-3.0, "t⁻³ (ReLU, Xu & Du)"),
                (-2.0, "t⁻² (quadratic, Xiong et al.)"),
            ),
        ),
        Experiment(
            "initialisation",
            _init_arms,
            # The theorems' regime (small sigma; sigma = 0.1 is Figure 1's), to
            # t = 5e4: at t = 2e3 the tail still fits -1.9, at 5e4 it fits -2.98.
            {"n": 3, "d": 20, "sigma": 1e-4, "eta": 0.05, "steps": 1_000_000},
            seeds=3,
            measure=balance,
            extras=("balance", "norm_min", "norm_max", "theta_max"),
            guides=((-3.0, "t⁻³"),),
        ),
        Experiment(
            "optimiser",
            _optimizer_arms,
            {"n": 3, "d": 10, "sigma": 0.1, "steps": 100_000, "newton_steps": 300},
            seeds=3,
            measure=rates,
            guides=((-3.0, "t⁻³"),),
        ),
        Experiment(
            "teachers",
            _teacher_arms,
            # 5000 steps classify every start as 20 000 do (40 of 40 at k = 8).
            {"k": 8, "steps": 5_000},
            seeds=30,
            measure=spurious,
            certify=True,
        ),
        Experiment(
            "stepsize",
            _stepsize_arms,
            # t = 1e4: every arm reaches its tail (L ~ 1e-12) above the floor.
            {"n": 3, "d": 10, "sigma": 0.1, "steps": 100_000},
            seeds=3,
            measure=constants,
            guides=((-3.0, "t⁻³"),),
        ),
        Experiment(
            "output",
            _output_arms,
            # t = 1e4, as the step size's: the n >= 2 tails sit near L ~ 1e-12.
            {"d": 10, "sigma": 0.1, "eta": 0.1, "steps": 100_000},
            seeds=3,
            measure=layers,
            extras=(
                *(f"a_{i}" for i in (1, 2, 3)),
                *(f"balancedness_{i}" for i in (1, 2, 3)),
            ),
            guides=((-3.0, "t⁻³"),),
        ),
    )
}

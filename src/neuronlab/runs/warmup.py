"""Compile (or load from numba's on-disk cache) the engine's kernels.

The argument types below are the only ones the engine ever passes (float64
C-contiguous arrays, int64 counts), so nothing compiles again later. A server
compiles the default run's path (`DEFAULT_PATH`: what the first visitor most
likely needs) on two cores: the loop in its own process, the loss and the
gradient in a child process (neuronlab.runs.precompile), which then fills
numba's disk cache with every other path: numba compiles under the GIL, so a
thread doing all of it in the server would slow every request for a minute.
"""

from collections.abc import Iterable

import numpy as np

from neuronlab.blas import pin_one_blas_thread
from neuronlab.config import RunConfig
from neuronlab.dynamics.discrete import trained
from neuronlab.dynamics.loop import compile_loop
from neuronlab.dynamics.methods import METHODS
from neuronlab.dynamics.run import advance, start_run
from neuronlab.dynamics.schedule import record_steps
from neuronlab.models.kernels import compile_model
from neuronlab.models.registry import MODELS
from neuronlab.optim.optimizers import OPTIMIZERS

TINY = {"n": 2, "d": 3, "steps": 12, "samples": 8, "batch": 4, "teachers": 2}
# Explore's default run (and its n = 1 contrast: the same argument types).
DEFAULT_PATH = (RunConfig(steps=TINY["steps"]),)


def warm_up(configs: Iterable[RunConfig] | None = None) -> None:
    """Run a tiny instance of each config (default: every path; a few ms each
    once numba's cache is warm), and pin BLAS to one thread for the process
    (neuronlab/blas.py says why)."""
    pin_one_blas_thread()
    for config in every_path() if configs is None else configs:
        state = start_run(config)
        while not state.done:
            state = advance(state)
        state.trajectory().metrics  # noqa: B018 - compiles the metrics' angle kernel


def compile_models(configs: Iterable[RunConfig]) -> None:
    """The loss and the population gradient of each config's model, by their
    types alone (the two share most of their callees)."""
    for config in configs:
        compile_model(MODELS[config.activation])


def compile_loops(configs: Iterable[RunConfig]) -> None:
    """The compiled loop of each config's run, by its type alone (gradient
    flow has none; Gauss-Newton has its own, compiled with its kernels).

    A fresh server splits the default run's kernels between two processes: it
    compiles this loop itself (it needs no model kernel) while its filler
    process compiles the loss and the gradient (ui.cache.WarmUp)."""
    for config in configs:
        if config.method != "flow" and OPTIMIZERS[config.optimizer].run is None:
            sampled = config.method == "sgd"
            compile_loop(OPTIMIZERS[config.optimizer].rule, sampled, trained(config))


def every_path() -> list[RunConfig]:
    """A tiny run of each method with each activation, and of each optimiser
    with each activation on population GD and on samples (the loops take the
    model's kernels as typed functions: each kernel compiles once, the loops
    once for all models). Gradient flow with relu only: its solver is SciPy's and its
    kernels are those GD compiles (measured: a flow run per activation tripled
    a warm-cache warm_up, 1.2 -> 4.7 s). In the order a visitor is likely to need
    them: population GD of each activation (Explore, Beyond's activation and
    initialisation experiments), each optimiser (Beyond's optimiser experiment),
    then the other methods and combinations."""
    configs = [RunConfig(activation=name, **TINY) for name in MODELS]
    configs += [RunConfig(optimizer=name, **TINY) for name in OPTIMIZERS]
    configs += [RunConfig(method=method, **TINY) for method in METHODS]
    for activation in [name for name in MODELS if name != "relu"]:
        configs.append(RunConfig(method="sgd", activation=activation, **TINY))
        for optimizer in OPTIMIZERS:
            for method in ("gd", "sgd"):
                configs.append(
                    RunConfig(
                        method=method,
                        optimizer=optimizer,
                        activation=activation,
                        **TINY,
                    )
                )
    return list(dict.fromkeys(configs))  # relu's GD appears twice above


def estimate_seconds(config: RunConfig) -> float:
    """Rough wall-clock seconds of simulate(config) on a 2-core machine, to decide
    whether a run starts at once. GD ~ 0.2 us + 15-40 ns per pair of rows per
    step (rows = n + m, k = min(d, n + m)), erf 2x: the earlier fit to
    benchmarks/bench_engine.py on the loaded machine (n = 3: 0.4 us), kept
    although a quiet one now runs 0.19 us at n = 3 and 17 us at n = 50
    (bench_models.py), because the app's start-at-once and ensemble caps are
    tuned to it; flow ~ 0.07 s + 2 ms * n k per decade of t; SGD ~ 1 ns per
    sample * student * coordinate. Optimisers: momentum and Nesterov as GD;
    Adam in R^d (k = d); Gauss-Newton adds a Cholesky solve of size n k (~0.4 ns
    per flop, n = 10: 175 us per step measured) and, on samples, building its
    matrix from batch (n d)^2 products."""
    n, rows = config.n, config.n + config.teachers
    k = config.d if config.runs_in_full_space else min(config.d, rows)
    records = len(record_steps(config.steps))
    setup = 2e-3 + 1e-8 * n * config.d
    if config.method == "flow":
        decades = max(1.0, np.log10(config.horizon) + 2)
        return setup + decades * (0.07 + 2e-3 * n * k)
    if config.method == "sgd":
        per_step = 3e-7 + 1e-9 * config.batch_size * n * config.d
        per_step += _gauss_newton_seconds(config, config.d, config.batch_size)
        per_record = 2e-5 + 1e-9 * config.samples * n * config.d
        return setup + config.steps * per_step + records * per_record
    pairs = rows * (rows - 1) / 2
    per_step = 2e-7 + pairs * (15e-9 + 0.5e-9 * k)
    per_step *= 2.0 if config.activation == "erf" else 1.0
    per_step += _gauss_newton_seconds(config, k, 0)
    return setup + config.steps * per_step + records * (2e-5 + per_step)


def _gauss_newton_seconds(config: RunConfig, k: int, batch: int) -> float:
    """The extra cost of one Gauss-Newton step over a gradient step (0 else)."""
    if config.optimizer != "gauss_newton":
        return 0.0
    size = config.n * k
    return 2e-6 + 0.4e-9 * size**3 / 3 + 5e-9 * size**2 + 1e-9 * batch * size**2


def estimate_bytes(config: RunConfig) -> int:
    """Rough bytes a run holds while it runs: its records of the full (n, d)
    weights and, for finite-sample GD, its samples x d inputs (1e7 floats = 80 MB)."""
    records = len(record_steps(config.steps)) * config.n * config.d
    inputs = config.samples * config.d if config.method == "sgd" else 0
    return 8 * (records + inputs)

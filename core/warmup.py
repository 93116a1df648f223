"""Compile (or load from numba's on-disk cache) every kernel once per process.

The argument types below are the only ones the engine ever passes (float64
C-contiguous arrays, int64 counts), so nothing compiles again later.
"""

import numpy as np

from .blas import pin_one_blas_thread
from .config import RunConfig
from .methods import METHODS
from .models import MODELS
from .optimizers import OPTIMIZERS
from .run import advance, start_run
from .schedule import record_steps


def warm_up() -> None:
    """Run a tiny instance of every method (a few ms once numba's cache is warm),
    and pin BLAS to one thread for the process (core/blas.py says why)."""
    pin_one_blas_thread()
    for config in _every_path():
        state = start_run(config)
        while not state.done:
            state = advance(state)
        state.trajectory().metrics  # noqa: B018 - compiles the metrics' angle kernel


def _every_path() -> list[RunConfig]:
    """A tiny run of each method with each activation, and of each optimiser
    with each activation on population GD and on samples (the loops take the
    model's kernels as typed functions: each kernel compiles once, the loops
    once for all models)."""
    tiny = {"n": 2, "d": 3, "steps": 12, "samples": 8, "batch": 4, "teachers": 2}
    configs = []
    for activation in MODELS:
        for method in METHODS:
            configs.append(RunConfig(method=method, activation=activation, **tiny))
        for optimizer in OPTIMIZERS:
            for method in ("gd", "sgd"):
                configs.append(
                    RunConfig(
                        method=method,
                        optimizer=optimizer,
                        activation=activation,
                        **tiny,
                    )
                )
    return configs


def estimate_seconds(config: RunConfig) -> float:
    """Rough wall-clock seconds of simulate(config) on a 2-core machine, to decide
    whether a run starts at once. Fitted to benchmarks/bench_engine.py figures:
    GD ~ 0.2 us + 15-40 ns per pair of rows per step (n = 3: 0.4 us, n = 20: 4 us,
    n = 50: 51 us); flow ~ 0.07 s + 2 ms * n k per decade of t; SGD ~ 1 ns per
    sample * student * coordinate. Optimisers: momentum and Nesterov as GD;
    Adam in R^d (k = d); Gauss-Newton adds a Cholesky solve of size n k (~0.4 ns
    per flop, n = 10: 175 us per step measured) and, on samples, building its
    matrix from batch (n d)^2 products."""
    n = config.n
    k = config.d if config.runs_in_full_space else min(config.d, n + 1)
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
    pairs = n * (n + 1) / 2
    per_step = 2e-7 + pairs * (15e-9 + 0.5e-9 * k)
    per_step += _gauss_newton_seconds(config, k, 0)
    return setup + config.steps * per_step + records * (2e-5 + per_step)


def _gauss_newton_seconds(config: RunConfig, k: int, batch: int) -> float:
    """The extra cost of one Gauss-Newton step over a gradient step (0 else)."""
    if config.optimizer != "gauss_newton":
        return 0.0
    size = config.n * k
    return 2e-6 + 0.4e-9 * size**3 / 3 + 5e-9 * size**2 + 1e-9 * batch * size**2

"""Compile (or load from numba's on-disk cache) every kernel once per process.

The argument types below are the only ones the engine ever passes (float64
C-contiguous arrays, int64 counts), so nothing compiles again later.
"""

import numpy as np

from .blas import pin_one_blas_thread
from .config import RunConfig
from .methods import METHODS
from .run import advance, start_run
from .schedule import record_steps


def warm_up() -> None:
    """Run a tiny instance of every method (a few ms once numba's cache is warm),
    and pin BLAS to one thread for the process (core/blas.py says why)."""
    pin_one_blas_thread()
    for method in METHODS:
        config = RunConfig(n=2, d=3, steps=12, method=method, samples=8, batch=4)
        state = start_run(config)
        while not state.done:
            state = advance(state)
        state.trajectory().metrics  # noqa: B018 - compiles the metrics' angle kernel


def estimate_seconds(config: RunConfig) -> float:
    """Rough wall-clock seconds of simulate(config) on a 2-core machine, to decide
    whether a run starts at once. Fitted to benchmarks/bench_engine.py figures:
    GD ~ 0.2 us + 15-40 ns per pair of rows per step (n = 3: 0.4 us, n = 20: 4 us,
    n = 50: 51 us); flow ~ 0.07 s + 2 ms * n k per decade of t; SGD ~ 1 ns per
    sample * student * coordinate."""
    n = config.n
    k = min(config.d, n + 1)
    records = len(record_steps(config.steps))
    setup = 2e-3 + 1e-8 * n * config.d
    if config.method == "flow":
        decades = max(1.0, np.log10(config.horizon) + 2)
        return setup + decades * (0.07 + 2e-3 * n * k)
    if config.method == "sgd":
        per_step = 3e-7 + 1e-9 * config.batch_size * n * config.d
        per_record = 2e-5 + 1e-9 * config.samples * n * config.d
        return setup + config.steps * per_step + records * per_record
    pairs = n * (n + 1) / 2
    per_step = 2e-7 + pairs * (15e-9 + 0.5e-9 * k)
    return setup + config.steps * per_step + records * (2e-5 + per_step)

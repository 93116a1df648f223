"""Compile (or load from numba's on-disk cache) every kernel once per process.

The argument types below are the only ones the engine ever passes (float64
C-contiguous arrays, int64 counts), so nothing compiles again later.
"""

import numpy as np

from .blas import pin_one_blas_thread
from .config import RunConfig
from .run import advance, start_run
from .schedule import record_steps


def warm_up() -> None:
    """Run a tiny instance of every method (a few ms once numba's cache is warm),
    and pin BLAS to one thread for the process (core/blas.py says why)."""
    pin_one_blas_thread()
    for method in ("gd", "flow", "sgd"):
        config = RunConfig(n=2, d=3, steps=12, method=method, samples=8, batch=4)
        state = start_run(config)
        while not state.done:
            state = advance(state)
        state.trajectory().metrics  # noqa: B018 - compiles the metrics' angle kernel


def estimate_seconds(config: RunConfig) -> float:
    """Rough wall-clock seconds of simulate(config) on a 2-core machine, for
    deciding whether a run starts at once (measured: benchmarks/bench_engine.py)."""
    n = config.n
    k = min(config.d, n + 1)
    records = len(record_steps(config.steps))
    per_record = 2e-5 * (n + 1) ** 2 + 1e-4
    if config.method == "flow":
        # About a dozen segments of Radau steps; each Jacobian is (n k)^2.
        return 0.05 * np.log10(config.steps + 10) * (1 + (n * k / 30) ** 2)
    if config.method == "sgd":
        per_step = 2e-9 * config.batch_size * n * config.d + 2e-7
        return config.steps * per_step + records * 2e-9 * config.samples * n * config.d
    pairs = n * (n + 1) / 2
    per_step = 2e-7 + pairs * (25e-9 + 1e-9 * k) + 5e-10 * (n + 1) ** 2 * k
    return config.steps * per_step + records * per_record

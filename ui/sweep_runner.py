"""Background sweeps: rows fill in as runs finish; one live sweep per server.

No Streamlit here. ui.runner's registry (FIFO queue, live limit, poll timeout,
time cap, bounded cache) runs a `SweepJob`, whose result is a table, not a
trajectory. The worker feeds core.iter_sweep in this process for small sweeps (a
spawned process pool takes seconds to start, longer than the default sweep
itself), and in pool batches of about BATCH_SECONDS for larger ones. Stop, the
poll timeout and the time cap act between runs in this process and between
batches in a pool: leaving iter_sweep's pool early would wait for its queued runs.
"""

import math
import os
import time

import pandas as pd

import core
from core.summary import SUMMARY_COLUMNS
from core.sweep import CONFIG_COLUMNS, iter_sweep
from ui.runner import RUNNING, Job, RunLimits, RunRegistry

COLUMNS = [*CONFIG_COLUMNS, *SUMMARY_COLUMNS]
# Below this much estimated compute, one core beats paying a pool's start-up.
POOL_ABOVE_SECONDS = 10.0
BATCH_SECONDS = 20.0
# Two processes: a hosted sweep shares its server with everyone else's pages.
POOL_WORKERS = 2
SWEEP_LIMITS = RunLimits(
    max_live=1, max_seconds=300.0, max_steps=10**6, poll_timeout=10.0, cache_size=16
)


def batches(estimates: list[float], cores: int) -> list[tuple[list[int], int]]:
    """(run indices, workers) in input order: one in-process batch for a small
    sweep, else pool batches of about BATCH_SECONDS of estimated compute each."""
    workers = min(POOL_WORKERS, cores)
    if workers < 2 or sum(estimates) < POOL_ABOVE_SECONDS:
        return [(list(range(len(estimates))), 1)]
    out, current, load = [], [], 0.0
    for index, seconds in enumerate(estimates):
        current.append(index)
        load += seconds
        if load >= BATCH_SECONDS:
            out.append((current, workers))
            current, load = [], 0.0
    return [*out, (current, workers)] if current else out


class SweepJob(Job):
    """One sweep; `config` is a ui.sweep_plan.SweepPlan, `rows[i]` run i's row."""

    def __init__(self, config, state=None, trajectory=None):
        super().__init__(config, state, trajectory)
        self.rows: list[dict | None] = [None] * config.runs
        self.done = config.runs if trajectory is not None else 0

    @property
    def progress(self) -> float:
        return self.done / max(len(self.rows), 1)

    def seconds_left(self) -> float:
        """Remaining wall clock, extrapolated from the runs done (NaN before one)."""
        if self.phase != RUNNING or self.done == 0:
            return float("nan")
        elapsed = time.monotonic() - self.started
        return elapsed * (len(self.rows) - self.done) / self.done

    def table(self) -> pd.DataFrame:
        """Finished rows in input order (every row once the sweep has finished)."""
        if self._trajectory is not None:
            return self._trajectory
        return pd.DataFrame([r for r in self.rows if r is not None], columns=COLUMNS)


class SweepRegistry(RunRegistry):
    """Server-wide sweeps: the queue, the live limit and a cache of tables."""

    job_class = SweepJob

    def _compute(self, job: SweepJob, started: float) -> None:
        configs = job.config.configs()
        estimates = [core.estimate_seconds(config) for config in configs]
        for indices, workers in batches(estimates, os.cpu_count() or 1):
            items = [configs[i] for i in indices]
            for k, row in iter_sweep(items, workers=workers):
                job.rows[indices[k]] = row
                job.done += 1
                if workers == 1 and self._stopping(job, started):
                    return
            if self._stopping(job, started):
                return
        table = job.table()
        job._trajectory = table
        self._store(job.config, table)

    def _stopping(self, job: SweepJob, started: float) -> bool:
        if job.done == len(job.rows):
            return False
        job.reason = job._stop_reason(started, self.limits)
        return bool(job.reason)


def runs_per_second(job: SweepJob) -> float:
    """Finished runs per wall-clock second since the sweep started (NaN at first)."""
    elapsed = time.monotonic() - job.started
    return job.done / elapsed if job.done and elapsed > 0 else math.nan

"""Explore's seed ensembles: the extra seeds of one config, in the background.

No Streamlit here. ui.runner's registry (FIFO queue, live limit, poll timeout,
time cap, bounded cache) runs an `EnsembleJob`, whose config is an
`EnsemblePlan` and whose result is the list of the extra seeds' records. The
chosen seed is the page's live run; the band is drawn over it and the extras.
"""

import dataclasses
import math
from dataclasses import dataclass

import pandas as pd

import core
from core import RunConfig
from core.config import MAX_SEED
from ui.ensembles import BAND
from ui.runner import Job, RunLimits, RunRegistry

COLUMNS = ("step", "time", "loss", "loss_inv_cbrt")
BAND_COLUMNS = ("loss", "loss_inv_cbrt")
# Estimated compute of the extra seeds together: more seeds than fit are not run
# here (the CLI's `sweep --seeds` has no such cap).
MAX_SECONDS = 30.0
ENSEMBLE_LIMITS = RunLimits(
    max_live=1, max_seconds=4 * MAX_SECONDS, max_steps=10**8, cache_size=32
)


@dataclass(frozen=True)
class EnsemblePlan:
    """Seeds config.seed, ..., config.seed + seeds - 1 of `config`; `asked` is the
    K the user chose (larger than `seeds` when the work cap cut it)."""

    config: RunConfig
    seeds: int
    asked: int

    @property
    def steps(self) -> int:
        return self.config.steps

    @property
    def last_seed(self) -> int:
        return self.config.seed + self.seeds - 1

    def configs(self) -> list[RunConfig]:
        """The extra seeds (the chosen one is the live run)."""
        return [
            dataclasses.replace(self.config, seed=self.config.seed + k)
            for k in range(1, self.seeds)
        ]

    def seconds(self, seeds: int | None = None) -> float:
        """Estimated compute of the extra seeds of `seeds` (default: this plan's),
        one after the other."""
        extra = (self.seeds if seeds is None else seeds) - 1
        return extra * core.estimate_seconds(self.config)

    def to_dict(self) -> dict:
        """The runs only (not `asked`): the result cache's key."""
        return {"ensemble": self.seeds, **self.config.to_dict()}


def plan(config: RunConfig, asked: int, max_seconds: float = MAX_SECONDS):
    """The ensemble of `asked` seeds, cut to what MAX_SECONDS of work and the
    seed range allow (at least the chosen seed itself)."""
    per_seed = core.estimate_seconds(config)
    fit = 1 + math.floor(max_seconds / per_seed) if per_seed > 0 else asked
    seeds = max(1, min(asked, fit, MAX_SEED - config.seed + 1))
    return EnsemblePlan(config, seeds, asked)


class EnsembleJob(Job):
    """The extra seeds of an EnsemblePlan; `frames` fill in, in seed order."""

    def __init__(self, config, state=None, trajectory=None):
        super().__init__(config, state, trajectory)
        self.frames: list[pd.DataFrame] = list(trajectory or [])
        self.current = 0.0  # progress of the seed being computed

    @property
    def progress(self) -> float:
        extra = max(self.config.seeds - 1, 1)
        return min((len(self.frames) + self.current) / extra, 1.0)

    def result(self) -> list[pd.DataFrame]:
        """Records (COLUMNS) of the extra seeds done so far."""
        return list(self.frames)


class EnsembleRegistry(RunRegistry):
    """Server-wide ensembles: one computes at a time, finished ones are cached."""

    job_class = EnsembleJob

    def _compute(self, job: EnsembleJob, started: float) -> None:
        def show(state, rate: float) -> None:
            job.current = state.progress

        for config in job.config.configs():
            job.current = 0.0
            state = self._run_to_end(job, core.start_run(config), started, show)
            if state is None:
                return
            job.frames.append(state.trajectory().metrics[list(COLUMNS)])
        frames = job.result()
        job._trajectory = frames
        self._store(job.config, frames)


def bands(live: pd.DataFrame, extras: list[pd.DataFrame]) -> pd.DataFrame:
    """Median and BAND quantiles of the loss and L^(-1/3) at each record step,
    over the live run's records and the extra seeds' (core.ensemble_bands)."""
    frames = [live[list(COLUMNS)], *extras]
    return core.ensemble_bands(frames, BAND_COLUMNS, BAND)

"""The one experiment pipeline: arms x seeds -> runs -> per-run summaries ->
bands and tables (the experiments' own measures).

Every study of many runs is made of these pieces: a sweep (an arm per grid
point; `summary_row` is its row), the Beyond experiments and Compare along a
field (arms x seeds -> `run_one` -> `bands` and the experiment's table), and a
caller's background job (ui.tasks), which runs the same `run_one` or
`summary_row` through a chunked, stoppable `run`. A run is a pure function of
its config, so its record and its summary are bit-identical serially, in a
process pool or on a Dask worker (same software stack).
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from neuronlab.analysis.summary import ensemble_bands, summarise
from neuronlab.config import RunConfig
from neuronlab.dynamics.run import simulate
from neuronlab.runs.metered import Stopped

# The records a run keeps by default: enough for loss curves and their rates.
COLUMNS = ("step", "time", "loss", "local_exponent", "loss_inv_cbrt")
BAND = (0.1, 0.9)  # quantiles of the shaded band over seeds


@dataclass(frozen=True)
class Arm:
    """One curve: `config` with seeds config.seed, config.seed + 1, ..."""

    label: str
    config: RunConfig


@dataclass(frozen=True)
class Run:
    """A finished run, small: its arm's label, its config, its records (the
    columns asked for), wall seconds and status;
    `certificate`, where the caller asked for one, what it made of the run's end
    (the Beyond teachers experiment: the critical point a stuck run polishes to)."""

    arm: str
    config: RunConfig
    frame: pd.DataFrame
    seconds: float
    status: str
    certificate: object = None

    @property
    def seconds_per_step(self) -> float:
        return self.seconds / max(int(self.frame.step.iloc[-1]), 1)


def plan(arms: Iterable[Arm], seeds: int) -> list[tuple[Arm, int]]:
    """Every (arm, seed) run, arm by arm: seeds arm.config.seed + 0, 1, ..."""
    return [(arm, arm.config.seed + k) for arm in arms for k in range(seeds)]


def run_one(
    arm: Arm,
    seed: int,
    columns: Iterable[str] = COLUMNS,
    run: Callable = simulate,
    certify: Callable | None = None,
) -> Run:
    """Run one (arm, seed); `run(config)` may be a chunked, stoppable simulate
    (the numbers never depend on the chunks); certify(trajectory), if given,
    makes the run's certificate."""
    started = time.perf_counter()
    traj = run(arm.config.replace(seed=seed))
    seconds = time.perf_counter() - started
    keep = [c for c in dict.fromkeys(columns) if c in traj.metrics]
    certificate = certify(traj) if certify else None
    return Run(
        arm.label, traj.config, traj.metrics[keep], seconds, traj.status,
        certificate,
    )  # fmt: skip


def summary_row(config: RunConfig, run: Callable = simulate) -> dict:
    """A sweep's row: the config's fields, then its summary. A run that raises
    becomes a row that says why (status "error"), so the rest go on; Stopped
    (a caller's Stop or cap) is not a failure and goes through."""
    try:
        return config.to_dict() | summarise(run(config))
    except Stopped:
        raise
    except Exception as error:  # noqa: BLE001 - a row, not a crash
        message = f"{type(error).__name__}: {error}"
        return config.to_dict() | {"status": "error", "message": message}


def by_arm(runs: Iterable[Run]) -> dict[str, list[Run]]:
    """Runs grouped by their arm's label, in first-seen order."""
    grouped: dict[str, list[Run]] = {}
    for one in runs:
        grouped.setdefault(one.arm, []).append(one)
    return grouped


def bands(
    runs: Iterable[Run], column: str, quantiles: tuple[float, float] = BAND
) -> dict[str, pd.DataFrame]:
    """Median and quantiles of `column` per arm (neuronlab.ensemble_bands), with
    `seconds`: the time axis in wall-clock (mean seconds per step x step)."""
    out = {}
    for label, mine in by_arm(runs).items():
        band = ensemble_bands([r.frame for r in mine], (column,), quantiles)
        per_step = np.mean([r.seconds_per_step for r in mine])
        out[label] = band.assign(seconds=band.step * per_step)
    return out

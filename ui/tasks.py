"""Every page's work as a ui.jobs.Task (no Streamlit): a run, its extra seeds,
Compare's seed runs, Phases' run and spectra, a toy case, a sweep, an experiment.

Each runs its configs through a core.metered.Meter: chunks of at most 0.25 s of
wall time, progress after each (the job's `progress` raises Stopped when it must
end), so Stop and every cap act within a chunk for every method.
"""

import time
from functools import partial

import core
from core import RunConfig, analysis, beyond, toys
from core.metered import COST, Live, Meter, Stopped
from core.summary import SUMMARY_COLUMNS
from core.sweep import CONFIG_COLUMNS
from core.sweep_plan import Ensemble, ensemble_plan  # noqa: F401 (tasks' API)
from ui.jobs import Job, Task

SWEEP_COLUMNS = [*CONFIG_COLUMNS, *SUMMARY_COLUMNS, "seconds", "seconds_below_1e-9"]


def config_key(config: RunConfig) -> tuple:
    """A config as a cache key: its fields, sorted by name."""
    return tuple(sorted(config.to_dict().items()))


def run(config: RunConfig, resume_from: core.RunState | None = None, steps=0) -> Task:
    """Explore's run (paused after `steps` more steps, if given): partial results
    are `Live`; the result is the Trajectory. Its estimate is this process's."""

    def work(progress: Job) -> core.Trajectory:
        meter = Meter(progress, core.estimate_seconds(config))
        state = resume_from or core.start_run(config)
        until = state.step + steps if steps else 0
        return meter.advance(state, Live, until).trajectory()

    # The part left to run (a Step's few steps are awaited like a short run).
    left = 1 - resume_from.progress if resume_from is not None else 1.0
    if steps and config.method != "flow":
        left = min(left, steps / config.steps)
    return Task(("run", config_key(config)), COST.seconds(config) * left, work, config)


def restore(config: RunConfig, live: Live, reason: str) -> Task:
    """Explore's run as a closed tab left it (ui.resume): its last records, ended
    again for `reason`, so Continue and Step go on from them."""

    def work(progress: Job):
        progress(live.state.progress, live)
        raise Stopped(reason)

    return Task(("run", config_key(config)), 0.0, work, config)


def ensemble(plan: Ensemble) -> Task:
    """The extra seeds' records (analysis.SEED_COLUMNS), in seed order; partial
    results are the seeds done so far."""

    def work(progress: Job) -> list:
        meter, frames = Meter(progress, plan.seconds()), []
        for config in plan.configs():
            frames.append(meter.run(config).metrics[list(analysis.SEED_COLUMNS)])
            progress(meter.done / meter.total, list(frames))
        return frames

    key = ("seeds", plan.seeds, config_key(plan.config))
    return Task(key, plan.seconds(), work, plan)


def compare(ns, seeds: int, **scalars) -> Task:
    """Compare's view: n = 1 and each n in `ns`, seeds 0..seeds-1, as bands of the
    first LEFT_STEPS and of the whole run, and each seed's tail slope. Each seed
    run is cached on its own, so a view that adds a seed computes only that."""
    todo = [(n, seed) for n in (1, *sorted(ns)) for seed in range(seeds)]
    first = dict(scalars, steps=min(scalars["steps"], analysis.LEFT_STEPS))
    weights = [
        core.estimate_seconds(RunConfig(n=n, **scalars))
        + core.estimate_seconds(RunConfig(n=n, **first))
        for n, _ in todo
    ]

    def work(progress: Job):
        meter, done, runs = Meter(progress, sum(weights)), 0.0, {}
        for (n, seed), weight in zip(todo, weights, strict=True):
            key = ("seed runs", n, seed, tuple(sorted(scalars.items())))
            compute = partial(analysis.seed_runs, n, seed=seed, run=meter.run)
            runs[n, seed] = progress.memo(key, partial(compute, **scalars))
            done += weight
            meter.reach(done)
        left, whole, slopes = {}, {}, {}
        for n in dict.fromkeys(n for n, _ in todo):
            mine = [runs[n, seed] for seed in range(seeds)]
            left[n] = analysis.bands([r[0] for r in mine])
            whole[n] = analysis.bands([r[1] for r in mine])
            slopes[n] = [r[2] for r in mine]
        return left, whole, slopes

    key = ("compare", tuple(sorted(ns)), seeds, tuple(sorted(scalars.items())))
    return Task(key, sum(weights), work)


def phases(at, **fields) -> Task:
    """Phases' view: (run, Hessian spectra at the records nearest `at`); for n >= 2
    the n = 1 control with the same σ, η, d and seed is run and diagonalised too."""
    config = RunConfig(**fields)
    control = config.replace(n=1) if config.n >= 2 else None
    seconds = sum(core.estimate_seconds(c) for c in (config, control) if c)

    def work(progress: Job):
        meter = Meter(progress, seconds)

        def phase_run(c: RunConfig | None):
            if c is None:
                return None
            compute = partial(analysis.phase_run, run=meter.run, **c.to_dict())
            return progress.memo(("phase run", config_key(c)), compute)

        run, control_run = phase_run(config), phase_run(control)
        return run, analysis.spectra(run, control_run, at)

    return Task(("phases", config_key(config), tuple(at)), seconds, work)


def toy(name: str, n: int) -> Task:
    """A toy case's run next to its prediction (core.toys.ToyView)."""
    case = toys.make(name, n)
    seconds = core.estimate_seconds(case.config) * (2 if name == "remark26" else 1)

    def work(progress: Job):
        return toys.toy_view(name, n, run=Meter(progress, seconds).run)

    return Task(("toy", name, n), seconds, work)


def experiment(plan: beyond.Experiment, seeds: int, knobs: dict) -> Task:
    """Every (arm, seed) run of a Beyond experiment as core.beyond.Run, arm by
    arm; partial results are the runs done so far. Each run is cached on its
    own, so "run more seeds" computes only the new ones."""
    todo = beyond.tasks(plan, seeds, **knobs)
    weights = [core.estimate_seconds(arm.config) for arm, _ in todo]

    def work(progress: Job) -> list:
        meter, runs, done = Meter(progress, sum(weights)), [], 0.0
        for (arm, seed), weight in zip(todo, weights, strict=True):
            key = ("beyond", plan.key, arm.label, config_key(arm.config), seed)
            compute = partial(beyond.run_task, plan, arm, seed, run=meter.run)
            runs.append(progress.memo(key, compute))
            done += weight
            meter.reach(done, list(runs))
        return runs

    key = ("experiment", plan.key, seeds, tuple(sorted(knobs.items())))
    return Task(key, sum(weights), work, (plan.key, len(todo)))


def sweep(key, configs: list[RunConfig]) -> Task:
    """One row per config (core.sweep's row: its fields, then core.summarise), in
    order; partial results are the rows done so far (None: not yet)."""
    seconds = sum(core.estimate_seconds(c) for c in configs)

    def work(progress: Job) -> list:
        meter, rows = Meter(progress, seconds), [None] * len(configs)
        for index, config in enumerate(configs):
            rows[index] = _row(config, meter)
            progress(meter.done / meter.total, list(rows))
        return rows

    return Task(("sweep", key), seconds, work)


def _row(config: RunConfig, meter: Meter) -> dict:
    try:
        started = time.perf_counter()
        row = config.to_dict() | core.summarise(meter.run(config))
        # Wall time is this server's, so it is the page's column, not core.sweep's.
        seconds = time.perf_counter() - started
        below = row["steps_below_1e-9"] / config.steps * seconds
        return row | {"seconds": seconds, "seconds_below_1e-9": below}
    except Stopped:
        raise
    # A failed run is a row that says why, as in core.sweep: the rest go on.
    except Exception as error:  # noqa: BLE001
        message = f"{type(error).__name__}: {error}"
        return config.to_dict() | {"status": "error", "message": message}

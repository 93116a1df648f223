"""Every page's work as a ui.jobs.Task (no Streamlit): a run, its extra seeds,
Compare's seed runs, Phases' run and spectra, a toy case, a sweep, an experiment,
a point of the landscape.

Each runs its configs through a neuronlab.runs.metered.Meter: chunks of at most 0.25 s of
wall time, progress after each (the job's `progress` raises Stopped when it must
end), so Stop and every cap act within a chunk for every method.
"""

import time
from functools import partial

import neuronlab
from neuronlab import RunConfig
from neuronlab.analysis import beyond, landscape_view, toys
from neuronlab.analysis import studies as analysis
from neuronlab.analysis.summary import SUMMARY_COLUMNS
from neuronlab.runs.metered import COST, Live, Meter, Stopped
from neuronlab.runs.pipeline import Arm, plan, run_one, summary_row
from neuronlab.runs.sweep import CONFIG_COLUMNS
from neuronlab.runs.warmup import estimate_bytes
from ui.jobs import Job, Task
from ui.sweep_plan import Ensemble, ensemble_plan  # noqa: F401 (tasks' API)

SWEEP_COLUMNS = [*CONFIG_COLUMNS, *SUMMARY_COLUMNS, "seconds", "seconds_below_1e-9"]


def config_key(config: RunConfig) -> tuple:
    """A config as a cache key: its fields, sorted by name."""
    return tuple(sorted(config.to_dict().items()))


def run(
    config: RunConfig, resume_from: neuronlab.RunState | None = None, steps=0
) -> Task:
    """Explore's run (paused after `steps` more steps, if given): partial results
    are `Live`; the result is the Trajectory. Its estimate is this process's."""

    def work(progress: Job) -> neuronlab.Trajectory:
        meter = Meter(progress, neuronlab.estimate_seconds(config))
        state = resume_from or neuronlab.start_run(config)
        until = state.step + steps if steps else 0
        return meter.advance(state, Live, until).trajectory()

    # The part left to run (a Step's few steps are awaited like a short run).
    left = 1 - resume_from.progress if resume_from is not None else 1.0
    if steps and config.method != "flow":
        left = min(left, steps / config.steps)
    seconds, held = COST.seconds(config) * left, estimate_bytes(config)
    return Task(("run", config_key(config)), seconds, work, config, held)


def restore(config: RunConfig, live: Live, reason: str) -> Task:
    """Explore's run as a closed tab left it (ui.resume): its last records, ended
    again for `reason`, so Continue and Step go on from them."""

    def work(progress: Job):
        progress(live.state.progress, live)
        raise Stopped(reason)

    return Task(("run", config_key(config)), 0.0, work, config)


def ensemble(wanted: Ensemble) -> Task:
    """The extra seeds' records (analysis.SEED_COLUMNS) through the one
    pipeline's run_one, in seed order; partial results are the seeds done so
    far. The chosen seed is the page's own run, so it is not run again."""
    todo = plan([Arm("seeds", wanted.config)], wanted.seeds)[1:]

    def work(progress: Job) -> list:
        meter, frames = Meter(progress, wanted.seconds()), []
        for arm, seed in todo:
            done = run_one(arm, seed, analysis.SEED_COLUMNS, run=meter.run)
            frames.append(done.frame)
            progress(meter.done / meter.total, list(frames))
        return frames

    key = ("seeds", wanted.seeds, config_key(wanted.config))
    # One seed runs at a time; the records kept are SEED_COLUMNS only.
    return Task(key, wanted.seconds(), work, wanted, estimate_bytes(wanted.config))


def compare(ns, seeds: int, **scalars) -> Task:
    """Compare's view (neuronlab.analysis.studies.along_n_view): n = 1 and each n
    in `ns`, seeds 0..seeds-1, through the one pipeline's run_one. Each run is
    cached on its own, so a view that adds a seed computes only that."""
    arms = analysis.along_n(ns, **scalars)
    todo = plan(arms, seeds)
    weights = [neuronlab.estimate_seconds(arm.config) for arm, _ in todo]

    def one(meter: Meter, item):
        arm, seed = item
        key = ("compare run", config_key(arm.config), seed)
        columns = analysis.COMPARE_COLUMNS
        return key, partial(run_one, arm, seed, columns, run=meter.run)

    def work(progress: Job):
        runs = _each(progress, todo, weights, one, publish=False)
        return analysis.along_n_view(arms, runs)

    key = ("compare", tuple(sorted(ns)), seeds, tuple(sorted(scalars.items())))
    return Task(key, sum(weights), work)


def phases(at, **fields) -> Task:
    """Phases' view: (run, Hessian spectra at the records nearest `at`); for n >= 2
    the n = 1 control with the same σ, η, d and seed is run and diagonalised too."""
    config = RunConfig(**fields)
    control = config.replace(n=1) if config.n >= 2 else None
    seconds = sum(neuronlab.estimate_seconds(c) for c in (config, control) if c)

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
    """A toy case's run next to its prediction (neuronlab.analysis.toys.ToyView)."""
    case = toys.make(name, n)
    seconds = neuronlab.estimate_seconds(case.config) * (2 if name == "remark26" else 1)

    def work(progress: Job):
        return toys.toy_view(name, n, run=Meter(progress, seconds).run)

    return Task(("toy", name, n), seconds, work)


def experiment(study: beyond.Experiment, seeds: int, knobs: dict) -> Task:
    """Every (arm, seed) run of a Beyond experiment as neuronlab.analysis.beyond.Run, arm by
    arm; partial results are the runs done so far. Each run is cached on its
    own, so "run more seeds" computes only the new ones."""
    todo = beyond.tasks(study, seeds, **knobs)
    weights = [neuronlab.estimate_seconds(arm.config) for arm, _ in todo]

    def one(meter: Meter, item):
        arm, seed = item
        key = ("beyond", study.key, arm.label, config_key(arm.config), seed)
        return key, partial(beyond.run_task, study, arm, seed, run=meter.run)

    def work(progress: Job) -> list:
        return _each(progress, todo, weights, one, publish=True)

    key = ("experiment", study.key, seeds, tuple(sorted(knobs.items())))
    return Task(key, sum(weights), work, (study.key, len(todo)))


def sweep(key, configs: list[RunConfig]) -> Task:
    """One row per config (neuronlab.runs.sweep's row: its fields, then neuronlab.summarise), in
    order; partial results are the rows done so far (None: not yet)."""
    seconds = sum(neuronlab.estimate_seconds(c) for c in configs)

    def work(progress: Job) -> list:
        meter, rows = Meter(progress, seconds), [None] * len(configs)
        for index, config in enumerate(configs):
            rows[index] = _row(config, meter)
            progress(meter.done / meter.total, list(rows))
        return rows

    return Task(("sweep", key), seconds, work)


def _row(config: RunConfig, meter: Meter) -> dict:
    """The CLI sweep's row (the one pipeline's summary_row), plus wall time: this
    server's, so the page's columns, not the engine's."""
    started = time.perf_counter()
    row = summary_row(config, run=meter.run)
    if row["status"] == "error":
        return row
    seconds = time.perf_counter() - started
    below = row["steps_below_1e-9"] / config.steps * seconds
    return row | {"seconds": seconds, "seconds_below_1e-9": below}


def _each(progress: Job, todo: list, weights: list, one, publish: bool) -> list:
    """The runs of `todo` in order, each cached on its own (one(meter, item) ->
    (key, compute)), so a view that adds a seed computes only that seed; progress
    by their estimated `weights`, with the runs done so far if `publish`."""
    meter, runs, done = Meter(progress, sum(weights)), [], 0.0
    for item, weight in zip(todo, weights, strict=True):
        key, compute = one(meter, item)
        runs.append(progress.memo(key, compute))
        done += weight
        meter.reach(done, list(runs) if publish else None)
    return runs


def landscape(point: str, **values) -> Task:
    """The Landscape page's point (neuronlab.analysis.landscape_view): the runs metered, the
    polishing, spectrum and slice after them (well under a second)."""
    if point in ("run", "global"):
        runs = [
            RunConfig(
                **{k: values[k] for k in ("n", "d", "sigma", "eta", "steps", "seed")}
            )
        ]
    else:
        first = landscape_view.stuck_config(values["k"], values["seed"])
        runs = [first] * values["seeds"]
    # The escape runs at a saddle: two GD runs of escape_steps each.
    escape = RunConfig(n=runs[0].n + 1, d=runs[0].d, steps=landscape_view.ESCAPE_STEPS)
    seconds = sum(
        map(neuronlab.estimate_seconds, runs)
    ) + 2 * neuronlab.estimate_seconds(escape)

    def work(progress: Job):
        return landscape_view.landscape_view(
            point, run=Meter(progress, seconds).run, **values
        )

    return Task(("landscape", point, tuple(sorted(values.items()))), seconds, work)

"""Background runs: limits, queue, caps, cache. Real engine, tiny configs."""

import time

import pytest

from core import RunConfig, simulate
from ui import ensemble_runner
from ui.runner import FINISHED, RUNNING, WAITING, RunLimits, RunRegistry

LONG = RunConfig(n=3, d=4, steps=10**8)
SHORT = RunConfig(n=2, d=3, steps=500)


@pytest.fixture
def registry():
    """A registry whose every worker thread is stopped and joined after the test."""
    made = []

    def make(**limits):
        made.append(RunRegistry(RunLimits(**limits)))
        return made[-1]

    yield make
    for each in made:
        each.stop_all()


def wait_until(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_short_run_completes_with_the_engines_numbers(registry):
    job = registry().submit(SHORT)
    assert job.wait(30)
    assert job.phase == FINISHED
    trajectory = job.trajectory()
    assert trajectory.status == "completed"
    assert trajectory.loss.tolist() == simulate(SHORT).loss.tolist()


def test_finished_runs_are_cached_by_config(registry):
    runs = registry()
    first = runs.submit(SHORT)
    first.wait(30)
    again = runs.submit(RunConfig(**SHORT.to_dict()))
    assert again.finished
    assert again.trajectory() is first.trajectory()
    fresh = runs.submit(SHORT, use_cache=False)
    assert fresh is not again


def test_at_most_two_live_runs_and_the_rest_wait_in_order(registry):
    runs = registry(max_live=2)
    jobs = [runs.submit(RunConfig(**{**LONG.to_dict(), "seed": s})) for s in range(4)]
    wait_until(lambda: runs.live_count() == 2)
    assert [j.phase for j in jobs[:2]] == [RUNNING, RUNNING]
    assert [runs.queue_position(j) for j in jobs[2:]] == [1, 2]
    assert jobs[2].phase == WAITING
    jobs[0].stop()
    wait_until(lambda: jobs[2].phase == RUNNING)
    assert runs.queue_position(jobs[3]) == 1


def test_stop_keeps_the_records_and_continue_resumes(registry):
    runs = registry()
    job = runs.submit(LONG)
    wait_until(lambda: job.state is not None and job.state.step > 0)
    job.stop()
    assert job.wait(10)
    assert job.reason == "stopped by the user"
    assert job.trajectory().status == "stopped"
    resumed = runs.submit(LONG, resume_from=job.state)
    wait_until(lambda: resumed.state.step > job.state.step)
    resumed.stop()


def test_a_run_nobody_polls_stops(registry):
    job = registry(poll_timeout=0.3).submit(LONG)
    assert job.wait(10)
    assert "polling" in job.reason


def test_a_run_stops_at_the_time_cap(registry):
    job = registry(max_seconds=0.5).submit(LONG)
    deadline = time.monotonic() + 10
    while not job.finished and time.monotonic() < deadline:
        job.touch()
        time.sleep(0.05)
    assert "time cap" in job.reason
    assert 0 < job.state.step < LONG.steps


def test_runs_above_the_step_cap_are_refused(registry):
    with pytest.raises(ValueError, match="exceeds"):
        registry(max_steps=1000).submit(SHORT.__class__(steps=1001))


def test_the_cache_is_bounded(registry):
    runs = registry(cache_size=2)
    for seed in range(3):
        runs.submit(RunConfig(**{**SHORT.to_dict(), "seed": seed})).wait(30)
    assert runs.cached(RunConfig(**{**SHORT.to_dict(), "seed": 0})) is None
    assert runs.cached(RunConfig(**{**SHORT.to_dict(), "seed": 2})) is not None


def test_an_ensemble_runs_the_extra_seeds_with_the_engines_numbers():
    plan = ensemble_runner.plan(SHORT, 3)
    runs = ensemble_runner.EnsembleRegistry(ensemble_runner.ENSEMBLE_LIMITS)
    try:
        job = runs.submit(plan)
        assert job.wait(30)
        assert not job.error
        extras = job.result()
        assert [c.seed for c in plan.configs()] == [1, 2]
        for config, frame in zip(plan.configs(), extras, strict=True):
            assert frame["loss"].tolist() == simulate(config).loss.tolist()
        band = ensemble_runner.bands(simulate(SHORT).metrics, extras)
        assert (band["runs"] == 3).all()
        assert runs.submit(plan).finished  # cached by plan
    finally:
        runs.stop_all()


def test_an_ensemble_is_cut_to_the_work_cap_and_the_seed_range():
    assert ensemble_runner.plan(SHORT, 20).seeds == 20
    long = ensemble_runner.plan(RunConfig(n=3, steps=10**8), 20)
    assert (long.seeds, long.asked) == (1, 20)  # no extra seed fits the cap
    assert long.seconds(20) > ensemble_runner.MAX_SECONDS
    last = ensemble_runner.plan(RunConfig(n=2, d=3, steps=500, seed=2**32 - 2), 5)
    assert last.seeds == 2

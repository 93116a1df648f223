"""Live runs: the animated geometry chart (pure figure), Step, the calibrated
estimate and the run's own ETA, Stop's latency (issue 12, "Live runs")."""

import re
import time

import numpy as np
import pytest

from core import RunConfig, estimate_seconds, simulate
from core.cost import REFERENCE, Cost
from core.geometry import main_orthogonal_direction, plane_coordinates
from ui import page, tasks
from ui.figures import geometry
from ui.figures.geometry import MAX_FRAMES, MAX_MOVING, geometry_figure
from ui.jobs import JobLimits, JobRegistry

RUN = simulate(RunConfig(n=3, d=6, steps=20_000))


def plane_of(trajectory) -> np.ndarray:
    sample = np.unique(np.linspace(0, len(trajectory.steps) - 1, 30).round())
    u = main_orthogonal_direction(trajectory.coords[sample.astype(int)])
    return plane_coordinates(trajectory.coords, u)


def test_every_record_is_a_frame_ending_on_the_last():
    fig = geometry_figure(RUN.coords, RUN.steps, RUN.config)
    records = len(RUN.steps)
    assert records <= MAX_FRAMES
    assert len(fig.frames) == records
    assert fig.frames[-1].name == f"{int(RUN.steps[-1]):,}"
    (slider,) = fig.layout.sliders
    assert len(slider.steps) == records
    assert slider.active == records - 1
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert labels == ["▶ Play", "❚❚ Pause"]


@pytest.mark.parametrize("n", [3, 10, 50])
def test_frames_are_capped_and_keep_first_and_last(n):
    run = simulate(RunConfig(n=n, d=n + 1, steps=3000, eta=0.01))
    fig = geometry_figure(run.coords, run.steps, run.config)
    assert 2 <= len(fig.frames) <= min(MAX_FRAMES, len(run.steps))
    assert len(fig.frames) * 2 * n <= max(MAX_MOVING, 4 * n)
    assert fig.frames[0].name == "0"
    assert fig.frames[-1].name == f"{int(run.steps[-1]):,}"


def test_fixed_axes_cover_every_record_and_follow_fits_each():
    fixed = geometry_figure(RUN.coords, RUN.steps, RUN.config)
    plane = plane_of(RUN)
    (x_low, x_high), (y_low, y_high) = (
        fixed.layout.xaxis.range,
        fixed.layout.yaxis.range,
    )
    assert x_low <= min(0.0, plane[..., 0].min())
    assert x_high >= max(1.0, plane[..., 0].max())
    assert y_low <= plane[..., 1].min()
    assert y_high >= plane[..., 1].max()
    assert all(frame.layout.xaxis.range is None for frame in fixed.frames)
    follow = geometry_figure(RUN.coords, RUN.steps, RUN.config, follow=True)
    last_span = follow.frames[-1].layout.yaxis.range[1]
    assert last_span == pytest.approx(1.15 * np.abs(plane[-1, :, 1]).max())
    # Aligned students: fixed axes show them on v̄, not a rescaled 1e-3 spread.
    assert last_span < y_high / 10


def test_trails_follow_each_student_up_to_the_frame():
    fig = geometry_figure(RUN.coords, RUN.steps, RUN.config)
    n = RUN.config.n
    trails = [t for t in fig.data if t.name.endswith("path")]
    assert [t.name for t in trails] == ["w₁ path", "w₂ path", "w₃ path"]
    assert all(len(t.x) == len(RUN.steps) for t in trails)
    plane = plane_of(RUN)
    np.testing.assert_allclose(trails[1].y, plane[:, 1, 1], rtol=1e-3, atol=1e-300)
    middle = fig.frames[len(fig.frames) // 2]
    assert list(middle.traces) == list(range(1, 2 * n + 1))
    assert len(middle.data[0].x) == len(fig.frames) // 2 + 1
    # The student's tip in a frame sits at the trail's last point.
    assert middle.data[n].x[-1] == pytest.approx(middle.data[0].x[-1], rel=1e-3)


def test_a_live_run_draws_only_its_last_record():
    fig = geometry_figure(RUN.coords, RUN.steps, RUN.config, animate=False)
    assert not fig.frames
    assert not fig.layout.sliders
    assert len(fig.data) == 1 + 2 * RUN.config.n


def test_short_numbers_keep_four_digits():
    values = np.array([0.0, 1.23456789, -2.5e-12, 123456.0])
    shortened = geometry._short(values)
    np.testing.assert_allclose(shortened, values, rtol=5e-4)
    assert shortened[0] == 0.0


@pytest.fixture
def registry():
    """A registry whose every worker thread is stopped and joined after the test."""
    made = []
    yield lambda **limits: made.append(JobRegistry(JobLimits(**limits))) or made[-1]
    for each in made:
        each.stop_all()


STEPPED = {
    "gd": RunConfig(n=3, d=5, steps=5_000),
    "sgd": RunConfig(method="sgd", n=2, d=4, samples=200, batch=16, steps=3_000),
    "flow": RunConfig(method="flow", n=2, d=3, steps=20_000),
}


@pytest.mark.parametrize("method", list(STEPPED))
def test_steps_then_continue_give_the_numbers_of_one_run(registry, method):
    config, runs = STEPPED[method], registry()
    state, paused = None, []
    for k in (1, 10, 7, 1000):
        job = runs.submit(tasks.run(config, state, steps=k), use_cache=False)
        assert job.wait(30)
        assert job.result is None
        assert job.reason.startswith("paused at step")
        before = state.step if state else 0
        state = job.partial.state
        paused.append(state.step)
        if method != "flow":  # flow pauses at the first record past the target
            assert state.step == before + k
    assert paused == sorted(paused)
    job = runs.submit(tasks.run(config, state), use_cache=False)
    assert job.wait(60)
    whole = simulate(config)
    assert job.result.steps.tolist() == whole.steps.tolist()
    assert job.result.loss.tolist() == whole.loss.tolist()  # bit for bit
    assert np.array_equal(job.result.final_W, whole.final_W)


def test_a_step_that_reaches_the_end_is_the_finished_run(registry):
    config = STEPPED["gd"]
    job = registry().submit(tasks.run(config, steps=10**6), use_cache=False)
    assert job.wait(30)
    assert job.result.status == "completed"
    assert job.result.loss.tolist() == simulate(config).loss.tolist()


class FakeClock:
    """perf_counter stand-in: each call returns `tick` seconds more."""

    def __init__(self, tick: float):
        self.now, self.tick = 0.0, tick

    def __call__(self) -> float:
        self.now += self.tick
        return self.now


def test_calibration_scales_the_estimate_by_the_measured_cost():
    cost = Cost(clock=FakeClock(0.0))
    config = RunConfig(steps=10**7)
    assert cost.seconds(config) == estimate_seconds(config)  # nothing measured
    cost.observe("gd", estimated=1.0, measured=2.5)
    assert cost.seconds(config) == pytest.approx(2.5 * estimate_seconds(config))
    assert cost.ratio("sgd") == pytest.approx(2.5)  # GD's until SGD is measured
    cost.observe("sgd", estimated=1.0, measured=1.0)
    assert cost.ratio("sgd") == pytest.approx(1.0)
    for _ in range(100):  # a faster machine later: old measurements fade
        cost.observe("gd", estimated=1.0, measured=1.0)
    assert cost.ratio("gd") == pytest.approx(1.0, rel=0.05)


def test_calibrate_times_the_reference_run_with_the_clock():
    clock = FakeClock(0.0)
    cost = Cost(clock=clock)
    clock.tick = 3 * estimate_seconds(REFERENCE)  # the run "takes" 3x the estimate
    cost.calibrate()
    assert cost.ratio("gd") == pytest.approx(3.0)


def test_the_calibrated_estimate_is_within_2x_of_a_measured_run(registry):
    cost = Cost()
    cost.calibrate()
    config = RunConfig(n=3, d=10, steps=2 * 10**6)
    began = time.perf_counter()
    job = registry().submit(tasks.run(config))
    assert job.wait(60)
    took = time.perf_counter() - began
    print(
        f"\n[estimate] raw {estimate_seconds(config):.2f} s, calibrated "
        f"{cost.seconds(config):.2f} s, measured {took:.2f} s"
    )
    assert took / 2 < cost.seconds(config) < 2 * took
    assert tasks.COST.seconds(config) == pytest.approx(took, rel=1.0)


def test_after_continue_the_time_left_is_the_resumed_runs_own(registry):
    config, runs = RunConfig(n=3, d=4, steps=10**8), registry()
    job = runs.submit(tasks.run(config))
    wait_until(lambda: job.partial is not None and job.partial.state.step > 10**6)
    job.stop()
    assert job.wait(10)
    resumed = runs.submit(tasks.run(config, job.partial.state), use_cache=False)
    first = job.partial.state.step
    wait_until(lambda: resumed.partial and resumed.partial.state.step > first + 2e6)
    live, began = resumed.partial, resumed.started
    rate = (live.state.step - first) / (time.monotonic() - began)
    left = (config.steps - live.state.step) / live.steps_per_second
    print(f"\n[eta] {live.state.step:,} of {config.steps:,}: {left:.0f} s left")
    assert left == pytest.approx((config.steps - live.state.step) / rate, rel=0.5)
    assert left > 10  # ~98 M steps to go: never "about 0 s"
    resumed.stop()


def test_stop_ends_a_long_run_within_half_a_second(registry):
    runs, waits = registry(), []
    for seed in range(3):
        job = runs.submit(tasks.run(RunConfig(n=3, steps=10**8, seed=seed)))
        wait_until(lambda job=job: job.partial is not None)
        time.sleep(0.4)
        asked = time.monotonic()
        job.stop()
        assert job.wait(10)
        waits.append(time.monotonic() - asked)
        assert job.reason == "stopped by the user"
    print(f"\n[stop] GD: finished {', '.join(f'{w:.2f}' for w in waits)} s after Stop")
    assert sorted(waits)[1] < 0.5  # the median: a loaded machine may delay one


def wait_until(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


LONG_VIEWS = {
    "compare": lambda: tasks.compare(
        (2, 5), 2, d=5, sigma=0.1, eta=0.05, steps=5 * 10**7
    ),
    "phases": lambda: tasks.phases((10, 1000), n=3, d=20, steps=2 * 10**7),
}


@pytest.mark.parametrize("view", list(LONG_VIEWS))
def test_compare_and_phases_show_progress_with_a_time_left(registry, view):
    job = registry().submit(LONG_VIEWS[view]())
    seen, texts = [], []
    for _ in range(8):
        time.sleep(0.3)
        job.touch()
        if job.finished:
            break
        seen.append(job.progress)
        texts.append(page.remaining(job))
    job.stop()
    print(f"\n[{view}] progress {[round(p, 3) for p in seen]}; {texts[-1]}")
    assert len(seen) >= 3
    assert seen == sorted(seen)
    assert 0 < seen[-1] < 1
    seconds = [
        int(m[1]) for t in texts if (m := re.fullmatch(r"about (\d+) s left", t))
    ]
    assert seconds, texts
    assert all(s > 0 for s in seconds[:-1])

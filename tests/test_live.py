"""The animated geometry chart of a run, as a pure figure: frames, fixed or
following axes, trails (issue 12, "Live runs"; the jobs: test_live_runs.py)."""

import numpy as np
import pytest

from neuronlab import RunConfig, simulate
from neuronlab.analysis.geometry import main_orthogonal_direction, plane_coordinates
from ui.figures import geometry
from ui.figures.geometry import MAX_FRAMES, MAX_MOVING, geometry_figure

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

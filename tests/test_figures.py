"""Figure builders, fits and projection: pure functions, no browser.

Synthetic metrics frames follow the engine contract's columns, so these tests pin
the charts' behaviour independently of the engine's numbers.
"""

import io
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from neuronlab import RunConfig, ensemble_bands, simulate
from neuronlab.analysis.fits import fit_line_tail, fit_power_tail
from neuronlab.analysis.geometry import main_orthogonal_direction, plane_coordinates
from neuronlab.export import to_csv, to_json
from ui import figures
from ui.figures.palette import PETROFF_10, student_colours

TIME_SERIES = [
    figures.loss_figure,
    figures.inverse_cube_root_figure,
    figures.angles_figure,
    figures.balance_figure,
    figures.norms_figure,
    figures.potential_figure,
]


def synthetic_frame(n: int, records: int = 60, eta: float = 0.1) -> pd.DataFrame:
    """A slow-phase-like run: L = 2 (ηT)^-3 for T >= 1, angles ~ 1/t, with the
    undefined values (NaN) the engine writes at t = 0 and for h_min <= 0."""
    steps = np.unique(np.round(np.geomspace(1, 1e5, records))).astype(np.int64)
    steps = np.concatenate([[0], steps])
    t = eta * steps
    t_safe = np.where(t > 1, t, np.nan)  # the engine writes NaN where t <= 1
    loss = np.where(t > 0, 2.0 * np.where(t > 0, t, 1.0) ** -3.0, 0.5)
    frame = {"step": steps, "time": t, "loss": loss}
    for i in range(1, n + 1):
        frame[f"theta_{i}"] = np.where(t > 0, i / (1 + t), 1.0)
        frame[f"h_{i}"] = np.full_like(t, 1.0 / n) * (1 + 0.1 * i)
        frame[f"norm_{i}"] = np.full_like(t, 1.0 / n)
    balance = np.full_like(t, 1.3)
    balance[:3] = np.nan  # h_min <= 0 early
    Z = np.where(t > 0, 1.0 / (1 + t), 1.0) if n > 1 else np.zeros_like(t)
    frame |= {
        "balance": balance,
        "Z": Z,
        "Z_inv": np.where(Z > 0, 1.0 / np.where(Z > 0, Z, 1.0), np.nan),
        "loss_inv_cbrt": loss ** (-1.0 / 3.0),
        "local_exponent": np.where(t > 0, -3.0, np.nan),
        "log_eta_t_loss": np.log(loss) / np.log(t_safe),
    }
    return pd.DataFrame(frame)


def scatter_points(fig: go.Figure):
    for trace in fig.data:
        yield trace, np.asarray(trace.x, float), np.asarray(trace.y, float)


@pytest.mark.parametrize("n", [1, 3, 12], ids=["n1", "n3", "n12"])
@pytest.mark.parametrize("build", TIME_SERIES, ids=lambda f: f.__name__)
def test_charts_are_svg_lines_without_nan(build, n):
    fig = build(synthetic_frame(n), RunConfig(n=n))
    assert isinstance(fig, go.Figure)
    for trace, x, y in scatter_points(fig):
        assert type(trace) is go.Scatter  # SVG, never Scattergl (WebGL)
        assert np.isfinite(x).all()
        assert np.isfinite(y).all()


@pytest.mark.parametrize(
    ("build", "log_x", "log_y"),
    [
        (figures.angles_figure, True, True),
        (figures.norms_figure, True, True),
        (figures.balance_figure, True, True),
        (figures.inverse_cube_root_figure, False, False),
    ],
    ids=["angles", "norms", "balance", "inv_cbrt"],
)
def test_axes_are_log_where_the_theory_is_a_power_law(build, log_x, log_y):
    fig = build(synthetic_frame(3), RunConfig(n=3))
    assert (fig.layout.xaxis.type == "log") is log_x
    assert (fig.layout.yaxis.type == "log") is log_y


def test_log_axes_drop_non_positive_points():
    fig = figures.angles_figure(synthetic_frame(2), RunConfig(n=2))
    for _, x, y in scatter_points(fig):
        assert (x > 0).all()
        assert (y > 0).all()


def test_same_colour_per_student_on_every_chart():
    n, frame, config = 4, synthetic_frame(4), RunConfig(n=4)
    expected = student_colours(n)
    for build in (figures.angles_figure, figures.norms_figure):
        colours = [t.line.color for t in build(frame, config).data if t.name[0] == "w"]
        assert colours == expected
    coords = np.random.default_rng(0).standard_normal((5, n, n + 1))
    geometry = figures.geometry_figure(coords, np.arange(5), config)
    assert [t.line.color for t in geometry.data[1 + n :]] == expected


def test_palette_is_qualitative_up_to_ten_then_sequential():
    assert student_colours(10) == list(PETROFF_10)
    many = student_colours(11)
    assert len(set(many)) == 11
    assert not set(many) & set(PETROFF_10)


def test_uirevision_keeps_zoom_for_a_run_and_resets_for_a_new_config():
    frame = synthetic_frame(2)
    a = figures.angles_figure(frame, RunConfig(n=2))
    b = figures.angles_figure(frame.iloc[:30], RunConfig(n=2))
    c = figures.angles_figure(frame, RunConfig(n=2, seed=1))
    assert a.layout.uirevision == b.layout.uirevision != c.layout.uirevision


def test_hover_names_student_step_and_value():
    fig = figures.angles_figure(synthetic_frame(2), RunConfig(n=2))
    template = fig.data[1].hovertemplate
    assert "w₂" in template
    assert "step %{customdata" in template
    assert "%{y" in template


def test_loss_chart_has_t_minus_3_guide_only_for_several_students():
    frame = synthetic_frame(3)
    names = [t.name for t in figures.loss_figure(frame, RunConfig(n=3)).data]
    assert any("t<sup>−3</sup>" in name for name in names)
    names_n1 = [t.name for t in figures.loss_figure(frame, RunConfig(n=1)).data]
    assert not any("t<sup>−3</sup>" in name for name in names_n1)


def test_loss_chart_draws_the_n1_contrast_when_given():
    frame = synthetic_frame(3)
    fig = figures.loss_figure(frame, RunConfig(n=3), contrast=synthetic_frame(1))
    assert "n = 1" in [t.name for t in fig.data]


def test_potential_chart_says_Z_vanishes_for_one_student():
    fig = figures.potential_figure(synthetic_frame(1), RunConfig(n=1))
    assert any("Z ≡ 0" in a.text for a in fig.layout.annotations)


def test_norm_band_is_the_theorem_band():
    n, v = 4, 2.0
    fig = figures.norms_figure(synthetic_frame(n), RunConfig(n=n, teacher_norm=v))
    band = fig.layout.shapes[0]
    assert (band.y0, band.y1) == pytest.approx((v / (4 * n), 4 * v / n))


def test_power_tail_fit_recovers_C():
    t = np.geomspace(1, 1e5, 100)
    fit = fit_power_tail(t, 7.0 * t**-3.0)
    assert pytest.approx(7.0, rel=1e-12) == fit.C
    assert fit.t_start >= 1e4


def test_fits_refuse_too_few_points():
    t = np.array([1.0, 2.0, 3.0])
    assert fit_power_tail(t, t**-3.0) is None
    assert fit_line_tail(t, t) is None
    assert fit_power_tail(np.array([np.nan]), np.array([np.nan])) is None


def test_line_tail_fit_recovers_slope_and_intercept():
    t = np.linspace(0, 100, 50)
    fit = fit_line_tail(t, 0.25 * t + 3.0)
    assert (fit.slope, fit.intercept) == pytest.approx((0.25, 3.0), rel=1e-10)


def test_projection_finds_the_plane_of_the_students():
    """Students in span{v̄, e3} in a k = 4 basis: u = e3 (as z-coordinates)."""
    rng = np.random.default_rng(1)
    coords = np.zeros((6, 3, 4))
    coords[..., 0] = rng.uniform(0.1, 1.0, (6, 3))
    coords[..., 2] = rng.normal(size=(6, 3))
    u = main_orthogonal_direction(coords)
    np.testing.assert_allclose(np.abs(u), [0.0, 1.0, 0.0], atol=1e-12)
    assert u[np.argmax(np.abs(u))] > 0  # sign convention
    plane = plane_coordinates(coords, u)
    np.testing.assert_allclose(plane[..., 0], coords[..., 0])
    np.testing.assert_allclose(np.abs(plane[..., 1]), np.abs(coords[..., 2]))
    np.testing.assert_allclose(plane[..., 2], 0.0, atol=1e-12)


@pytest.mark.parametrize("k", [1, 2], ids=["k1", "k2"])
def test_projection_of_students_on_the_teacher_axis(k):
    coords = np.zeros((3, 1, k))
    coords[..., 0] = 0.5
    u = main_orthogonal_direction(coords)
    plane = plane_coordinates(coords, u)
    np.testing.assert_allclose(plane[..., 0], 0.5)
    np.testing.assert_allclose(plane[..., 1:], 0.0)


def test_geometry_of_a_real_run_draws_teacher_and_students():
    trajectory = simulate(RunConfig(n=3, d=6, steps=200))
    fig = figures.geometry_figure(
        trajectory.coords, trajectory.steps, trajectory.config
    )
    assert [t.name for t in fig.data if "path" not in t.name] == [
        "teacher v",
        "w₁",
        "w₂",
        "w₃",
    ]
    assert fig.data[0].x[-1] == pytest.approx(1.0)
    assert fig.layout.sliders[0].steps[-1].label == "200"


def test_exports_hold_exactly_the_records():
    trajectory = simulate(RunConfig(n=2, d=4, steps=300))
    frame = pd.read_csv(io.StringIO(to_csv(trajectory)))
    assert frame.step.tolist() == trajectory.steps.tolist()
    document = json.loads(to_json(trajectory))
    assert RunConfig(**document["config"]) == trajectory.config
    assert document["records"]["step"] == trajectory.steps.tolist()
    assert np.shape(document["final_W"]) == (2, 4)
    assert document["records"]["theta_pair_min"][0] is not None


def test_finite_sample_runs_also_draw_their_training_loss():
    frame = synthetic_frame(2).assign(empirical_loss=lambda f: f["loss"] / 2)
    fig = figures.loss_figure(frame, RunConfig(n=2, method="sgd"))
    names = [t.name for t in fig.data]
    assert "training loss" in names
    assert not any("t<sup>−3</sup>" in name for name in names)


def test_a_falling_n1_contrast_does_not_squash_the_loss_axis():
    frame = synthetic_frame(3)
    contrast = frame.assign(loss=1e-120)
    fig = figures.loss_figure(frame, RunConfig(n=3), contrast=contrast)
    low, high = fig.layout.yaxis.range
    assert low == pytest.approx(np.log10(frame["loss"].min()) - 2)
    assert high > np.log10(frame["loss"].max())


def seed_band(n: int = 3, seeds: int = 4) -> pd.DataFrame:
    """Median and 10-90 % band over seeds whose losses differ by a constant factor."""
    frames = [
        synthetic_frame(n).assign(
            loss=lambda f, k=k: f["loss"] * (1 + 0.2 * k),
            loss_inv_cbrt=lambda f, k=k: f["loss_inv_cbrt"] * (1 + 0.2 * k) ** (-1 / 3),
        )
        for k in range(seeds)
    ]
    return ensemble_bands(frames, ("loss", "loss_inv_cbrt"), (0.1, 0.9))


@pytest.mark.parametrize(
    ("build", "column", "log"),
    [
        (figures.loss_figure, "loss", True),
        (figures.inverse_cube_root_figure, "loss_inv_cbrt", False),
    ],
    ids=["loss", "inv_cbrt"],
)
def test_seeds_draw_a_median_and_a_filled_band_under_the_run(build, column, log):
    band, config = seed_band(), RunConfig(n=3)
    fig = build(synthetic_frame(3), config, band=band)
    names = [t.name for t in fig.data]
    lo, hi, median = fig.data[:3]  # first: under the chosen seed's own line
    assert names.index("median of 4 seeds") < names.index(
        "loss L" if log else "L<sup>−1/3</sup>"
    )
    assert type(hi) is go.Scatter  # SVG, never WebGL
    assert hi.fill == "tonexty"
    assert lo.fill is None
    assert median.name == "median of 4 seeds"
    assert "t %{x" in median.hovertemplate  # Explore's charts run on time
    x = np.asarray(hi.x, float)
    assert np.isfinite(x).all()
    if log:
        assert (x > 0).all()  # a log time axis cannot show t = 0
    assert (np.asarray(lo.y) <= np.asarray(median.y)).all()
    assert (np.asarray(median.y) <= np.asarray(hi.y)).all()
    assert np.ptp(np.asarray(hi.y) - np.asarray(lo.y)) > 0  # a band, not a line
    without = build(synthetic_frame(3), config)
    assert not any(getattr(t, "fill", None) for t in without.data)


def test_the_loss_axis_holds_the_seed_band():
    frame, band = synthetic_frame(3), seed_band()
    band = band.assign(loss_hi=band["loss_hi"] * 1e4)
    fig = figures.loss_figure(frame, RunConfig(n=3), band=band)
    _, high = fig.layout.yaxis.range
    assert high >= np.log10(band["loss_hi"].max())

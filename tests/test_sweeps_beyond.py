"""Sweeps along the fields beyond the paper: activation, α, optimiser,
initialisation and teachers as axes, and the summaries that answer the Beyond
questions (steps and wall time to L < 1e-9, the share of seeds ending above
L = 1e-3), each checked against a closed-form or independently computed value."""

import base64
import json

import numpy as np
import pytest

from neuronlab import RunConfig, simulate, summarise
from tests.test_sweeps_apptest import open_page
from ui.fields import SWEEPS
from ui.sweep_plan import cli_command, plan_of

pytestmark = pytest.mark.usefixtures("app_session")


def heatmap(at) -> dict:
    """The chart's first trace, its z as an array (Plotly ships it as base64)."""
    (chart,) = at.get("plotly_chart")
    trace = json.loads(chart.proto.spec)["data"][0]
    z = trace["z"]
    if isinstance(z, dict):
        shape = tuple(int(k) for k in z["shape"].split(","))
        raw = base64.b64decode(z["bdata"])
        trace["z"] = np.frombuffer(raw, dtype=z["dtype"]).reshape(shape).tolist()
    return trace


def plan(**values):
    return plan_of(SWEEPS.defaults() | values)


def test_alpha_alone_runs_leaky_relu_and_the_cli_command_says_so():
    swept = plan(x="alpha", xs=[0.0, 1.0], y="n", ys=[2])
    assert {c.activation for c in swept.configs()} == {"leaky_relu"}
    assert [c.alpha for c in swept.configs()] == [0.0, 1.0]
    assert "--activation leaky_relu" in cli_command(swept)
    assert "--alpha 0.0,1.0" in cli_command(swept)


def test_steps_and_share_summaries_follow_from_the_run():
    traj = simulate(RunConfig(n=1, d=5, sigma=0.1, eta=0.05, steps=3000))
    row = summarise(traj)
    assert row["steps_below_1e-9"] == pytest.approx(row["t_below_1e-9"] / 0.05)
    assert row["above_1e-3_final"] == 0.0
    stuck = summarise(simulate(RunConfig(n=1, steps=3)))
    assert stuck["above_1e-3_final"] == 1.0
    assert np.isnan(stuck["steps_below_1e-9"])


def test_an_optimiser_by_n_sweep_from_a_link_colours_steps_to_1e9():
    at = open_page(
        x="optimizer", xs="gd,momentum", y="n", ys="1,2", steps="20000",
        summary="steps_below_1e-9", sigma="0.1",
    )  # fmt: skip
    assert not at.exception
    assert not at.warning
    trace = heatmap(at)
    assert trace["x"] == ["gd", "momentum"]
    # The n = 1, GD cell against the same run made here without the page.
    expected = summarise(simulate(RunConfig(n=1, sigma=0.1, steps=20_000)))
    assert 10 ** trace["z"][0][0] == pytest.approx(expected["steps_below_1e-9"])
    # n = 2: momentum (beta = 0.9) reaches 1e-9 in fewer steps than GD.
    assert trace["z"][1][1] < trace["z"][1][0]


def test_the_share_of_stuck_seeds_is_a_mean_over_seeds():
    at = open_page(
        x="teachers", xs="1,2", y="n", ys="2", seeds="4", steps="300",
        summary="above_1e-3_final", eta="0.02",
    )  # fmt: skip
    assert not at.exception
    trace = heatmap(at)
    expected = [
        np.mean([
            simulate(RunConfig(n=2, teachers=m, eta=0.02, steps=300, seed=k)).loss[-1]
            >= 1e-3
            for k in range(4)
        ])
        for m in (1, 2)
    ]  # fmt: skip
    assert trace["z"][0] == pytest.approx(expected)
    assert "mean of 4 seeds" in trace["customdata"][0][0]


@pytest.mark.parametrize(
    ("axis", "values"),
    [("activation", "relu,erf,quadratic"), ("init", "gaussian,sphere,uniform")],
)
def test_choice_axes_draw_named_columns(axis, values):
    at = open_page(x=axis, xs=values, y="n", ys="2", steps="500")
    assert not at.exception
    assert not at.warning
    assert heatmap(at)["x"] == sorted(values.split(","))

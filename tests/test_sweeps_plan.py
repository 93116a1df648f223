"""Sweeps page logic without Streamlit: link parsing, hosted limits, CLI line, job."""

import dataclasses
import shlex
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from neuronlab import sweep
from neuronlab.cli.commands import _parser
from ui import links, tasks
from ui.fields import SWEEPS
from ui.jobs import JobRegistry
from ui.run_fields import LIMITS
from ui.sweep_plan import cli_command, plan_of, too_large


def parse_sweep_query(query):
    """The plan a Sweeps link asks for, and its warnings."""
    link = links.read(SWEEPS, query)
    return SimpleNamespace(plan=plan_of(link.values), warnings=link.warnings, link=link)


def sweep_job(registry, plan):
    return registry.submit(tasks.sweep(plan.key, plan.configs()))


def table(job) -> pd.DataFrame:
    rows = job.result if job.result is not None else job.partial or []
    return pd.DataFrame([r for r in rows if r is not None], columns=tasks.SWEEP_COLUMNS)


@pytest.fixture
def registry():
    """A private registry; every sweep it started is stopped and joined after."""
    registry = JobRegistry(LIMITS.jobs)
    yield registry
    registry.stop_all()


def test_the_default_is_the_issues_small_sweep():
    parsed = parse_sweep_query({})
    plan = parsed.plan
    assert parsed.warnings == ()
    assert (plan.x, plan.xs, plan.y, plan.ys) == ("n", (1, 2, 5), "sigma", (0.01, 0.1))
    assert (plan.steps, plan.seeds, plan.summary) == (20_000, 1, "final_loss")
    assert not too_large(plan, LIMITS)


def test_a_written_link_reads_back_to_the_same_plan():
    query = {"x": "eta", "xs": "0.05,0.3", "y": "d", "ys": "2,100", "seeds": "3"}
    parsed = parse_sweep_query(query | {"summary": "tail_C", "sigma": "0.0123"})
    plan, written = parsed.plan, links.write(SWEEPS, parsed.link.values)
    assert written["xs"] == "0.05,0.3"
    assert written["sigma"] == "0.0123"
    assert "eta" not in written  # a swept field lives in its list only
    assert parse_sweep_query(written).plan == plan


def test_configs_cover_every_cell_and_seed_in_row_order():
    plan = parse_sweep_query({"seeds": "2", "seed": "7"}).plan
    configs = plan.configs()
    assert len(configs) == plan.runs == 12
    assert [(c.sigma, c.n, c.seed) for c in configs[:3]] == [
        (0.01, 1, 7),
        (0.01, 1, 8),
        (0.01, 2, 7),
    ]
    assert {c.steps for c in configs} == {20_000}


@pytest.mark.parametrize(
    ("query", "shown", "fallback"),
    [
        ({"x": "temperature"}, "x = 'temperature'", "using x = n"),
        ({"y": "n"}, "y = 'n'", "using y = sigma"),
        ({"xs": "1,abc,0"}, "'abc', '0' in xs", "using xs = 1."),
        ({"ys": "-1"}, "'-1' in ys", "using ys = 0.01,0.1"),
        ({"summary": "loss"}, "summary = 'loss'", "using summary = final_loss"),
        ({"steps": "many"}, "steps = 'many'", "using steps = 20000"),
        ({"seeds": "0"}, "seeds = '0'", "using seeds = 1"),
        ({"eta": "nan"}, "eta = 'nan'", "using eta = 0.1"),
        ({"method": "sgd"}, "method = 'sgd'", "GD only"),
        ({"colour": "red"}, "parameter(s) colour", "this page reads x, xs"),
    ],
    ids=[
        "x",
        "y-equals-x",
        "xs",
        "ys",
        "summary",
        "steps",
        "seeds",
        "eta",
        "method",
        "unknown",
    ],
)
def test_a_bad_link_value_warns_with_its_range_and_falls_back(query, shown, fallback):
    (warning,) = parse_sweep_query(query).warnings
    assert shown in warning
    assert fallback in warning
    assert "must" in warning or "reads" in warning


def test_an_axis_value_outside_the_apps_range_names_the_range():
    (warning,) = parse_sweep_query({"xs": "1,200"}).warnings
    assert "n must be an integer in [1, 50]" in warning


def test_too_large_names_each_excess_and_the_cli_runs_it():
    limits = LIMITS
    query = {"xs": ",".join(map(str, range(1, 12))), "steps": "1e7", "seeds": "20"}
    plan = parse_sweep_query(query).plan
    reasons = " ".join(too_large(plan, limits))
    assert "11 values of n (at most 10)" in reasons
    assert "440 runs (at most 200)" in reasons
    assert "10,000,000 steps per run (at most 1,000,000)" in reasons
    command = cli_command(plan)
    assert command.startswith("python -m neuronlab sweep ")
    args = _parser().parse_args(shlex.split(command)[3:])
    assert args.scheduler.startswith("tcp://")
    assert (args.n, args.sigma, args.seeds) == (
        "1,2,3,4,5,6,7,8,9,10,11",
        "0.01,0.1",
        "0-19",
    )


def test_too_large_counts_estimated_compute():
    plan = parse_sweep_query({"steps": "1e6", "xs": "10,20,30,40,50"}).plan
    (reason,) = too_large(plan, LIMITS)
    assert reason.startswith("about ")
    assert "s of compute (at most 60 s)" in reason


def test_a_background_sweep_equals_core_sweep_and_is_cached(registry):
    plan = parse_sweep_query({"steps": "2000"}).plan
    job = sweep_job(registry, plan)
    assert job.wait(60)
    assert not job.error
    assert not job.reason
    expected = sweep(plan.configs(), workers=1)
    numbers = expected.select_dtypes("number").columns
    np.testing.assert_array_equal(table(job)[numbers], expected[numbers])
    again = sweep_job(registry, dataclasses.replace(plan, summary="tail_C"))
    assert again.finished
    assert again.result is job.result


def test_stop_keeps_the_finished_rows(registry):
    plan = parse_sweep_query({"steps": "200000", "seeds": "4"}).plan
    job = sweep_job(registry, plan)
    job.stop()
    assert job.wait(60)
    assert job.reason == "stopped by the user"
    assert len(table(job)) < plan.runs
    assert registry.cached(("sweep", plan.key)) is None  # a partial table is not cached

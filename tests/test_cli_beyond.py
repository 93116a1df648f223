"""`python -m neuronlab beyond`: the page's numbers headless, bad knobs refused first."""

import subprocess
import sys

import pandas as pd
import pytest

from neuronlab.analysis import beyond
from neuronlab.analysis.experiments import EXPERIMENTS


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "neuronlab", "beyond", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_table_equals_the_engines(tmp_path):
    """The CSV is neuronlab.analysis.beyond.measure of the same runs (the page's numbers)."""
    out = tmp_path / "t.csv"
    done = cli(
        "teachers", "--k", "5", "--seeds", "4", "--steps", "2000", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    experiment = EXPERIMENTS["teachers"]
    runs = [beyond.run_task(experiment, arm, seed)
            for arm, seed in beyond.tasks(experiment, 4, k=5, steps=2000)]  # fmt: skip
    expected = beyond.measure(experiment, runs)
    written = pd.read_csv(out)
    pd.testing.assert_frame_equal(written, expected, check_dtype=False)


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("activation", "--k", "3"), "--k"),  # not a knob of this experiment
        (("optimiser", "--steps", "abc"), "--steps"),
        (("optimiser", "--steps", "0"), "--steps"),
        (("teachers", "--seeds", "0"), "--seeds"),
        (("teachers", "--k", "0"), "--k"),
        (("nonsense",), "experiment"),
    ],
)
def test_bad_input_is_refused_naming_the_flag(tmp_path, args, flag):
    done = cli(*args, "--out", str(tmp_path / "t.csv"))
    assert done.returncode == 2
    assert "usage:" in done.stderr
    assert flag in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "t.csv").exists()

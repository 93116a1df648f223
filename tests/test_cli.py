"""The command line: data out, exact reproduction, clear errors (exit status 2)."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from core import RunConfig, simulate
from core.cli import main


def test_run_writes_csv_with_provenance_and_the_same_numbers_as_simulate(tmp_path):
    out = tmp_path / "run.csv"
    main(
        [
            "run",
            "--n",
            "3",
            "--d",
            "10",
            "--steps",
            "1e4",
            "--seed",
            "2",
            "--out",
            str(out),
        ]
    )
    header = out.read_text().splitlines()[:3]
    assert header[0].startswith("# single-neuron lab")
    assert json.loads(header[1].removeprefix("# config: "))["steps"] == 10_000
    frame = pd.read_csv(out, comment="#")
    expected = simulate(RunConfig(n=3, d=10, steps=10_000, seed=2))
    np.testing.assert_array_equal(frame.loss.to_numpy(), expected.loss)


def test_json_export_reproduces_the_run_exactly_from_config_and_init(tmp_path):
    rng = np.random.default_rng(1)
    np.save(tmp_path / "W0.npy", 0.2 * rng.standard_normal((2, 4)))
    np.save(tmp_path / "v.npy", np.array([0.0, 2.0, 0.0, 0.0]))
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    main(["run", "--n", "2", "--d", "4", "--steps", "3000", "--method", "flow",
          "--init", str(tmp_path / "W0.npy"), "--teacher", str(tmp_path / "v.npy"),
          "--out", str(first)])  # fmt: skip
    main(["run", "--config", str(first), "--out", str(second)])
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    assert a["config"] == b["config"]
    assert a["records"] == b["records"]
    assert a["final_W"] == b["final_W"]
    assert a["commit"]
    assert a["lab_version"]


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["--n", "0"], "--n"),
        (["--eta", "fast"], "--eta"),
        (["--sigma", "nan"], "--sigma"),
        (["--steps", "1e99"], "--steps"),
        (["--teacher-norm", "-1"], "--teacher-norm"),
        (["--method", "adam"], "--method"),
    ],
    ids=lambda x: x if isinstance(x, str) else " ".join(x),
)
def test_bad_values_exit_2_with_usage_and_the_flag_named(argv, flag, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", *argv, "--out", str(tmp_path / "x.csv")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m core run")
    assert flag in err


def test_sweep_writes_one_row_per_combination(tmp_path):
    out = tmp_path / "sweep.csv"
    main(["sweep", "--n", "1,2", "--sigma", "0.01,0.1", "--seeds", "0-1", "--d", "5",
          "--steps", "2000", "--workers", "1", "--out", str(out)])  # fmt: skip
    frame = pd.read_csv(out, comment="#")
    assert len(frame) == 8
    assert set(frame.status) == {"completed"}
    assert sorted(set(frame.seed)) == [0, 1]


def test_the_module_entry_point_runs_and_explains_every_flag(tmp_path):
    help_text = subprocess.run(
        [sys.executable, "-m", "core", "run", "--help"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for flag in ("--n", "--d", "--sigma", "--eta", "--steps", "--seed", "--method",
                 "--teacher-norm", "--samples", "--batch", "--config", "--init",
                 "--teacher", "--out"):  # fmt: skip
        assert flag in help_text
    done = subprocess.run(
        [sys.executable, "-m", "core", "run", "--steps", "100", "--out",
         str(tmp_path / "r.json")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "completed" in done.stdout

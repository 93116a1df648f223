"""The command line: data out, exact reproduction, clear errors (exit status 2).

Bad inputs are refused before anything is computed. The subprocess cases check it
by giving each bad command work that would take hours (1e10 GD steps, sweeps of
1e9-step runs): a CLI that computed first would still be running at the timeout.
The in-process cases replace the engine's entry points by ones that fail the test.
"""

import concurrent.futures
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from subprocess import PIPE

import numpy as np
import pandas as pd
import pytest

from neuronlab import RunConfig, simulate
from neuronlab.cli import commands as cli_module
from neuronlab.cli.commands import main
from neuronlab.runs.cluster import ClusterError, connect

ROOT = Path(__file__).resolve().parents[1]
# Far above the ~2 s a refusal takes (imports included, on a loaded machine), far
# below the hours the work given to each bad command would take.
TIMEOUT = 120


def test_run_writes_plain_csv_beside_its_provenance_and_the_numbers_of_simulate(
    tmp_path,
):
    """The CSV reads with no options; its config and version sit in
    run.config.json, which --config reads back."""
    out = tmp_path / "run.csv"
    main(["run", "--n", "3", "--d", "10", "--steps", "1e4", "--seed", "2",
          "--out", str(out)])  # fmt: skip
    about = json.loads((tmp_path / "run.config.json").read_text())
    assert about["config"]["steps"] == 10_000
    assert {"lab_version", "commit", "status"} <= set(about)
    assert not out.read_text().startswith("#")
    frame = pd.read_csv(out)
    expected = simulate(RunConfig(n=3, d=10, steps=10_000, seed=2))
    np.testing.assert_array_equal(frame.loss.to_numpy(), expected.loss)


START = {
    "W0": 0.2 * np.random.default_rng(1).standard_normal((2, 4)),
    "v": np.array([0.0, 2.0, 0.0, 0.0]),
}
REPRODUCED = {  # name -> (arrays given, extra flags)
    "W0+v": ({"W0": START["W0"], "v": START["v"]}, []),
    "v": ({"v": START["v"]}, []),
    "W0": ({"W0": START["W0"]}, []),
    "2 teachers": ({"v": np.array([[0.0, 2.0, 0, 0], [0, 0, 1.0, 0]])},
                   ["--teachers", "2"]),
}  # fmt: skip


@pytest.mark.parametrize("case", list(REPRODUCED))
def test_json_export_reproduces_the_run_exactly_from_config_and_init(case, tmp_path):
    """Either array alone is enough: the export then carries both (the other one
    the default), so --config reruns the same start."""
    arrays, flags = REPRODUCED[case]
    for name, array in arrays.items():
        np.save(tmp_path / f"{name}.npy", array)
        flags = [*flags, f"--{name}", str(tmp_path / f"{name}.npy")]
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    main(["run", "--n", "2", "--d", "4", "--steps", "3000", "--method", "flow",
          *flags, "--out", str(first)])  # fmt: skip
    main(["run", "--config", str(first), "--out", str(second)])
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    assert a["config"] == b["config"]
    assert a["records"] == b["records"]
    assert a["final_W"] == b["final_W"]
    for name, array in arrays.items():
        assert a["init"][name] == array.tolist()
    assert a["commit"]
    assert a["lab_version"]


def test_every_runconfig_field_is_a_run_flag_and_a_sweep_axis(capsys):
    """Names and choices from the dataclass itself, not from the CLI's code."""
    texts = {}
    for command in ("run", "sweep"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        texts[command] = capsys.readouterr().out
    for field in dataclasses.fields(RunConfig):
        flag = "--" + field.name.replace("_", "-")
        assert flag in texts["run"]
        if field.name != "seed":
            assert flag in texts["sweep"]
        choices = field.metadata.get("choices")
        if choices:
            assert "{" + ",".join(choices) + "}" in texts["run"]
            assert ",".join(choices) in texts["sweep"]
    for flag in ("--config", "--W0", "--v", "--out"):
        assert flag in texts["run"]
    for flag in ("--seeds", "--scheduler", "--workers", "--out"):
        assert flag in texts["sweep"]


def test_a_new_field_becomes_a_flag_and_an_axis_without_editing_the_cli(monkeypatch):
    @dataclasses.dataclass(frozen=True)
    class Extended:
        knob_size: float = dataclasses.field(default=1.0, metadata={"help": "a knob"})
        mode: str = dataclasses.field(
            default="a", metadata={"help": "a mode", "choices": ("a", "b")}
        )

    fields = dataclasses.fields(Extended)
    monkeypatch.setattr(cli_module, "FIELDS", fields)
    monkeypatch.setattr(cli_module, "AXES", fields)
    parser = cli_module._parser()
    args = parser.parse_args(["run", "--knob-size", "2", "--mode", "B", "--out", "x"])
    assert (args.knob_size, args.mode) == ("2", "b")
    args = parser.parse_args(["sweep", "--knob-size", "1,2", "--out", "x.csv"])
    assert args.knob_size == "1,2"


@pytest.fixture
def no_engine(monkeypatch):
    """Any run or sweep started fails the test: refusals come first."""

    def computed(*args, **kwargs):
        pytest.fail("the CLI started computing before refusing its input")

    monkeypatch.setattr(cli_module, "start_run", computed)
    monkeypatch.setattr(cli_module, "sweep", computed)


IN_PROCESS = {
    "n=0": (["run", "--n", "0"], "--n"),
    "eta=fast": (["run", "--eta", "fast"], "--eta"),
    "sigma=nan": (["run", "--sigma", "nan"], "--sigma"),
    "steps=1e99": (["run", "--steps", "1e99"], "--steps"),
    "teacher_norm<0": (["run", "--teacher-norm", "-1"], "--teacher-norm"),
    "method=adam": (["run", "--method", "adam"], "--method"),
    "optimizer=sgd": (["run", "--optimizer", "sgd"], "--optimizer"),
    "beta without momentum": (["run", "--beta", "0.5"], "--beta"),
    "flow with adam": (
        ["run", "--method", "flow", "--optimizer", "adam"],
        "--optimizer",
    ),
    "abbreviated flag": (["run", "--teach", "2"], "--teach"),
    "out suffix": (["run", "--out", "{tmp}/x.txt"], "--out"),
    "config missing": (["run", "--config", "{tmp}/none.json"], "--config"),
    "config not JSON": (["run", "--config", "{tmp}/broken.json"], "--config"),
    "config unknown field": (["run", "--config", "{tmp}/unknown.json"], "--config"),
    "config bad field": (["run", "--config", "{tmp}/bad_n.json"], "--config"),
    "config init null v": (["run", "--config", "{tmp}/null_v.json"], "--config"),
    "config bare init {}": (["run", "--config", "{tmp}/bare_init.json"], "--config"),
    "flag beats config": (["run", "--config", "{tmp}/bad_n.json", "--n", "0"], "--n"),
    "v npz": (["run", "--d", "4", "--v", "{tmp}/archive.npy"], "--v"),
    "v empty file": (["run", "--d", "4", "--v", "{tmp}/empty.npy"], "--v"),
    "v pickled object": (["run", "--d", "4", "--v", "{tmp}/object.npy"], "--v"),
    "v nan": (["run", "--d", "4", "--v", "{tmp}/nan.npy"], "--v"),
    "v zero": (["run", "--d", "4", "--v", "{tmp}/zero.npy"], "--v"),
    "v a directory": (["run", "--v", "{tmp}"], "--v"),
    "sweep seeds open": (["sweep", "--seeds", "3-"], "--seeds"),
    "sweep seeds beyond 2^32": (
        ["sweep", "--seeds", "4294967295-4294967296"],
        "--seeds",
    ),
    "sweep grid over the cap": (
        ["sweep", "--n", "1,2", "--seeds", "0-50000"],
        "--seeds",
    ),
    "sweep workers text": (["sweep", "--workers", "two"], "--workers"),
    "sweep workers beyond cores": (
        ["sweep", "--workers", str(os.cpu_count() + 1)],
        "--workers",
    ),
    "sweep workers and scheduler": (
        ["sweep", "--workers", "1", "--scheduler", "tcp://127.0.0.1:1"],
        "--scheduler",
    ),
    "sweep out suffix": (["sweep", "--out", "{tmp}/s.json"], "--out"),
    "sweep bad axis value": (["sweep", "--n", "1,x"], "--n"),
    "sweep bad choice": (["sweep", "--method", "gd,adam"], "--method"),
    "sweep unused parameter": (["sweep", "--beta", "0.5,0.9"], "--beta"),
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """A folder of bad inputs for both kinds of cases (see the tables)."""
    tmp = tmp_path_factory.mktemp("inputs")
    (tmp / "dir.csv").mkdir()
    (tmp / "unwritable.csv").symlink_to("/proc/version")  # not writable, even by root
    documents = {
        "array": [1, 2, 3],
        "string": "hello",
        "null_config": {"config": None},
        "empty_init": {"config": {"n": 2, "d": 2}, "init": {}},
        "ragged": {"config": {"n": 2, "d": 2}, "init": {"W0": [[1, 2], [3]],
                                                          "v": [1, 0]}},
        "shape": {"config": {"n": 2, "d": 2}, "init": {"W0": [[1, 2, 3]] * 2,
                                                         "v": [1, 0]}},
        "text": {"config": {"n": 2, "d": 2}, "init": {"W0": [["a", "b"]] * 2,
                                                        "v": [1, 0]}},
        "null_v": {"config": {"n": 2, "d": 2}, "init": {"W0": [[1, 2]] * 2,
                                                          "v": None}},
        "bare_init": {"n": 2, "init": {}},
        "unknown": {"n": 2, "size": 3},
        "bad_n": {"n": "many"},
    }  # fmt: skip
    for name, document in documents.items():
        (tmp / f"{name}.json").write_text(json.dumps(document))
    (tmp / "broken.json").write_text("{")
    np.save(tmp / "w_shape.npy", np.ones(3))
    np.save(tmp / "text.npy", np.array(["a"] * 4))
    np.save(tmp / "nan.npy", np.array([np.nan, 0.0, 0.0, 1.0]))
    np.save(tmp / "zero.npy", np.zeros(4))
    np.save(tmp / "object.npy", np.array([{}] * 4, dtype=object), allow_pickle=True)
    np.savez(tmp / "archive.npz", v=np.ones(4))
    (tmp / "archive.npz").rename(tmp / "archive.npy")
    (tmp / "empty.npy").write_bytes(b"")
    return tmp


def _filled(argv: list[str], tmp: Path) -> list[str]:
    return [part.replace("{tmp}", str(tmp)) for part in argv]


def _out(argv: list[str], name: str, tmp: Path) -> list[str]:
    """argv with an --out of its own unless it tests one."""
    return argv if "--out" in argv else [*argv, "--out", str(tmp / f"{name}.csv")]


@pytest.mark.parametrize("case", list(IN_PROCESS))
def test_bad_input_exits_2_naming_the_flag_before_computing(
    case, inputs, no_engine, capsys
):
    argv, flag = IN_PROCESS[case]
    argv = _out(_filled(argv, inputs), f"in-{case}", inputs)
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: python -m neuronlab {argv[0]}")
    assert f"argument {flag}" in err or f"arguments: {flag}" in err, err


RUN = ["run", "--steps", "1e10"]  # about 1.5 hours of GD
SWEEP = ["sweep", "--n", "1,2", "--steps", "1e9"]  # two runs of about 10 minutes
SUBPROCESS = {  # the cases, through `python -m neuronlab`
    "run out in a missing folder": ([*RUN, "--out", "{tmp}/missing/x.csv"], "--out"),
    "run out unwritable": ([*RUN, "--out", "{tmp}/unwritable.csv"], "--out"),
    "run out a directory": ([*RUN, "--out", "{tmp}/dir.csv"], "--out"),
    "config [1,2,3]": ([*RUN, "--config", "{tmp}/array.json"], "--config"),
    'config "hello"': ([*RUN, "--config", "{tmp}/string.json"], "--config"),
    "config null": ([*RUN, "--config", "{tmp}/null_config.json"], "--config"),
    "config init {}": ([*RUN, "--config", "{tmp}/empty_init.json"], "--config"),
    "config ragged W0": ([*RUN, "--config", "{tmp}/ragged.json"], "--config"),
    "config W0 shape": ([*RUN, "--config", "{tmp}/shape.json"], "--config"),
    "config W0 text": ([*RUN, "--config", "{tmp}/text.json"], "--config"),
    "W0 shape": (
        [*RUN, "--n", "2", "--d", "4", "--W0", "{tmp}/w_shape.npy"],
        "--W0",
    ),
    "v text": ([*RUN, "--d", "4", "--v", "{tmp}/text.npy"], "--v"),
    "sweep seeds 0-99999999999": ([*SWEEP, "--seeds", "0-99999999999"], "--seeds"),
    "sweep seeds reversed": ([*SWEEP, "--seeds", "9-3"], "--seeds"),
    "sweep seeds malformed": ([*SWEEP, "--seeds", "0-x"], "--seeds"),
    "sweep workers -3": ([*SWEEP, "--workers", "-3"], "--workers"),
    "sweep workers 0": ([*SWEEP, "--workers", "0"], "--workers"),
    "sweep out /nonexistent": ([*SWEEP, "--out", "/nonexistent/s.csv"], "--out"),
    "sweep scheduler hello": ([*SWEEP, "--scheduler", "hello"], "--scheduler"),
    "sweep scheduler unreachable": (
        [*SWEEP, "--scheduler", "tcp://127.0.0.1:1"],
        "--scheduler",
    ),
}


def _python_m_neuronlab(argv: list[str]) -> subprocess.CompletedProcess:
    """`python -m neuronlab ...` in its own session: at the timeout (a CLI computing
    what it should have refused) its whole group goes, pool workers included."""
    command = [sys.executable, "-m", "neuronlab", *argv]
    with subprocess.Popen(
        command, cwd=ROOT, stdout=PIPE, stderr=PIPE, text=True, start_new_session=True
    ) as process:
        try:
            out, err = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"still running after {TIMEOUT} s: {' '.join(argv)}")
    return subprocess.CompletedProcess(command, process.returncode, out, err)


@pytest.fixture(scope="module")
def refusals(inputs) -> dict[str, tuple[subprocess.CompletedProcess, Path]]:
    """Every SUBPROCESS case, run concurrently: (its process, its own --out)."""
    argvs = {
        case: _out(_filled(argv, inputs), f"sub-{index}", inputs)
        for index, (case, (argv, _)) in enumerate(SUBPROCESS.items())
    }
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        done = dict(
            zip(argvs, pool.map(_python_m_neuronlab, argvs.values()), strict=True)
        )
    return {case: (done[case], Path(argvs[case][-1])) for case in argvs}


# slow: twenty `python -m neuronlab` processes (their imports ~25 s on 2 cores); the
# same refusals in process are the fast tier's (IN_PROCESS).
@pytest.mark.slow
@pytest.mark.parametrize("case", list(SUBPROCESS))
def test_the_module_refuses_bad_input_with_usage_and_no_traceback(case, refusals):
    process, out = refusals[case]
    argv, flag = SUBPROCESS[case]
    assert process.returncode == 2, process.stderr
    assert process.stderr.startswith(f"usage: python -m neuronlab {argv[0]}")
    assert f"argument {flag}:" in process.stderr
    assert "Traceback" not in process.stderr
    assert not (out.is_file() and out.stat().st_size), "an output was written"


@pytest.mark.slow  # the subprocess table's fixture
def test_the_sweep_cap_is_stated(refusals):
    process, _ = refusals["sweep seeds 0-99999999999"]
    assert "at most 100,000" in process.stderr


@pytest.mark.slow  # seconds of compute: the full suite runs it
def test_an_unreachable_scheduler_is_refused_within_seconds():
    """The issue's bound ("within a few seconds"; Dask's default waits 30 s):
    connect gives up after 5 s; 15 s leaves room for a loaded machine. Timed in
    this process, so that the CLI's imports (seconds under load) do not count;
    the subprocess case above checks the CLI's answer."""
    started = time.monotonic()
    with pytest.raises(ClusterError, match="cannot reach a Dask scheduler"):
        connect("tcp://127.0.0.1:1")
    assert time.monotonic() - started < 15


def test_sweep_writes_one_row_per_combination(tmp_path):
    out = tmp_path / "sweep.csv"
    main(["sweep", "--n", "1,2", "--sigma", "0.01,0.1", "--seeds", "0-1", "--d", "5",
          "--steps", "2000", "--workers", "1", "--out", str(out)])  # fmt: skip
    frame = pd.read_csv(out)
    assert len(frame) == 8
    assert set(frame.status) == {"completed"}
    assert sorted(set(frame.seed)) == [0, 1]


def test_a_sweep_crosses_activations_with_alpha_where_alpha_is_read(tmp_path):
    """alpha means nothing to relu: relu runs once (alpha 0), leaky_relu at each
    alpha; leaky_relu at alpha = 0 is relu exactly (the same kernel, bit for bit)."""
    out = tmp_path / "sweep.csv"
    main(["sweep", "--activation", "relu,leaky_relu", "--alpha", "0,0.5",
          "--optimizer", "gd,momentum", "--beta", "0.9,0.5", "--steps", "500",
          "--workers", "1", "--out", str(out)])  # fmt: skip
    frame = pd.read_csv(out)
    # relu: gd, momentum x 2 betas = 3 points; leaky: 2 alphas x 3 = 6.
    assert len(frame) == 9
    assert set(frame[frame.activation == "relu"].alpha) == {0.0}
    assert set(frame[frame.optimizer == "gd"].beta) == {0.9}
    relu = frame[(frame.activation == "relu")].final_loss.to_numpy()
    leaky0 = frame[(frame.activation == "leaky_relu") & (frame.alpha == 0)]
    assert (leaky0.final_loss.to_numpy() == relu).all()


def test_the_module_entry_point_runs(tmp_path):
    done = _python_m_neuronlab(
        ["run", "--steps", "100", "--out", str(tmp_path / "r.json")]
    )
    assert done.returncode == 0, done.stderr
    assert "completed" in done.stdout

"""The engine as a researcher installs it: a wheel in a fresh virtual environment,
outside the repository, used from Python, from its CLI and on a two-worker Dask
cluster (the README's recipe with the installed package).

The venv sees this interpreter's site-packages (numpy, numba, dask: installing
them again would download hundreds of MB) but gets its own neuronlab from the
wheel, ahead of the checkout's editable install: every check below first asserts
that the engine imported is the venv's.
"""

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import neuronlab

ROOT = Path(__file__).resolve().parents[1]
# Seconds: each process (the CLI, two workers) compiles the kernels into an empty
# numba cache on a shared 2-core machine; under a loaded machine that took minutes.
PATIENCE = 600

pytestmark = pytest.mark.slow


def _run(command: list[str], cwd: Path, env: dict) -> str:
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of what the distribution is made of (setuptools writes
    build/ beside the sources)."""
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    shutil.copytree(
        ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__")
    )
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out)]
    _run([*command, str(source)], source, dict(os.environ))
    (built,) = out.glob("neuronlab-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> tuple[Path, dict]:
    """A venv outside the repository with the wheel installed; its env has no
    PYTHONPATH and a numba cache of its own."""
    home = tmp_path_factory.mktemp("researcher")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["NUMBA_CACHE_DIR"] = str(home / "numba")
    _run([sys.executable, "-m", "venv", "--system-site-packages", "env"], home, env)
    python = home / "env" / "bin" / "python"
    _run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], home, env
    )
    env["PATH"] = f"{python.parent}{os.pathsep}{env['PATH']}"
    return home, env


def test_the_wheel_holds_the_engine_alone(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"neuronlab", f"neuronlab-{neuronlab.__version__}.dist-info"}
    assert "neuronlab/models/relu.py" in names or "neuronlab/models/kernels.py" in names
    metadata = zipfile.ZipFile(wheel).read(
        f"neuronlab-{neuronlab.__version__}.dist-info/entry_points.txt"
    )
    assert b"neuronlab = neuronlab.cli:main" in metadata


def test_a_fresh_venv_imports_simulates_and_runs_the_cli(venv):
    home, env = venv
    script = (
        "import neuronlab as nl, pathlib; "
        "print(pathlib.Path(nl.__file__).parent); "
        "t = nl.simulate(nl.RunConfig(n=3)); print(nl.__version__, t.status, t.loss[-1])"
    )
    where, line = _run(["python", "-c", script], home, env).splitlines()
    assert Path(where).is_relative_to(home / "env")
    version, status, loss = line.split()
    assert (version, status) == (neuronlab.__version__, "completed")
    # The same run as this checkout's engine, to the last bit.
    assert float(loss) == neuronlab.simulate(neuronlab.RunConfig(n=3)).loss[-1]
    _run(
        ["python", "-m", "neuronlab", "run", "--steps", "1e3", "--out", "a.csv"],
        home,
        env,
    )
    _run(["neuronlab", "run", "--steps", "1e3", "--out", "b.csv"], home, env)
    assert (home / "a.csv").read_bytes() == (home / "b.csv").read_bytes()
    for top in ("core", "ui", "views", "tests"):
        found = _run(["python", "-c", f"import importlib.util as u; print(u.find_spec('{top}'))"], home, env)  # fmt: skip
        assert found.strip() == "None", top


@contextlib.contextmanager
def _started(command: list[str], cwd: Path, env: dict, log: Path):
    with log.open("w") as sink:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _address(log: Path, process) -> str:
    deadline = time.monotonic() + PATIENCE
    while not (found := re.search(r"tcp://127\.0\.0\.1:\d+", log.read_text())):
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the scheduler never said its address"
        time.sleep(0.2)
    return found.group(0)


def _registered(log: Path, process) -> None:
    deadline = time.monotonic() + PATIENCE
    while "Registered to" not in log.read_text():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "a worker never registered"
        time.sleep(0.2)


def test_a_two_worker_dask_sweep_runs_the_installed_package(venv):
    """The README's recipe with the installed engine: the table equals the local
    one byte for byte, and nothing was shipped (each worker imports its own)."""
    home, env = venv
    sweep = ["neuronlab", "sweep", "--n", "1,2", "--seeds", "0-1", "--steps", "3e3"]
    with contextlib.ExitStack() as stack:
        scheduler = ["dask", "scheduler", "--host", "127.0.0.1", "--port", "0"]
        scheduler += ["--no-dashboard"]
        log = home / "scheduler.log"
        process = stack.enter_context(_started(scheduler, home, env, log))
        address = _address(log, process)
        for index in range(2):
            worker = ["dask", "worker", address, "--nthreads", "1", "--host"]
            worker += ["127.0.0.1", "--no-dashboard"]
            log = home / f"w{index}.log"
            process = stack.enter_context(_started(worker, home, env, log))
            _registered(log, process)
        _run([*sweep, "--scheduler", address, "--out", "cluster.csv"], home, env)
    _run([*sweep, "--workers", "1", "--out", "local.csv"], home, env)
    assert (home / "cluster.csv").read_bytes() == (home / "local.csv").read_bytes()

"""Every command block of the README works as written, from a fresh clone.

The clone holds HEAD plus the uncommitted edits of tracked files (`git diff
HEAD`, applied): an edit is tested before it is committed, a file never added is missing
as on a fresh machine. Each ```bash block runs by its kind:
- the start command: its pinned packages must be the installed ones (no reinstall
  here) and `streamlit run app.py` must serve a healthy app from the clone;
- the test command: must be what .ci/run runs (CI runs it; this test does not);
- a Dask recipe (a `dask scheduler` line): its scheduler and two of its workers
  start in a folder outside the clone with no PYTHONPATH, bound to 127.0.0.1 on
  free ports, and the README's address is replaced by theirs; its other lines
  then run in the clone, and the table must equal the same sweep run locally,
  byte for byte;
- a figures block (a `python -m ui.export` line): runs like any other block; each
  figure --out must exist (or one file per chart, --out's name plus -CHART) and be a
  PDF, PNG, SVG or Plotly JSON by its first bytes;
- any other block: runs in the clone under bash -euo pipefail, and every --out
  it names must exist and carry the clone's commit.
The ```python block runs in the clone too.
"""

import contextlib
import importlib.util
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).resolve().parents[1]
START = "pip install -r requirements.txt && streamlit run app.py"
TESTS = "bash .ci/install && python -m pytest -n 2 --dist loadfile"
# The README's example address, and where a test may bind instead.
ADDRESS = re.compile(r"tcp://\d+\.\d+\.\d+\.\d+:\d+")
LOOPBACK = {
    "scheduler": ["--host", "127.0.0.1", "--port", "0", "--no-dashboard"],
    "worker": ["--host", "127.0.0.1", "--no-dashboard"],
}
# Generous: the machine has 2 shared cores and other suites may run beside this.
PATIENCE = 120
FIGURES = "python -m ui.export"

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Block:
    section: str
    language: str
    text: str

    @property
    def kind(self) -> str:
        if self.language == "python":
            return "python"
        if self.text in (START, TESTS):
            return {START: "start", TESTS: "tests"}[self.text]
        if any(line.startswith("dask scheduler") for line in self.text.splitlines()):
            return "dask"
        if any(line.startswith(FIGURES) for line in self.text.splitlines()):
            return "figures"
        return "shell"


def readme_blocks(text: str) -> list[Block]:
    """The ```bash and ```python blocks, each with the heading above it."""
    blocks, section = [], ""
    pattern = r"^(#+ [^\n]*)$|^```(\w*)\n(.*?)^```$"
    for match in re.finditer(pattern, text, re.MULTILINE | re.DOTALL):
        heading, language, body = match.groups()
        if heading:
            section = heading.lstrip("# ")
        elif language in ("bash", "python"):
            blocks.append(Block(section, language, body.strip()))
    return blocks


BLOCKS = readme_blocks((ROOT / "README.md").read_text())


def test_the_readme_has_every_kind_of_block_this_test_runs():
    kinds = [block.kind for block in BLOCKS]
    kinds_run = ["dask", "figures", "python", "shell", "start", "tests"]
    assert sorted(set(kinds)) == kinds_run
    assert kinds[:2] == ["start", "tests"]  # the two commands on top


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    target = tmp_path_factory.mktemp("fresh") / "lab"
    _git("clone", "--quiet", str(ROOT), str(target), cwd=ROOT)
    edits = subprocess.run(
        ["git", "diff", "--binary", "HEAD"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    if edits:
        subprocess.run(["git", "apply"], input=edits, cwd=target, check=True)
    return target


@pytest.fixture(scope="module")
def env(tmp_path_factory, clone) -> dict[str, str]:
    """This interpreter's python, dask and streamlit come first; the clone's engine
    on PYTHONPATH (what `pip install -e .` in the clone would give, without
    repointing this machine's install); numba's cache in a temporary folder."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    env["PYTHONPATH"] = str(clone / "src")
    return env


def _bash(script: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=10 * PATIENCE,
        check=False,
    )
    assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"
    return done


@contextlib.contextmanager
def _started(command: list[str], cwd: Path, env: dict, log: Path):
    """A long-running command in its own session, logging to `log`; its whole
    process group is stopped at the end, whatever happened meanwhile."""
    with log.open("w") as sink:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_for(condition, what: str, process) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert process.poll() is None, f"{what}: the process exited"
        assert time.monotonic() < deadline, f"{what}: not after {PATIENCE} s"
        time.sleep(0.2)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def run_start(block: Block, clone: Path, env: dict, folder: Path) -> None:
    install, serve = block.text.split(" && ")
    pins = (clone / "requirements.txt").read_text().splitlines()
    pins = [line.split("==") for line in pins if "==" in line]
    assert pins, "requirements.txt pins nothing"
    assert {name: version(name) for name, _ in pins} == dict(pins), install
    port = _free_port()
    command = [*shlex.split(serve), "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1"]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with _started(command, clone, env, folder / "streamlit.log") as server:
        _wait_for(lambda: _answers(f"{url}/_stcore/health"), "streamlit", server)
        assert _answers(url)


def run_tests(block: Block, clone: Path, env: dict, folder: Path) -> None:
    assert block.text in (clone / ".ci" / "run").read_text().splitlines()


def run_python(block: Block, clone: Path, env: dict, folder: Path) -> None:
    _bash(f"python - <<'EOF'\n{block.text}\nEOF", clone, env)


def _outputs(script: str) -> list[str]:
    return re.findall(r"--out (\S+)", script)


def run_shell(block: Block, clone: Path, env: dict, folder: Path) -> None:
    _bash(block.text, clone, env)
    _carry_the_commit(_outputs(block.text), clone)


def _carry_the_commit(names: list[str], clone: Path) -> None:
    commit = _git("rev-parse", "HEAD", cwd=clone)
    for name in names:
        # A CSV is plain: what made it is in NAME.config.json beside it.
        path = clone / name
        if path.suffix == ".csv":
            path = path.with_suffix(".config.json")
        assert json.loads(path.read_text())["commit"] == commit, f"{name}: {commit}"


def _is_a_figure(path: Path) -> bool:
    head = path.read_bytes()[:16]
    if path.suffix == ".svg":
        return ElementTree.parse(path).getroot().tag.endswith("svg")
    if path.suffix == ".json":
        return "data" in json.loads(path.read_text())
    return head.startswith(
        {".pdf": b"%PDF-", ".png": b"\x89PNG\r\n\x1a\n"}[path.suffix]
    )


def run_figures(block: Block, clone: Path, env: dict, folder: Path) -> None:
    """Its data (`neuronlab run`) carries the commit as in run_shell; its figures are
    real files of their format."""
    _bash(block.text, clone, env)
    lines = block.text.splitlines()
    data = [line for line in lines if not line.startswith(FIGURES)]
    _carry_the_commit(_outputs("\n".join(data)), clone)
    for name in _outputs("\n".join(x for x in lines if x.startswith(FIGURES))):
        out = clone / name
        one_per_chart = sorted(out.parent.glob(f"{out.stem}-*{out.suffix}"))
        files = [out] if out.is_file() else one_per_chart
        assert files, f"{name}: no file written"
        for file in files:
            assert _is_a_figure(file), f"{file.name} is not a {file.suffix}"


def _scheduler_address(log: Path) -> str | None:
    found = re.search(r"Scheduler at:\s+(tcp://\S+)", log.read_text())
    return found and found[1]


def run_dask(block: Block, clone: Path, env: dict, folder: Path) -> None:
    from distributed import Client

    def engine_origin() -> str:  # nested: cloudpickle sends it by value
        return importlib.util.find_spec("neuronlab").origin

    lines = [line for line in block.text.splitlines() if line.strip()]
    roles = {"scheduler": [], "worker": [], "other": []}
    for line in lines:
        words = shlex.split(line, comments=True)
        role = words[1] if words[0] == "dask" else "other"
        roles[role].append(line)
    ((scheduler,), (worker,)) = roles["scheduler"], roles["worker"]
    log = folder / "scheduler.log"
    with contextlib.ExitStack() as stack:
        command = shlex.split(scheduler, comments=True) + LOOPBACK["scheduler"]
        process = stack.enter_context(_started(command, folder, env, log))
        _wait_for(lambda: _scheduler_address(log), "dask scheduler", process)
        address = _scheduler_address(log)
        command = shlex.split(ADDRESS.sub(address, worker), comments=True)
        for index in range(2):
            stack.enter_context(
                _started(command + LOOPBACK["worker"], folder, env,
                         folder / f"worker{index}.log")
            )  # fmt: skip
        with Client(address, timeout=PATIENCE) as client:
            client.wait_for_workers(2, timeout=PATIENCE)
            found = client.run(engine_origin)
        # Nothing is shipped: each worker imports the engine installed for it.
        assert set(found.values()) == {str(clone / "src/neuronlab/__init__.py")}
        script = ADDRESS.sub(address, "\n".join(roles["other"]))
        _bash(script, clone, env)
    local, outputs = re.sub(r"\s--scheduler\s+\S+", "", script), _outputs(script)
    for name in outputs:
        local = local.replace(f"--out {name}", f"--out local-{name}")
    _bash(local, clone, env)  # all local cores: the default without --scheduler
    for name in outputs:
        on_cluster = (clone / name).read_bytes()
        assert on_cluster == (clone / f"local-{name}").read_bytes(), name


RUNNERS = {
    "start": run_start,
    "tests": run_tests,
    "python": run_python,
    "shell": run_shell,
    "figures": run_figures,
    "dask": run_dask,
}


@pytest.mark.parametrize(
    "block", BLOCKS, ids=[f"{b.section}: {b.text.splitlines()[0][:40]}" for b in BLOCKS]
)
def test_readme_block_works_from_a_fresh_clone(block, clone, env, tmp_path):
    RUNNERS[block.kind](block, clone, env, tmp_path)

"""The cold-start machinery: numba's compile events seen by neuronlab.runs.compiling, the
cache filler's order and its stop once its parent has gone (neuronlab.runs.precompile),
the default run's kernels split between a fresh server and its filler (ui.cache)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numba
import pytest
from numba.core import event

from neuronlab import METHODS, MODELS
from neuronlab.optim.optimizers import OPTIMIZERS
from neuronlab.runs import precompile
from neuronlab.runs.compiling import compiling
from neuronlab.runs.precompile import fill
from neuronlab.runs.warmup import DEFAULT_PATH, every_path

ROOT = Path(__file__).resolve().parents[1]


class Seen(event.Listener):
    """What compiling() said while numba announced a compilation."""

    def __init__(self):
        self.during: list[bool] = []

    def on_start(self, _event) -> None:
        self.during.append(compiling())

    def on_end(self, _event) -> None:
        pass


def test_compiling_is_true_exactly_while_numba_compiles():
    @numba.njit(cache=False)
    def fresh(x):  # a new function: nothing cached, it must compile
        return 2.0 * x + 1.0

    seen = Seen()
    assert not compiling()
    with event.install_listener("numba:compile", seen):
        assert fresh(1.5) == 4.0
        assert fresh(2.5) == 6.0  # compiled already: no event
    assert seen.during == [True]
    assert not compiling()


def test_every_path_once_the_likely_ones_first():
    paths = every_path()
    assert len(paths) == len(set(paths))
    # Population GD of each activation first (Explore, Beyond's activation
    # experiment), then each optimiser (Beyond's optimiser experiment).
    head = paths[: len(MODELS)]
    assert [c.activation for c in head] == list(MODELS)
    assert {(c.method, c.optimizer) for c in head} == {("gd", "gd")}
    following = paths[len(MODELS) : len(MODELS) + len(OPTIMIZERS) - 1]
    assert [c.optimizer for c in following] == [o for o in OPTIMIZERS if o != "gd"]
    assert {c.method for c in paths} == set(METHODS)
    assert {(c.optimizer, c.activation) for c in paths} >= {
        (o, a) for o in OPTIMIZERS for a in MODELS if a != "relu"
    }
    (default,) = DEFAULT_PATH
    assert (default.method, default.activation, default.optimizer) == (
        "gd",
        "relu",
        "gd",
    )


def test_the_filler_stops_once_its_parent_has_gone():
    assert fill(parent=os.getppid() + 10**7) == 0  # not its parent: gone


# In a fresh process on the numba cache NUMBA_CACHE_DIR, as argv[1] says: the
# filler's first act (the default run's loss and gradient) or the server's
# warm-up (the default run's loop, then its whole path); then the compiles and
# disk-cache loads of the default loop and relu's loss and gradient.
PROCESS = """
import json, sys
from neuronlab.dynamics.loop import steps_for
from neuronlab.models.relu import gradient, loss
from neuronlab.optim import steps as rules
from neuronlab.runs import warmup
if sys.argv[1] == "filler":
    warmup.compile_models(warmup.DEFAULT_PATH)
else:
    warmup.compile_loops(warmup.DEFAULT_PATH)
    warmup.warm_up(warmup.DEFAULT_PATH)
loop = steps_for(rules.GD, False, False)
print(json.dumps({name: [sum(d.stats.cache_misses.values()),
                         sum(d.stats.cache_hits.values()), len(d.overloads)]
                  for name, d in (("loop", loop), ("loss", loss), ("gradient", gradient))}))
"""


def run_process(role: str, cache) -> dict:
    environment = os.environ | {"NUMBA_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", PROCESS, role],
        env=environment, capture_output=True, text=True, check=True, timeout=300,
    ).stdout  # fmt: skip
    return json.loads(out.splitlines()[-1])


def test_the_filler_compiles_the_default_loss_and_gradient_first_then_says_ready(
    monkeypatch,
):
    done = []
    monkeypatch.setattr(
        precompile, "compile_models", lambda c: done.append(("models", c))
    )
    monkeypatch.setattr(precompile.os, "nice", lambda step: done.append(("nice", step)))
    monkeypatch.setattr(precompile, "warm_up", lambda c: done.append(("path", c)))
    precompile.fill(nice=10, ready=lambda: done.append(("ready", None)))
    assert done[:3] == [
        ("models", DEFAULT_PATH),  # the loss and the gradient
        ("ready", None),
        ("nice", 10),  # low priority only after READY
    ]
    assert done[3:] == [("path", [config]) for config in every_path()]


def test_the_filler_says_ready_once_and_nothing_after_on_its_stdout():
    # The server reads one line and closes its end: a later print must not
    # reach (and, the pipe closed, kill) the filler.
    code = (
        "from neuronlab.runs import precompile; precompile.say_ready(); print('after')"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout.readline() == precompile.READY + "\n"
        process.stdout.close()
        assert process.wait(60) == 0


def test_the_filler_and_the_server_split_the_default_run_and_share_the_cache(
    tmp_path,
):
    # [compiled, loaded from disk, overloads in memory] per kernel.
    filler = run_process("filler", tmp_path)
    assert filler == {"loop": [0, 0, 0], "loss": [1, 0, 1], "gradient": [1, 0, 1]}
    server = run_process("server", tmp_path)
    assert server["loop"] == [1, 0, 1]  # the server's own part
    assert server["loss"] == server["gradient"] == [0, 1, 1]  # loaded, not compiled


# The server's side in a fresh process, on an empty cache: ui.cache.WarmUp as
# the server (app.py) starts it, reporting which kernels this process compiled
# by the time its jobs may compute (loaded), and what its filler said.
WARM_UP = """
import json
from numba.core import event
compiled = []
class Seen(event.Listener):
    def on_start(self, e): pass
    def on_end(self, e): compiled.append(e.data["dispatcher"].py_func.__qualname__)
event.register("numba:compile", Seen())
from ui.cache import WarmUp
warm = WarmUp()
assert not warm.loaded()
assert warm.loaded(300)
print(json.dumps(compiled))
"""


@pytest.mark.slow
def test_a_fresh_servers_warm_up_loads_what_its_filler_compiled(tmp_path):
    environment = os.environ | {"NUMBA_CACHE_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", WARM_UP], cwd=ROOT, env=environment,
        capture_output=True, text=True, check=True, timeout=600,
    ).stdout  # fmt: skip
    compiled = json.loads(out.splitlines()[-1])
    assert "steps" in {name.rsplit(".", 1)[-1] for name in compiled}  # its loop
    assert not {"loss", "gradient", "angles"} & set(compiled)  # the filler's


def test_the_filler_and_the_servers_warm_up_start_without_the_heavy_imports():
    # app.py starts the warm-up as the server starts (ui.cache imports nothing
    # heavy), and the filler's first part needs neither pandas nor SciPy.
    check = """
import sys
import {module}
print(sorted(m for m in ("pandas", "scipy.linalg", "numba", "neuronlab")
             if m in sys.modules))
"""
    loaded = {}
    for module in ("ui.cache", "neuronlab.runs.precompile"):
        done = subprocess.run(
            [sys.executable, "-c", check.format(module=module)], cwd=ROOT,
            capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
        loaded[module] = done.stdout.strip()
    assert loaded == {
        "ui.cache": "[]",
        "neuronlab.runs.precompile": "['neuronlab', 'numba']",
    }


def filler_children(pid: int) -> list[int]:
    """`pid`'s living child processes that fill the cache."""
    from tests.reliability import children

    def command(child: int) -> str:
        try:
            return Path(f"/proc/{child}/cmdline").read_text().replace("\0", " ")
        except OSError:  # it has ended meanwhile
            return ""

    return [child for child in children(pid) if precompile.__name__ in command(child)]


@pytest.mark.slow
def test_the_server_readies_the_engine_as_it_starts_before_any_visitor(
    tmp_path, monkeypatch
):
    """`streamlit run app.py` on an empty cache: with no page asked for (only its
    health), the filler runs and the default run's loss and gradient reach the
    disk cache, where before a first visitor's script started it all."""
    from tests.reliability import served

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))  # the server inherits it
    with served() as (_url, pid):
        deadline = time.monotonic() + 120
        while not filler_children(pid):
            assert time.monotonic() < deadline, "no filler started"
            time.sleep(0.2)
        while not {"loss", "gradient"} <= cached_names(tmp_path):
            assert time.monotonic() < deadline, "the kernels were not cached"
            time.sleep(0.5)


def cached_names(folder: Path) -> set[str]:
    """The names of the functions numba's disk cache in `folder` holds
    (index files `module.name-line.pyXY.nbi`)."""
    return {p.name.split("-")[0].rsplit(".", 1)[-1] for p in folder.rglob("*.nbi")}

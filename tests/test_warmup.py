"""The cold-start machinery: numba's compile events seen by neuronlab.runs.compiling, the
cache filler's order and its stop once its parent has gone (neuronlab.runs.precompile)."""

import json
import os
import subprocess
import sys

import numba
from numba.core import event

from neuronlab import METHODS, MODELS
from neuronlab.optim.optimizers import OPTIMIZERS
from neuronlab.runs import precompile
from neuronlab.runs.compiling import compiling
from neuronlab.runs.precompile import fill
from neuronlab.runs.warmup import DEFAULT_PATH, every_path


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
# filler's first act (compile_loops) or the server's warm-up of the default run;
# then the compiles and disk-cache loads of the default loop and relu's gradient.
PROCESS = """
import json, sys
from neuronlab.dynamics.loop import steps_for
from neuronlab.models.relu import gradient
from neuronlab.optim import steps as rules
from neuronlab.runs.warmup import DEFAULT_PATH, compile_loops, warm_up
(compile_loops if sys.argv[1] == "filler" else warm_up)(DEFAULT_PATH)
loop = steps_for(rules.GD, False, False)
print(json.dumps({name: [sum(d.stats.cache_misses.values()),
                         sum(d.stats.cache_hits.values()), len(d.overloads)]
                  for name, d in (("loop", loop), ("gradient", gradient))}))
"""


def run_process(role: str, cache) -> dict:
    environment = os.environ | {"NUMBA_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", PROCESS, role],
        env=environment, capture_output=True, text=True, check=True, timeout=300,
    ).stdout  # fmt: skip
    return json.loads(out.splitlines()[-1])


def test_the_filler_compiles_the_default_loop_first_and_the_server_loads_it(
    tmp_path, monkeypatch
):
    done = []
    monkeypatch.setattr(
        precompile, "compile_loops", lambda c: done.append(("loops", c))
    )
    monkeypatch.setattr(precompile, "warm_up", lambda c: done.append(("path", c)))
    precompile.fill()
    assert done[0] == ("loops", DEFAULT_PATH)
    assert [kind for kind, _ in done[1:]] == ["path"] * len(every_path())

    # [compiled, loaded from disk, overloads in memory] per kernel.
    filler = run_process("filler", tmp_path)
    assert filler == {"loop": [1, 0, 1], "gradient": [0, 0, 0]}  # by type alone
    server = run_process("server", tmp_path)
    assert server["loop"] == [0, 1, 1]  # loaded, not compiled
    assert server["gradient"][0] == 1  # the server compiles the rest itself

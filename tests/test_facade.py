"""The engine's facade: the documented API, its doctest, and no UI imports."""

import ast
import doctest
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import neuronlab
from neuronlab import RunConfig, estimate_seconds


def test_facade_exports_the_design_api():
    for name in ("RunConfig", "simulate", "sweep", "population_loss",
                 "population_gradient", "start_run", "advance", "warm_up"):  # fmt: skip
        assert name in neuronlab.__all__
        assert callable(getattr(neuronlab, name))


def test_every_public_name_loads_on_first_use_and_is_listed():
    # neuronlab/__init__ loads them lazily (PEP 562): each from its module.
    fresh = subprocess.run(
        [sys.executable, "-c", "import neuronlab; print(sorted(dir(neuronlab)))"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert set(neuronlab.__all__) == {*neuronlab._HOMES, "__version__"}
    assert set(neuronlab.__all__) <= set(ast.literal_eval(fresh))
    for name in neuronlab.__all__:
        assert getattr(neuronlab, name) is not None
    assert (
        neuronlab.simulate is importlib.import_module("neuronlab.dynamics.run").simulate
    )
    with pytest.raises(AttributeError, match="no attribute 'simulat'"):
        neuronlab.simulat  # noqa: B018


FIRST_IMPORTS = """
import importlib, os, sys
import numba, numpy
for name in sys.argv[1:]:
    child = os.fork()
    if child == 0:
        try:
            importlib.import_module(name)
        except Exception as error:
            print(name, repr(error), flush=True)
            os._exit(1)
        os._exit(0)
    if os.waitpid(child, 0)[1]:  # also a child that died without a word
        print(name, "exited", flush=True)
"""


@pytest.mark.slow
def test_every_module_imports_first_in_a_fresh_process():
    # Lazy names make import order matter: a cycle hidden by the package's old
    # eager imports (dynamics.loop -> optim -> gauss_newton -> dynamics.loop)
    # broke `from neuronlab.dynamics import loop` as a first import.
    root = Path(neuronlab.__file__).parent
    names = sorted(
        ".".join(
            ("neuronlab", *path.relative_to(root).with_suffix("").parts)
        ).removesuffix(".__init__")
        for path in root.rglob("*.py")
        if path.name != "__main__.py"
    )
    # One process with numpy and numba loaded (not the package) forks a child
    # per module: each imports its module first, without paying those again.
    failed = subprocess.run(
        [sys.executable, "-c", FIRST_IMPORTS, *names],
        capture_output=True, text=True, check=True, timeout=600,
    ).stdout.splitlines()  # fmt: skip
    assert len(names) > 50
    assert failed == []


def test_facade_docstring_runs():
    failures, tried = doctest.testmod(neuronlab, verbose=False)
    assert tried > 0
    assert failures == 0


def test_the_engine_imports_no_streamlit_plotly_or_dask():
    code = (
        "import sys, neuronlab; neuronlab.simulate(neuronlab.RunConfig(steps=10)); "
        "print(sorted(m for m in ('streamlit', 'plotly', 'dask') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_warm_up_is_idempotent_and_cost_estimates_scale_with_work():
    neuronlab.warm_up()
    neuronlab.warm_up()
    small = estimate_seconds(RunConfig(n=3, steps=10**4))
    assert 0 < small < estimate_seconds(RunConfig(n=3, steps=10**6))
    assert small < estimate_seconds(RunConfig(n=20, steps=10**4))
    assert estimate_seconds(RunConfig(method="flow", steps=10**10)) > 0


def _signatures() -> dict[str, int]:
    """Compiled signatures of every numba kernel of the engine."""
    import importlib
    import pkgutil

    from numba.core.registry import CPUDispatcher

    import neuronlab

    # Every module of the engine: a kernel added anywhere is checked too.
    modules = [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(neuronlab.__path__, "neuronlab.")
        if not info.name.endswith("__main__")
    ]
    return {
        f"{module.__name__}.{name}": len(obj.signatures)
        for module in modules
        for name, obj in vars(module).items()
        if isinstance(obj, CPUDispatcher)
    }


def test_nothing_compiles_after_warm_up():
    """warm_up() covers every signature the engine uses: no request compiles."""
    import numpy as np

    from neuronlab.analysis.spectrum import hessian_spectrum

    neuronlab.warm_up()
    before = _signatures()
    configs = [
        RunConfig(n=4, d=7, steps=300, method=method, samples=50, batch=7)
        for method in ("gd", "flow", "sgd")
    ]
    configs += [
        RunConfig(
            n=3,
            d=6,
            steps=200,
            method=method,
            samples=30,
            teachers=m,
            activation=activation,
            alpha=0.3 if activation == "leaky_relu" else 0,
            init=init,
        )
        for activation in neuronlab.MODELS
        for method in ("gd", "flow", "sgd")
        for m, init in ((1, "gaussian"), (3, "orthogonal"))
    ]
    configs += [
        RunConfig(
            n=3,
            d=5,
            steps=50,
            method=method,
            samples=40,
            optimizer=optimizer,
            activation=activation,
            teachers=teachers,
        )
        for optimizer in ("momentum", "nesterov", "adam", "gauss_newton")
        for method in ("gd", "sgd")
        for activation in ("relu", "leaky_relu", "erf", "quadratic")
        for teachers in (1, 3)
    ]
    for config in configs:
        traj = neuronlab.simulate(config)
        traj.metrics  # noqa: B018 - the metrics' angle kernel
    rng = np.random.default_rng(0)
    W, v = rng.standard_normal((3, 6)), rng.standard_normal(6)
    for activation in neuronlab.MODELS:
        for teachers in (v, W[:2]):
            neuronlab.population_loss(W, teachers, activation)
            neuronlab.population_gradient(W, teachers, activation)
            neuronlab.population_hessian(W, teachers, activation)
    hessian_spectrum(W, v)
    assert _signatures() == before


def test_step_loops_taking_a_model_load_from_numba_cache_in_a_new_process():
    """The loops take each model's kernels as first-class FunctionTypes
    (neuronlab.models.kernels.typed): one overload per loop variant (update
    rule, population or samples, fixed or trained output) serves every model,
    cached on disk. A dispatcher-typed argument would specialise per function,
    and a dispatcher in a variant's closure would change its cache key, and miss
    the cache in every process on numba 0.68 (measured), which is what this
    guards against."""
    code = (
        "import neuronlab\n"
        "from neuronlab.dynamics import loop\n"
        "from neuronlab.optim import gauss_newton as gn\n"
        "for a in neuronlab.MODELS:\n"
        "    for method in ('gd', 'sgd'):\n"
        "        for o in ('gd', 'momentum', 'nesterov', 'adam', 'gauss_newton'):\n"
        "            neuronlab.simulate(neuronlab.RunConfig(n=2, d=3, steps=5,"
        " activation=a, method=method, samples=8, optimizer=o))\n"
        "variants = [loop.steps_for(r, s, False) for r in range(4) for s in (False, True)]\n"
        "for f in (*variants, gn.gauss_newton_steps):\n"
        "    print(sum(f.stats.cache_misses.values()), sum(f.stats.cache_hits.values()))"
    )

    def run() -> list[int]:
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        return [int(x) for x in out.split()]

    run()  # fills the cache if this checkout has none yet
    counts = run()
    misses, hits = counts[0::2], counts[1::2]
    assert misses == [0] * 9
    assert hits == [1] * 9  # one overload of each serves every model


def test_typed_loops_are_safe_to_prepare_from_two_threads_at_once():
    """A run and the app's warm-up may both be first to reach a step loop: the
    second must find it compiled, not 'compilation disabled' (seen in a sweep)."""
    import threading

    from numba import njit, types

    from neuronlab.models.kernels import typed

    @njit
    def twice(x):
        return 2.0 * x

    signature = types.float64(types.float64)
    results, errors = [], []
    barrier = threading.Barrier(4)

    def call():
        barrier.wait()
        try:
            results.append(typed(twice, signature)(1.5))
        except RuntimeError as error:  # compilation disabled: the race
            errors.append(error)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == [3.0] * 4

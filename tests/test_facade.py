"""The engine's facade: the documented API, its doctest, and no UI imports."""

import doctest
import subprocess
import sys

import core
from core import RunConfig, estimate_seconds


def test_facade_exports_the_design_api():
    for name in ("RunConfig", "simulate", "sweep", "population_loss",
                 "population_gradient", "start_run", "advance", "warm_up"):  # fmt: skip
        assert name in core.__all__
        assert callable(getattr(core, name))


def test_facade_docstring_runs():
    failures, tried = doctest.testmod(core, verbose=False)
    assert tried > 0
    assert failures == 0


def test_core_imports_no_streamlit_plotly_or_dask():
    code = (
        "import sys, core; core.simulate(core.RunConfig(steps=10)); "
        "print(sorted(m for m in ('streamlit', 'plotly', 'dask') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_warm_up_is_idempotent_and_cost_estimates_scale_with_work():
    core.warm_up()
    core.warm_up()
    small = estimate_seconds(RunConfig(n=3, steps=10**4))
    assert 0 < small < estimate_seconds(RunConfig(n=3, steps=10**6))
    assert small < estimate_seconds(RunConfig(n=20, steps=10**4))
    assert estimate_seconds(RunConfig(method="flow", steps=10**10)) > 0


def _signatures() -> dict[str, int]:
    """Compiled signatures of every numba kernel of the engine."""
    from numba.core.registry import CPUDispatcher

    import core.gauss_newton
    import core.kernels
    import core.optimizer_steps
    import core.samples

    modules = (core.kernels, core.samples, core.optimizer_steps, core.gauss_newton)
    return {
        f"{module.__name__}.{name}": len(obj.signatures)
        for module in modules
        for name, obj in vars(module).items()
        if isinstance(obj, CPUDispatcher)
    }


def test_nothing_compiles_after_warm_up():
    """warm_up() covers every signature the engine uses: no request compiles."""
    import numpy as np

    from core.spectrum import hessian_spectrum

    core.warm_up()
    before = _signatures()
    configs = [
        RunConfig(n=4, d=7, steps=300, method=method, samples=50, batch=7)
        for method in ("gd", "flow", "sgd")
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
        traj = core.simulate(config)
        traj.metrics  # noqa: B018 - the metrics' angle kernel
    rng = np.random.default_rng(0)
    W, v = rng.standard_normal((3, 6)), rng.standard_normal(6)
    core.population_loss(W, v)
    core.population_gradient(W, v)
    hessian_spectrum(W, v)
    assert _signatures() == before

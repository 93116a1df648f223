"""The engine of the Single-Neuron Dynamics Lab (Xu & Du, COLT 2023).

One ReLU teacher [v.x]_+, n ReLU students sum_i [w_i.x]_+, x ~ N(0, I_d), square
loss, from the paper's closed forms (eq. 23, 4, 51); beyond the paper, m teachers
and other activations (neuronlab.models) and initialisations (neuronlab.dynamics.init).
No streamlit, no plotting. Layout: config (RunConfig, each field declared once),
models/ (one module per activation), dynamics/ (methods, the step loops), optim/,
analysis/ (metrics, fits, experiments), runs/ (metered runs, sweeps, the cluster),
cli/ (python -m neuronlab).

>>> from neuronlab import RunConfig, simulate
>>> traj = simulate(RunConfig(n=1, d=5, sigma=0.1, eta=0.5, steps=200, seed=0))
>>> traj.status, bool(traj.loss[-1] < 1e-12)
('completed', True)
"""

import importlib

from neuronlab import kernel_cache

kernel_cache.install()  # before any kernel is defined: see its docstring

# The public names, loaded on first use (PEP 562, as SciPy's SPEC 1 does): a
# process that needs only a part (a cache filler compiling the default run's
# kernels) does not import pandas and SciPy for the rest (0.79 -> 0.35 s); the
# modules that use them import them where they do. (__all__ below names them
# again for static tools, which read a literal list.)
_HOMES = {
    "critical_point": "neuronlab.analysis.landscape",
    "split_point": "neuronlab.analysis.landscape",
    "ensemble_bands": "neuronlab.analysis.summary",
    "summarise": "neuronlab.analysis.summary",
    "RunConfig": "neuronlab.config",
    "METHODS": "neuronlab.dynamics.methods",
    "advance": "neuronlab.dynamics.run",
    "default_start": "neuronlab.dynamics.run",
    "simulate": "neuronlab.dynamics.run",
    "start_run": "neuronlab.dynamics.run",
    "record_steps": "neuronlab.dynamics.schedule",
    "RunState": "neuronlab.dynamics.state",
    "Trajectory": "neuronlab.dynamics.trajectory",
    "population_gradient": "neuronlab.models.population",
    "population_hessian": "neuronlab.models.population",
    "population_loss": "neuronlab.models.population",
    "MODELS": "neuronlab.models.registry",
    "sweep": "neuronlab.runs.sweep",
    "estimate_seconds": "neuronlab.runs.warmup",
    "warm_up": "neuronlab.runs.warmup",
}


def __getattr__(name: str):
    if name == "__version__":
        from neuronlab.export import VERSION

        return VERSION
    if name not in _HOMES:
        raise AttributeError(f"module 'neuronlab' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "METHODS",
    "MODELS",
    "RunConfig",
    "RunState",
    "Trajectory",
    "__version__",
    "advance",
    "critical_point",
    "default_start",
    "ensemble_bands",
    "estimate_seconds",
    "population_gradient",
    "population_hessian",
    "population_loss",
    "record_steps",
    "simulate",
    "split_point",
    "start_run",
    "summarise",
    "sweep",
    "warm_up",
]

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

from neuronlab import kernel_cache

kernel_cache.install()  # before any kernel is defined: see its docstring

from neuronlab.analysis.landscape import critical_point, split_point
from neuronlab.analysis.summary import ensemble_bands, summarise
from neuronlab.config import RunConfig
from neuronlab.dynamics.methods import METHODS
from neuronlab.dynamics.run import advance, default_start, simulate, start_run
from neuronlab.dynamics.schedule import record_steps
from neuronlab.dynamics.state import RunState
from neuronlab.dynamics.trajectory import Trajectory
from neuronlab.export import VERSION as __version__
from neuronlab.models.population import (
    population_gradient,
    population_hessian,
    population_loss,
)
from neuronlab.models.registry import MODELS
from neuronlab.runs.sweep import sweep
from neuronlab.runs.warmup import estimate_seconds, warm_up

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

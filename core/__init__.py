"""The engine of the Single-Neuron Dynamics Lab (Xu & Du, COLT 2023).

One ReLU teacher [v.x]_+, n ReLU students sum_i [w_i.x]_+, x ~ N(0, I_d), square
loss, from the paper's closed forms (eq. 23, 4, 51); beyond the paper, m teachers
and other activations (core.models) and initialisations (core.init). No
streamlit, no plotting.

>>> from core import RunConfig, simulate
>>> traj = simulate(RunConfig(n=1, d=5, sigma=0.1, eta=0.5, steps=200, seed=0))
>>> traj.status, bool(traj.loss[-1] < 1e-12)
('completed', True)
"""

from .config import RunConfig
from .export import VERSION as __version__
from .methods import METHODS
from .models import MODELS
from .population import population_gradient, population_hessian, population_loss
from .run import advance, default_start, simulate, start_run
from .schedule import record_steps
from .state import RunState
from .summary import ensemble_bands, summarise
from .sweep import sweep
from .trajectory import Trajectory
from .warmup import estimate_seconds, warm_up

__all__ = [
    "METHODS",
    "MODELS",
    "RunConfig",
    "RunState",
    "Trajectory",
    "__version__",
    "advance",
    "default_start",
    "ensemble_bands",
    "estimate_seconds",
    "population_gradient",
    "population_hessian",
    "population_loss",
    "record_steps",
    "simulate",
    "start_run",
    "summarise",
    "sweep",
    "warm_up",
]

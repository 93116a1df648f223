"""Starting, advancing and finishing runs: the engine's entry points (DESIGN §4)."""

import numpy as np

from .blas import one_blas_thread
from .config import RunConfig
from .methods import METHODS
from .state import RunState, deadline_after
from .trajectory import Trajectory

# Steps per chunk in simulate(): large enough that the Python between chunks is
# negligible, small enough that a caller polling progress sees it move.
CHUNK = 2_000_000


def default_teacher(config: RunConfig) -> np.ndarray:
    """v = teacher_norm * e_1, (d,)."""
    v = np.zeros(config.d)
    v[0] = config.teacher_norm
    return v


def default_start(config: RunConfig) -> tuple[np.ndarray, np.ndarray]:
    """W0 = sigma * N(0, I) from default_rng(seed), (n, d); v = teacher_norm * e_1."""
    rng = np.random.default_rng(config.seed)
    return config.sigma * rng.standard_normal((config.n, config.d)), default_teacher(
        config
    )


def _checked_start(config, W0, v) -> tuple[np.ndarray, np.ndarray]:
    W0 = default_start(config)[0] if W0 is None else np.array(W0, dtype=np.float64)
    v = default_teacher(config) if v is None else np.array(v, dtype=np.float64)
    if W0.shape != (config.n, config.d):
        raise ValueError(f"W0 must have shape (n, d) = {(config.n, config.d)}")
    if v.shape != (config.d,):
        raise ValueError(f"v must have shape (d,) = ({config.d},)")
    if not (np.all(np.isfinite(W0)) and np.all(np.isfinite(v))):
        raise ValueError("W0 and v must be finite")
    if not np.any(v):
        raise ValueError("the teacher v must be nonzero")
    return W0, v


def start_run(config: RunConfig, W0=None, v=None) -> RunState:
    """The state at step 0 (the first record included)."""
    W0, v = _checked_start(config, W0, v)
    with one_blas_thread():
        return _start(config, W0, v)


def _start(config: RunConfig, W0: np.ndarray, v: np.ndarray) -> RunState:
    return METHODS[config.method].start(config, W0, v)


def advance(
    state: RunState, max_steps: int = CHUNK, max_seconds: float | None = None
) -> RunState:
    """Run on from `state` by up to max_steps steps (flow: to the first record
    at or past t = eta * (step + max_steps)), returning after about max_seconds
    of wall time when given (an expensive step overruns it by about one step).

    The numbers never depend on the budget: chunks of any size, paused anywhere,
    give the same records as one call.
    """
    if state.done:
        return state
    deadline = deadline_after(max_seconds)
    with one_blas_thread():
        return METHODS[state.config.method].advance(state, int(max_steps), deadline)


def simulate(config: RunConfig, W0=None, v=None) -> Trajectory:
    """Run `config` to the end (or to divergence) and return its Trajectory.

    W0 : (n, d) start, default sigma * N(0, I) from the seed; v : (d,) teacher,
    default teacher_norm * e_1.
    """
    state = start_run(config, W0, v)
    while not state.done:
        state = advance(state)
    return state.trajectory()

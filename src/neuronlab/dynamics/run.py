"""Starting, advancing and finishing runs: the engine's entry points (DESIGN §4)."""

import numpy as np

from neuronlab.blas import one_blas_thread
from neuronlab.config import RunConfig
from neuronlab.dynamics.init import initial_weights
from neuronlab.dynamics.methods import METHODS
from neuronlab.dynamics.state import RunState, deadline_after
from neuronlab.dynamics.trajectory import Trajectory

# Steps per chunk in simulate(): large enough that the Python between chunks is
# negligible, small enough that a caller polling progress sees it move.
CHUNK = 2_000_000


def default_teacher(config: RunConfig) -> np.ndarray:
    """v = teacher_norm * e_1, (d,), for one teacher; for m = config.teachers > 1
    the rows V = teacher_norm * [e_1; ...; e_m], (m, d)."""
    V = config.teacher_norm * np.eye(config.teachers, config.d)
    return V[0].copy() if config.teachers == 1 else V


def default_start(config: RunConfig) -> tuple[np.ndarray, np.ndarray]:
    """W0 (n, d) drawn by config.init at scale sigma from default_rng(seed)
    (gaussian: sigma * N(0, I), neuronlab.dynamics.init); v = default_teacher(config)."""
    W0 = initial_weights(config.init, config.n, config.d, config.sigma, config.seed)
    return W0, default_teacher(config)


def _checked_start(config, W0, v) -> tuple[np.ndarray, np.ndarray]:
    W0 = default_start(config)[0] if W0 is None else np.array(W0, dtype=np.float64)
    v = default_teacher(config) if v is None else np.array(v, dtype=np.float64)
    if W0.shape != (config.n, config.d):
        raise ValueError(f"W0 must have shape (n, d) = {(config.n, config.d)}")
    m, d = config.teachers, config.d
    if v.shape != ((d,) if m == 1 else (m, d)) and v.shape != (m, d):
        shape = f"(d,) = ({d},) or (1, d)" if m == 1 else f"(m, d) = ({m}, {d})"
        raise ValueError(f"v must have shape {shape} (teachers = {m})")
    if not (np.all(np.isfinite(W0)) and np.all(np.isfinite(v))):
        raise ValueError("W0 and v must be finite")
    if not np.all(np.any(np.atleast_2d(v), axis=1)):
        raise ValueError("every teacher must be nonzero")
    # One teacher is kept as (d,) whichever way it came: the engine's m = 1 path.
    return W0, v.reshape(d) if m == 1 else v


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

    W0 : (n, d) start, default drawn by config.init (sigma * N(0, I)) from the
    seed; v : (d,) teacher or (m, d) teachers (m = config.teachers), default
    teacher_norm * e_j.
    """
    state = start_run(config, W0, v)
    while not state.done:
        state = advance(state)
    return state.trajectory()

"""Gradient flow dW/dt = -grad L(W) through scipy's solve_ivp (DESIGN §3.7).

Integrated in log time s = log(1 + t): the slow phase (z_i ~ 1/t) is smooth in s,
so the solver takes a similar number of steps per decade of t up to t = 1e9 and
beyond. The fast modes (rate ~ n/2 in t) become stiff in s, hence an implicit
method (Radau) with the exact Jacobian -(1 + t) * Hessian (eq. 51).
"""

import dataclasses

import numpy as np
from scipy.integrate import solve_ivp

from . import kernels
from .hessian import population_hessian
from .state import Record, RunState

RTOL = 1e-10
# Absolute tolerance relative to |v|: far below the orthogonal parts z_i, which
# shrink like 1/t and carry the slow dynamics (~1e-9 |v| at t = 1e9).
ATOL = 1e-16


def _segment_ends(state: RunState) -> np.ndarray:
    """Times at which a call to advance may stop: t = eta * 10^j, and the horizon.
    Fixed by the config alone, so results do not depend on how a caller chunks."""
    config = state.config
    decades = config.eta * 10.0 ** np.arange(1, int(np.log10(config.steps)) + 1)
    return np.unique(np.append(decades[decades < config.horizon], config.horizon))


def advance_flow(state: RunState, max_steps: int) -> RunState:
    """Integrate to the next segment end, recording at t = eta * grid steps."""
    del max_steps  # one segment per call: its cost is about the same for every decade
    config = state.config
    n, k = state.W.shape
    ends = _segment_ends(state)
    t_end = float(ends[np.searchsorted(ends, state.time, side="right")])
    grid_steps = state.grid
    grid_times = config.eta * grid_steps
    inside = (grid_times > state.time) & (grid_times <= t_end)
    X = kernels.stack(state.W, state.v)
    work = kernels.Workspace(n, k)
    arrays = work.arrays()
    scale = float(np.linalg.norm(state.v))

    def rhs(s, y):
        X[:n] = y.reshape(n, k)
        kernels.gradient(X, *arrays)
        return -np.exp(s) * work.G.ravel()

    def jac(s, y):
        return -np.exp(s) * population_hessian(y.reshape(n, k), state.v)

    # Stop the solver at every record time rather than interpolating: its dense
    # output is off by several % for z ~ 1/t across steps of ~1 in log time.
    y = state.W.ravel()
    s_now = np.log1p(state.time)
    first_step = None
    records = []
    for step, t in zip(grid_steps[inside], grid_times[inside], strict=True):
        s_next = np.log1p(t)
        if first_step is not None:
            first_step = min(first_step, s_next - s_now)
        solution = solve_ivp(
            rhs,
            (s_now, s_next),
            y,
            method="Radau",
            rtol=RTOL,
            atol=ATOL * scale,
            jac=jac,
            first_step=first_step,
        )
        if not solution.success:
            return dataclasses.replace(
                state,
                status="diverged",
                message=f"the ODE solver failed at t = {t:.6g}: {solution.message}",
            )
        y, s_now = solution.y[:, -1], solution.t[-1]
        if solution.t.size > 1:  # carry the step size on: no ramp-up at each record
            first_step = solution.t[-1] - solution.t[-2]
        W = y.reshape(n, k).copy()
        X[:n] = W
        records.append(Record(int(step), float(t), W, kernels.loss(X, *arrays)))
    done = t_end >= config.horizon
    last = records[-1].W if records else state.W
    return dataclasses.replace(
        state,
        W=last,
        step=round(t_end / config.eta),
        time=t_end,
        records=state.records + tuple(records),
        status="completed" if done else "running",
        message=f"integrated to t = {config.horizon:.6g}" if done else "",
    )

"""Gradient flow dW/dt = -grad L(W) with scipy's Radau solver (DESIGN §3.7).

Integrated in log time s = log(1 + t): the slow phase (z_i ~ 1/t) is smooth in s,
so the solver takes a similar number of steps per decade of t up to t = 1e9 and
beyond. The fast modes (rate ~ n/2 in t) become stiff in s, hence an implicit
method (Radau) with the exact Jacobian -(1 + t) * Hessian (eq. 51 for relu; each
activation's own in its module of neuronlab.models).

The solver is driven step by step (what solve_ivp does inside), so a call can
return between two solver steps when its wall-clock deadline passes; the solver
in flight is kept in FlowMemory and resumed by the next call, so where a caller
pauses never changes the numbers.
"""

import dataclasses
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from neuronlab.dynamics.state import Record, RunState
from neuronlab.models import kernels
from neuronlab.models.output import trained_hessian
from neuronlab.models.registry import model_of, workspace

if TYPE_CHECKING:
    from scipy.integrate import Radau

RTOL = 1e-10
# Absolute tolerance relative to |v|: far below the orthogonal parts z_i, which
# shrink like 1/t and carry the slow dynamics (~1e-9 |v| at t = 1e9).
ATOL = 1e-16


@dataclass(frozen=True)
class FlowMemory:
    """step : the solver's last step in log time, carried into the next record
    interval (no ramp-up at each record); None before the first, and at each
    decade t = eta * 10^j, where the solver starts afresh.  solver : a Radau
    solver part-way to the next record (a paused call), else None."""

    step: float | None = None
    solver: Any = None

    @property
    def bound(self) -> float:
        return math.inf  # the flow has no step size to diverge with

    @staticmethod
    def progress(state: RunState) -> float:
        """Fraction of log(1 + t), the flow's cost scale, including a paused
        solver."""
        s = state.memory.solver.t if state.memory.solver is not None else None
        t = state.time if s is None else float(np.expm1(s))
        return float(np.log1p(t) / np.log1p(state.config.horizon))


def _restarts(config) -> np.ndarray:
    """Times t = eta * 10^j at which the solver forgets its step size: fixed by
    the config alone, so the numbers do not depend on how a caller chunks."""
    return config.eta * 10.0 ** np.arange(1, int(np.log10(config.steps)) + 1)


def _solver(state: RunState, t_next: float, first_step: float | None) -> "Radau":
    if state.a is not None:
        return trained_solver(state, t_next, first_step)
    n, k = state.W.shape
    config, model = state.config, model_of(state.config)
    X = kernels.stack(state.W, state.v)
    work = workspace(config, n, k)
    teachers = kernels.teacher_rows(state.v)

    def rhs(s, y):
        X[:n] = y.reshape(n, k)
        model.gradient(X, *work)
        return -np.exp(s) * work[6].ravel()

    def jac(s, y):
        hessian = model.hessian(y.reshape(n, k), teachers, config.alpha)
        return -np.exp(s) * hessian

    return _radau(state, rhs, jac, state.W.ravel(), t_next, first_step)


def _radau(state, rhs, jac, y0, t_next, first_step) -> "Radau":
    # Imported here: scipy.integrate (with scipy.optimize) takes ~0.5 s to import,
    # paid on a fresh server's first visit, which almost never runs the flow.
    from scipy.integrate import Radau

    s_now = float(np.log1p(state.time))
    s_next = float(np.log1p(t_next))
    if first_step is not None:
        first_step = min(first_step, s_next - s_now)
    return Radau(
        rhs,
        s_now,
        y0,
        s_next,
        rtol=RTOL,
        atol=ATOL * float(np.linalg.norm(state.v)),
        jac=jac,
        first_step=first_step,
    )


def trained_solver(state: RunState, t_next: float, first_step) -> "Radau":
    """The flow of W and a together, y = [W (n k), a (n)]: d/dt (w_i, a_i) =
    -(a_i g_i, w_i . g_i / p) (neuronlab.models.output); its Jacobian is the
    Hessian in (W, a) where every a_i > 0, else central differences of the
    exact gradient (a_i can only cross 0 from a start with |w_i(0)| >= 1)."""
    n, k = state.W.shape
    config, model = state.config, model_of(state.config)
    X = kernels.stack(state.W, state.v)
    work = workspace(config, n, k)
    teachers = kernels.teacher_rows(state.v)
    degree = model.degree

    def gradient(y):
        X[:n] = y[: n * k].reshape(n, k)
        work[0][:n] = y[n * k :]
        model.gradient(X, *work)
        g = work[6]
        return np.r_[
            (y[n * k :, None] * g).ravel(), np.einsum("ik,ik->i", X[:n], g) / degree
        ]

    def jac(s, y):
        W, a = y[: n * k].reshape(n, k), y[n * k :]
        if np.all(a > 0):
            hessian = trained_hessian(W, a, teachers, config.activation, config.alpha)
        else:
            hessian = _central_differences(gradient, y)
        return -np.exp(s) * hessian

    y0 = np.r_[state.W.ravel(), state.a]
    return _radau(state, lambda s, y: -np.exp(s) * gradient(y), jac, y0, t_next,
                  first_step)  # fmt: skip


def _central_differences(gradient, y: np.ndarray) -> np.ndarray:
    """The Jacobian of gradient at y by central differences (steps ~ eps^(1/3))."""
    steps = np.cbrt(np.finfo(float).eps) * np.maximum(1.0, np.abs(y))
    columns = []
    for c, h in enumerate(steps):
        e = np.zeros_like(y)
        e[c] = h
        columns.append((gradient(y + e) - gradient(y - e)) / (2 * h))
    return np.column_stack(columns)


def _unpack(y: np.ndarray, state: RunState):
    """(W (n, k), a (n,) or None) from the solver's state vector."""
    n, k = state.W.shape
    W = y[: n * k].reshape(n, k).copy()
    return W, (None if state.a is None else y[n * k :].copy())


def advance_flow(state: RunState, max_steps: int, deadline: float) -> RunState:
    """Integrate on to t = eta * (step + max_steps) at most, recording at
    t = eta * grid steps; returns soon after `deadline` (between solver steps)."""
    config = state.config
    grid = state.grid
    t_stop = config.eta * min(config.steps, state.step + max_steps)
    restarts = _restarts(config)
    memory, records = state.memory, []
    while state.time < t_stop:
        step = int(grid[np.searchsorted(grid, state.step, side="right")])
        t_next = config.eta * step
        solver, message = memory.solver, ""
        if solver is None:
            fresh = np.any(np.isclose(restarts, state.time, rtol=1e-15, atol=0))
            solver = _solver(state, t_next, None if fresh else memory.step)
        while solver.status == "running" and time.perf_counter() < deadline:
            message = solver.step()
        if solver.status == "failed":
            return dataclasses.replace(
                state,
                records=state.records + tuple(records),
                status="diverged",
                message=f"the ODE solver failed at t = {t_next:.6g}: {message}",
                memory=FlowMemory(memory.step),
            )
        if solver.status == "running":  # the deadline passed: resume it next call
            memory = FlowMemory(memory.step, solver)
            break
        W, a = _unpack(solver.y, state)
        X = kernels.stack(W, state.v)
        work = workspace(config, *W.shape)
        if a is not None:
            work[0][: len(W)] = a
        loss = model_of(config).loss(X, *work)
        records.append(Record(step, t_next, W, loss, a=a))
        memory = FlowMemory(solver.t - solver.t_old)
        state = dataclasses.replace(
            state, W=W, a=a, step=step, time=t_next, memory=memory
        )
        if time.perf_counter() >= deadline:
            break
    done = state.step >= config.steps
    return dataclasses.replace(
        state,
        records=state.records + tuple(records),
        status="completed" if done else "running",
        message=f"integrated to t = {config.horizon:.6g}" if done else "",
        memory=memory,
    )

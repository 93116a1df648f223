"""The one compiled discrete step loop.

Each variant of it (steps_for) runs up to n_steps steps on the student rows
of X = [W; V] in place and returns how many it did: fewer means the next step
was refused by the guard (neuronlab.dynamics.guard: not finite, or some |w_i|
above `bound`), X then holding the last finite state. Per step:

- the gradient at X's students: the model's population kernel, a typed
  first-class function (one cached compile serves every model), or, when
  `data` holds samples, the sum over the step's minibatch
  (neuronlab.dynamics.samples.minibatch, with the model's per-sample kernel);
- the optimiser's update `rule` (neuronlab.optim.steps): it turns the
  gradient into the next iterate through the guard, keeping its own arrays in
  `state` and `scalars`, which the caller keeps, so a run can stop after any
  step and resume with the same numbers. Nesterov takes its gradient at a
  point ahead (its lookahead).

A trained output layer (neuronlab.models.output) is `outer`'s P = [W | a]:
the update rule then moves P by the chained gradient GP, and P is loaded into
X and the signs before each gradient; the fixed layer's variant (the paper's
a_i = 1) has none of this compiled in.

The update, the gradient's source and the output layer are constants of a
compiled variant (steps_for), not first-class functions: calls through
function pointers cannot be inlined, and an update, a lookahead and a
minibatch passed so made a step at n = 3, d = 10 take 1.2x (GD), 1.4x
(momentum), 1.6x (Nesterov) its time (measured against the loops this one
replaced). A new rule is an entry in steps_for and its update in optim.steps.
Gauss-Newton's trial search is its own loop (neuronlab.optim.gauss_newton)
on the same gradient and guard.
"""

import functools

import numpy as np
from numba import njit, types

from neuronlab.dynamics.samples import DATA, minibatch, no_samples
from neuronlab.models import output
from neuronlab.models.kernels import (
    ACTIVATION,
    C1,
    C2,
    C3,
    GRADIENT,
    WORK,
    first_class,
    typed,
)
from neuronlab.models.pairs import KERNEL
from neuronlab.optim import steps as rules


@njit(**KERNEL, inline="always")
def gradient_at(X, step, offset, data, gradient, activation, work):
    """The gradient at X's students into work's G, as a sum over the returned
    count of samples (1.0: the population gradient itself)."""
    sign, norms, U, theta, sin_theta, r, G, XT, A, params = work
    if data[0].shape[0] == 0:
        gradient(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params)
        return 1.0
    return minibatch(X, G, step, offset, data, activation, params[0], sign)


@functools.cache
def steps_for(rule: int, sampled: bool, trained: bool):
    """The loop for one update `rule`, gradient source (`sampled`: minibatches
    of `data`, else the population kernel) and output layer (`trained`: P =
    [W | a] in outer). These are constants of the compiled loop, so numba
    prunes every branch a run never takes and compiles only its own update and
    gradient. One loop of all branches made a fresh server's default run
    (population GD) compile all four updates and the minibatch path too: its
    Explore page from an empty cache took 11.6 s in AppTest, 8.2 s with the
    variants (benchmarks/README.md). Each variant has its own entry in numba's
    disk cache (the key holds the closure's constants)."""
    # Booleans, not the update function itself: numba's cache key holds the
    # closure's values, and a dispatcher's pickle differs in every process.
    gd, momentum = rule == rules.GD, rule == rules.MOMENTUM
    nesterov, adam = rule == rules.NESTEROV, rule == rules.ADAM
    if not gd | momentum | nesterov | adam:
        raise ValueError(f"no update rule {rule} (neuronlab.optim.steps)")

    @njit(**KERNEL)
    def steps(X, start, n_steps, bound, data, gradient, activation, state,
              scalars, work, outer, target, grad):  # fmt: skip
        """Steps start..start+n_steps-1 on `target` (X's students, or outer's
        P = [W | a], then loaded into X) in place by its gradient `grad` (work's
        G, or outer's GP); returns the steps done (fewer: the guard refused the
        next)."""
        sign, norms, U, theta, sin_theta, r, G, XT, A, params = work
        P, GP, degree = outer
        count = 1.0  # the population gradient is the sum over one "sample"
        for offset in range(n_steps):
            if nesterov:
                rules.nesterov_lookahead(target, state, scalars)
            if trained:
                output.load(P, X, sign)
            if sampled:
                count = minibatch(X, G, start + offset, offset, data, activation,
                                  params[0], sign)  # fmt: skip
            else:
                gradient(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params)
            if trained:
                output.chain(X, G, P, GP, degree)
            if gd:
                taken = rules.gd_update(target, grad, count, state, scalars, bound)
            elif momentum:
                taken = rules.momentum_update(target, grad, count, state, scalars,
                                              bound)  # fmt: skip
            elif nesterov:
                taken = rules.nesterov_update(target, grad, count, state, scalars,
                                              bound)  # fmt: skip
            else:
                taken = rules.adam_update(target, grad, count, state, scalars, bound)
            if not taken:
                n_steps = offset
                break
        if trained:  # X and the signs hold the state reached, for its record
            output.load(P, X, sign)
        return n_steps

    return steps


STEPS = types.int64(
    C2, types.int64, types.int64, types.float64, DATA, types.FunctionType(GRADIENT),
    types.FunctionType(ACTIVATION), C3, C1, types.Tuple(WORK), output.OUTER, C2, C2,
)  # fmt: skip


def run(X, start, n_steps, bound, data, model, rule, state, scalars, work,
        outer=None) -> int:  # fmt: skip
    """The loop of `rule` with `model`'s kernels (a neuronlab.models.registry.Model),
    compiled for their types: one overload of each variant serves every model.
    outer : neuronlab.models.output's (P, GP, p) (None: output fixed at 1)."""
    gradient = first_class(model.gradient, GRADIENT)
    activation = first_class(model.activation, ACTIVATION)
    outer = output.fixed_output() if outer is None else outer
    sampled, trained = data[0].shape[0] > 0, outer[0].shape[0] > 0
    target, grad = (outer[0], outer[1]) if trained else (X, work[6])
    loop = typed(steps_for(rule, sampled, trained), STEPS)
    return loop(X, start, n_steps, bound, data, gradient, activation,
                state, scalars, work, outer, target, grad)  # fmt: skip


def compile_loop(rule: int, sampled: bool, trained: bool) -> None:
    """Compile (or load) one variant of the loop by its type alone: no model
    kernel is compiled and nothing runs (neuronlab.runs.warmup.compile_loops)."""
    typed(steps_for(rule, sampled, trained), STEPS)


def run_gd(model, X, eta, n_steps, bound, work) -> int:
    """Population GD steps (the paper's) through the loop: for benchmarks."""
    state, scalars = np.empty((0, *work[6].shape)), np.array([float(eta)])
    data = no_samples(X.shape[1])
    return run(X, 0, n_steps, bound, data, model, rules.GD, state, scalars, work)

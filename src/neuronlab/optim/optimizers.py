"""How a discrete step uses the gradient: the optimiser registry (beyond-notes §4).

`method` says what the gradient is (population, finite samples); `optimizer` how
a step uses it. Each entry creates the optimiser's state from W0, runs steps in
a compiled loop (neuronlab.optim.steps), reports its own diagnostics at each
record and says how a run of it diverges. A new optimiser is one entry here.

- gd: W+ = W - eta grad L(W) (the paper's; the engine's original loops);
- momentum (heavy ball): W+ = W - eta grad L(W) + beta (W - W_prev);
- nesterov: Y = W + beta (W - W_prev), W+ = Y - eta grad L(Y);
- adam (Kingma & Ba 2015, bias-corrected): per coordinate, hence not rotation-
  equivariant: its result depends on the coordinate system, and it runs in R^d;
- gauss_newton: W+ = W - eta (G + lambda I)^-1 grad L(W), G the Gauss-Newton
  matrix, lambda = mu lam sqrt(L) | mu lam L | mu lam (`damping`), with
  Levenberg-Marquardt's safeguard on mu (neuronlab.optim.steps).
Both momentum methods stay in the reduced span (linear in the gradients).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from neuronlab.dynamics import loop
from neuronlab.dynamics.samples import run_sgd
from neuronlab.models import kernels
from neuronlab.models.kernels import GAUSS_NEWTON
from neuronlab.models.registry import MODELS
from neuronlab.optim import steps

DAMPING_CODES = {"sqrt_loss": 0, "loss": 1, "fixed": 2}


@dataclass(frozen=True)
class Optimizer:
    """arrays(W) : the state, fresh arrays for students W (n, k).  run(config,
    X, source, start, arrays, count, bound, work) -> steps done.
    diagnostics(config, X, source, start, arrays, work) -> {column: value}
    at a record.  hint(config) : why a diverging run of it diverged."""

    arrays: Callable
    run: Callable
    hint: Callable
    diagnostics: Callable = lambda *args: {}


def _gd(config, X, source, start, arrays, count, bound, work) -> int:
    samples, perm, batch, seed = source
    model = MODELS[config.activation]
    if samples.shape[0] == 0:
        return loop.run_gd(model, X, config.eta, count, bound, work)
    n = work[6].shape[0]
    W, V = np.ascontiguousarray(X[:n]), np.ascontiguousarray(X[n:])
    done = run_sgd(model, W, V, samples, config.eta, start, count, batch, seed,
                   bound, perm, work[6], config.alpha)  # fmt: skip
    X[:n] = W
    return done


def _kernels(config) -> tuple:
    """The model's gradient and per-sample activation, compiled for the loops'
    typed arguments (one cached overload of each loop serves every model)."""
    model = MODELS[config.activation]
    kernels.typed_kernel(model.gradient, kernels.GRADIENT)
    kernels.typed_kernel(model.activation, kernels.ACTIVATION)
    return model.gradient, model.activation


def _scratch(X, work) -> tuple[np.ndarray, np.ndarray]:
    """The loops' work space, allocated here: they run without numba's runtime
    (no allocation, no reference counts), as neuronlab.models.kernels' GD loop does."""
    n, k = work[6].shape
    return np.empty((3, n, k)), np.empty(X.shape[0])


def _momentum(config, X, source, start, arrays, count, bound, work) -> int:
    nesterov = config.optimizer == "nesterov"
    loop = kernels.typed(
        steps.nesterov_steps if nesterov else steps.momentum_steps,
        steps.MOMENTUM_STEPS,
    )
    scratch, pre = _scratch(X, work)
    return loop(X, source, start, arrays[0], scratch, config.eta, config.beta, count,
                bound, *_kernels(config), pre, work)  # fmt: skip


def _adam(config, X, source, start, arrays, count, bound, work) -> int:
    loop = kernels.typed(steps.adam_steps, steps.ADAM_STEPS)
    scratch, pre = _scratch(X, work)
    return loop(X, source, start, arrays[0], arrays[1], scratch, config.eta,
                config.beta, config.beta2, config.eps, count, bound,
                *_kernels(config), pre, work)  # fmt: skip


def _matrix(config):
    model = MODELS[config.activation]
    return kernels.typed_kernel(model.gauss_newton, GAUSS_NEWTON)


def _gauss_newton(config, X, source, start, arrays, count, bound, work) -> int:
    loop = kernels.typed(steps.gauss_newton_steps, steps.GAUSS_NEWTON_STEPS)
    gradient, activation = _kernels(config)
    loss = kernels.typed_kernel(MODELS[config.activation].loss, kernels.LOSS)
    code = DAMPING_CODES[config.damping]
    return loop(X, source, start, arrays[0], config.eta, code, config.lam, count,
                bound, gradient, loss, activation, _matrix(config), work)  # fmt: skip


def _adam_diagnostics(config, X, source, start, arrays, work) -> dict:
    """The mean over coordinates of the last step's size eta |m^|/(sqrt(v^) + eps)."""
    if start == 0:
        return {"adam_mean_step": float("nan")}
    (first, second), (power1, power2) = arrays
    hat1 = first / (1 - power1)
    hat2 = second / (1 - power2)
    step = config.eta * np.abs(hat1) / (np.sqrt(hat2) + config.eps)
    return {"adam_mean_step": float(step.mean())}


def _gauss_newton_diagnostics(config, X, source, start, arrays, work) -> dict:
    """lambda of the last accepted step and the condition number of G + lambda I
    at the record (on the population, or on all samples)."""
    samples, _, _, _ = source
    mu = arrays[0]
    n, k = work[6].shape
    matrix = np.empty((n * k, n * k))
    every = (samples, np.arange(samples.shape[0]), 1, 0)
    activation = _kernels(config)[1]
    at = kernels.typed(steps.gauss_newton_at, steps.GAUSS_NEWTON_AT)
    at(X, every, 0, samples.shape[0], _matrix(config), activation, work, matrix)
    system = matrix + mu[1] * np.eye(n * k)
    return {
        "gn_lambda": float(mu[1]),
        "gn_mu": float(mu[0]),
        "gn_condition": float(np.linalg.cond(system)) if mu[1] > 0 else float("inf"),
    }


def _copy_of_W(W: np.ndarray) -> tuple[np.ndarray, ...]:
    return (np.array(W, dtype=np.float64, order="C"),)


def _step_hint(config, factor: float, name: str = "") -> str:
    """The stable range of a momentum-like method on the curvature n/2 of the
    all-equal direction (DESIGN §3.5), which is where these runs diverge."""
    return (
        f"{name or config.optimizer} on this loss is stable only for eta below "
        f"about {name and '4/n = '}{factor / config.n:.3g}; this run used "
        f"eta = {config.eta:g}"
    )


OPTIMIZERS = {
    "gd": Optimizer(lambda W: (), _gd, lambda c: _step_hint(c, 4.0, "GD")),
    # Heavy ball on curvature n/2 is stable below eta = 2 (1 + beta) / (n/2).
    "momentum": Optimizer(
        _copy_of_W, _momentum, lambda c: _step_hint(c, 4.0 * (1 + c.beta))
    ),
    # Nesterov on curvature h is stable below eta = (2 + 2 beta) / ((1 + 2 beta) h).
    "nesterov": Optimizer(
        _copy_of_W,
        _momentum,
        lambda c: _step_hint(c, 4.0 * (1 + c.beta) / (1 + 2 * c.beta)),
    ),
    "adam": Optimizer(
        lambda W: (np.zeros((2, *W.shape)), np.ones(2)),
        _adam,
        lambda c: (
            f"adam moves each coordinate by about eta = {c.eta:g} per step; a "
            "smaller eta settles it"
        ),
        _adam_diagnostics,
    ),
    "gauss_newton": Optimizer(
        lambda W: (np.array([1.0, 0.0]),),
        _gauss_newton,
        lambda c: "gauss_newton refuses every step that would raise the loss",
        _gauss_newton_diagnostics,
    ),
}


def population_source(k: int) -> tuple:
    """The source of population gradients: no samples."""
    return (np.zeros((0, k)), np.zeros(0, dtype=np.int64), 1, 0)

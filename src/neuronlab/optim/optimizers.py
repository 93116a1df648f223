"""How a discrete step uses the gradient: the optimiser registry (beyond-notes §4).

`method` says what the gradient is (population, finite samples); `optimizer` how
a step uses it. Each entry creates the optimiser's state from W0, runs steps in
the one compiled loop (neuronlab.dynamics.loop) with its update rule
(neuronlab.optim.steps), reports its own diagnostics at each
record and says how a run of it diverges. A new optimiser is one entry here.

- gd: W+ = W - eta grad L(W) (the paper's; the engine's original loops);
- momentum (heavy ball): W+ = W - eta grad L(W) + beta (W - W_prev);
- nesterov: Y = W + beta (W - W_prev), W+ = Y - eta grad L(Y);
- adam (Kingma & Ba 2015, bias-corrected): per coordinate, hence not rotation-
  equivariant: its result depends on the coordinate system, and it runs in R^d;
- gauss_newton: W+ = W - eta (G + lambda I)^-1 grad L(W), G the Gauss-Newton
  matrix, lambda = mu lam sqrt(L) | mu lam L | mu lam (`damping`), with
  Levenberg-Marquardt's safeguard on mu (neuronlab.optim.gauss_newton).
Both momentum methods stay in the reduced span (linear in the gradients).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from neuronlab.dynamics import loop
from neuronlab.models import kernels
from neuronlab.models.kernels import GAUSS_NEWTON
from neuronlab.models.registry import MODELS
from neuronlab.optim import gauss_newton, steps

DAMPING_CODES = {"sqrt_loss": 0, "loss": 1, "fixed": 2}


@dataclass(frozen=True)
class Optimizer:
    """arrays(config, W) : its state, fresh (state (s, n, k), scalars) for
    students W (n, k).  rule : its update in the one loop (a code of
    neuronlab.optim.steps).  hint(config) : why a diverging run of it
    diverged.  diagnostics(config, X, data, start, arrays,
    work) -> {column: value} at a record.  run : its own loop instead of the
    one (Gauss-Newton), run(config, X, data, start, arrays, count, bound, work)."""

    arrays: Callable
    hint: Callable
    rule: int = steps.GD
    diagnostics: Callable = lambda *args: {}
    run: Callable | None = None

    def take_steps(self, config, X, data, start, arrays, count, bound, work,
                   outer=None) -> int:  # fmt: skip
        """Up to `count` steps from step `start` on X's students in place: the
        steps done (fewer: the guard refused the next). outer : a trained
        output layer's (P, GP, p) (neuronlab.models.output), None: fixed."""
        if self.run is not None:
            return self.run(config, X, data, start, arrays, count, bound, work)
        state, scalars = arrays
        return loop.run(X, start, count, bound, data, MODELS[config.activation],
                        self.rule, state, scalars, work, outer)  # fmt: skip


def _arrays(size: int, *scalars: float, previous: bool = False) -> Callable:
    """Fresh state of `size` (n, k) slots (the first W0 where `previous`)."""

    def fresh(config, W):
        state = np.zeros((size, *W.shape))
        if previous:
            state[0] = W
        values = [getattr(config, s) if isinstance(s, str) else s for s in scalars]
        return state, np.array(values, dtype=np.float64)

    return fresh


def _gauss_newton(config, X, data, start, arrays, count, bound, work) -> int:
    model = MODELS[config.activation]
    run = kernels.typed(
        gauss_newton.gauss_newton_steps, gauss_newton.GAUSS_NEWTON_STEPS
    )
    code = DAMPING_CODES[config.damping]
    return run(X, data, start, arrays[0], config.eta, code, config.lam, count, bound,
               kernels.first_class(model.gradient, kernels.GRADIENT),
               kernels.first_class(model.loss, kernels.LOSS),
               kernels.first_class(model.activation, kernels.ACTIVATION),
               kernels.first_class(model.gauss_newton, GAUSS_NEWTON), work)  # fmt: skip


def _adam_diagnostics(config, X, data, start, arrays, work) -> dict:
    """The mean over coordinates of the last step's size eta |m^|/(sqrt(v^) + eps)."""
    if start == 0:
        return {"adam_mean_step": float("nan")}
    state, scalars = arrays
    power1, power2 = scalars[steps.ADAM_POWERS : steps.ADAM_POWERS + 2]
    hat1 = state[0] / (1 - power1)
    hat2 = state[1] / (1 - power2)
    step = config.eta * np.abs(hat1) / (np.sqrt(hat2) + config.eps)
    return {"adam_mean_step": float(step.mean())}


def _gauss_newton_diagnostics(config, X, data, start, arrays, work) -> dict:
    """lambda of the last accepted step and the condition number of G + lambda I
    at the record (on the population, or on all samples)."""
    samples, _, pre, _, _ = data
    mu = arrays[0]
    n, k = work[6].shape
    matrix = np.empty((n * k, n * k))
    every = (samples, np.arange(samples.shape[0]), pre, 1, 0)
    model = MODELS[config.activation]
    at = kernels.typed(gauss_newton.gauss_newton_at, gauss_newton.GAUSS_NEWTON_AT)
    at(X, every, 0, samples.shape[0], kernels.first_class(model.gauss_newton, GAUSS_NEWTON),
       kernels.first_class(model.activation, kernels.ACTIVATION), work, matrix)  # fmt: skip
    system = matrix + mu[1] * np.eye(n * k)
    return {
        "gn_lambda": float(mu[1]),
        "gn_mu": float(mu[0]),
        "gn_condition": float(np.linalg.cond(system)) if mu[1] > 0 else float("inf"),
    }


def _step_hint(config, factor: float, name: str = "") -> str:
    """The stable range of a momentum-like method on the curvature n/2 of the
    all-equal direction (DESIGN §3.5), which is where these runs diverge."""
    return (
        f"{name or config.optimizer} on this loss is stable only for eta below "
        f"about {name and '4/n = '}{factor / config.n:.3g}; this run used "
        f"eta = {config.eta:g}"
    )


OPTIMIZERS = {
    "gd": Optimizer(_arrays(0, "eta"), lambda c: _step_hint(c, 4.0, "GD")),
    # Heavy ball on curvature n/2 is stable below eta = 2 (1 + beta) / (n/2).
    "momentum": Optimizer(
        _arrays(2, "eta", "beta", previous=True),
        lambda c: _step_hint(c, 4.0 * (1 + c.beta)),
        steps.MOMENTUM,
    ),
    # Nesterov on curvature h is stable below eta = (2 + 2 beta) / ((1 + 2 beta) h).
    "nesterov": Optimizer(
        _arrays(3, "eta", "beta", previous=True),
        lambda c: _step_hint(c, 4.0 * (1 + c.beta) / (1 + 2 * c.beta)),
        steps.NESTEROV,
    ),
    "adam": Optimizer(
        _arrays(5, "eta", "beta", "beta2", "eps", 1.0, 1.0),
        lambda c: (
            f"adam moves each coordinate by about eta = {c.eta:g} per step; a "
            "smaller eta settles it"
        ),
        steps.ADAM,
        diagnostics=_adam_diagnostics,
    ),
    "gauss_newton": Optimizer(
        lambda config, W: (np.array([1.0, 0.0]),),
        lambda c: "gauss_newton refuses every step that would raise the loss",
        diagnostics=_gauss_newton_diagnostics,
        run=_gauss_newton,
    ),
}

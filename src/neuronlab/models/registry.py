"""The activation registry: one model per RunConfig.activation (beyond-notes §2).

Every model is one pair sum over the rows of X = [W; V] (n students sign +1,
then m teachers sign -1) with the same compiled signatures, so a step loop takes
its kernels as first-class function arguments (neuronlab.models.kernels.typed):

    loss(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params) -> float
    gradient(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params) -> None
        (writes dL/dw_i into G (n, k))
    activation(z, alpha) -> (sigma(z), sigma'(z))      (per sample: SGD)

X : (n + m, k) float64 C-contiguous; the other arguments are
neuronlab.models.kernels.Workspace(n, k, m, alpha).arrays(), in that order: sign (n+m,),
norms (n+m,), U (n+m, k), theta (n+m, n+m), sin_theta (n+m, n+m), r (2, k),
G (n, k), XT (k, n+m), A (2, k, k), params (1,) = [alpha]. Their numba
types are neuronlab.models.kernels.LOSS, GRADIENT, ACTIVATION; a loop that takes a kernel
declares types.FunctionType(GRADIENT) (see neuronlab.dynamics.loop.GD_STEPS and run_gd).
hessian(W, V, alpha) -> (n k, n k) is plain NumPy (flow's Jacobian);
gauss_newton(X, *work, out) writes the Gauss-Newton matrix (each model's module).
`zero_row` states each model's convention at w_i = 0.
"""

from collections.abc import Callable
from dataclasses import dataclass

from neuronlab.models import erf, kernels, leaky, quadratic, relu


@dataclass(frozen=True)
class Model:
    """An activation's kernels (signatures above) and its w_i = 0 convention."""

    name: str
    loss: Callable
    gradient: Callable
    activation: Callable
    hessian: Callable
    zero_row: str
    gauss_newton: (
        Callable  # matrix(X, *work, out): neuronlab.models.kernels.GAUSS_NEWTON
    )
    # p of s(c z) = c^p s(z) for c > 0 (0: none): what a trained output layer
    # and a split student need (neuronlab.models.output).
    degree: int = 0


MODELS: dict[str, Model] = {
    "relu": Model(
        "relu",
        relu.loss,
        relu.gradient,
        relu.activation,
        relu.relu_hessian,
        "subgradient with 1{0 >= 0} = 1: grad_i = 1/2 (sum_{j!=i} w_j - sum_j v_j)",
        relu.relu_matrix,
        degree=1,
    ),
    "leaky_relu": Model(
        "leaky_relu",
        leaky.loss,
        leaky.gradient,
        leaky.activation,
        leaky.leaky_hessian,
        "s'(0) = 1 (right derivative): grad_i = 1/2 (1 + alpha) r",
        relu.relu_matrix,
        degree=1,
    ),
    "erf": Model(
        "erf",
        erf.loss,
        erf.gradient,
        erf.activation,
        erf.erf_hessian,
        "smooth: the closed form holds at 0 (grad_i = (4/pi) sum_q s_q x_q / "
        "sqrt(1 + 2|x_q|^2))",
        erf.erf_matrix,
    ),
    "quadratic": Model(
        "quadratic",
        quadratic.loss,
        quadratic.gradient,
        quadratic.activation,
        quadratic.quadratic_hessian,
        "smooth and stationary: grad_i = 0, a zero student stays at zero",
        quadratic.quadratic_matrix,
        degree=2,
    ),
}


def model_of(config) -> Model:
    """The model of a RunConfig (its activation)."""
    return MODELS[config.activation]


def workspace(config, n: int, k: int):
    """Workspace arrays for a run of `config` on n students in k coordinates."""
    model = model_of(config)
    return kernels.work_for(model, n, k, config.teachers, config.alpha)

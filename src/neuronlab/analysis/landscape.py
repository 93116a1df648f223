"""Critical points of the population loss, polished and classified (landscape issue).

`critical_point` takes any W near a critical point (the end of a run, a stuck
seed, a split point) to one to rounding level: Newton's method on grad L = 0 with
the exact gradient and Hessian (neuronlab.models.registry), in the reduced span
S = span{v_j, w_i} where both live (DESIGN §3.3); where Newton stalls, a SciPy
trust-region (Levenberg-Marquardt) stage on the same residual first. A
least-squares Newton step (lstsq: the minimum-norm step) tolerates the flat
directions that symmetries make and does not slide along them. Newton on the
gradient finds saddles as well as minima; the spectrum (all n*d eigenvalues,
neuronlab.analysis.complement) then says which it is.

At a global minimum of the paper's problem, w_i = lambda_i v with lambda_i >= 0
and sum lambda_i = 1, every angle is 0, so eq. (51) gives Lambda_ij = 1/2 I for
all i, j: the Hessian is 1/2 (1 1^T) (x) I_d, with d eigenvalues n/2 (the
direction sum w_i) and (n - 1) d zeros (mass moved between students; students
turned apart, which phi(theta) ~ theta^3/3 does not see at second order).
"""

import dataclasses
from dataclasses import dataclass

import numpy as np

from neuronlab.analysis import trained_point
from neuronlab.analysis.complement import full_spectrum, span
from neuronlab.blas import one_blas_thread
from neuronlab.models.kernels import teacher_rows
from neuronlab.models.output import trained_gradient, trained_loss
from neuronlab.models.population import (
    population_gradient,
    population_hessian,
    population_loss,
)

ZERO = 1e-7  # |lambda| <= ZERO * max(1, max |lambda|) counts as a zero eigenvalue
CRITICAL = 1e-8  # grad norm above CRITICAL * max(1, |v|^2): not a critical point
GLOBAL = 1e-12  # loss <= GLOBAL * L(0) counts as the global minimum L = 0
RCOND = 1e-8  # lstsq cut (relative): directions this flat are not inverted
HOMOGENEITY = {"relu": 1, "leaky_relu": 1, "quadratic": 2}  # sigma(cz) = c^p sigma(z)


@dataclass(frozen=True)
class CriticalPoint:
    """A polished point and its Hessian.

    W : (n, d) students; v : (d,) or (m, d) teachers.  loss, grad_norm (Frobenius
    norm of the (n, d) gradient).  eigenvalues : (n d,) ascending.  index : count
    below -tolerance; nullity : count within +-tolerance (tolerance = ZERO *
    max(1, max |lambda|)).  kind : "global minimum" (index 0, loss <= GLOBAL *
    L(0)), "local minimum" (index 0, nullity 0), "saddle" (index > 0),
    "degenerate" (index 0 and zero modes: the second-order test cannot decide),
    or "not critical" (grad_norm above CRITICAL: Newton did not converge here).
    iterations : Newton steps taken.  moved : |W - start| (Frobenius): small
    for a polish, large where the trust region had to look further.
    a : (n,) trained output weights (then eigenvalues has n d + n entries and
    grad_norm covers (W, a): neuronlab.analysis.trained_point), else None."""

    W: np.ndarray
    v: np.ndarray
    activation: str
    alpha: float
    loss: float
    grad_norm: float
    eigenvalues: np.ndarray
    index: int
    nullity: int
    tolerance: float
    kind: str
    iterations: int
    moved: float = 0.0
    a: np.ndarray | None = None

    @property
    def smallest(self) -> float:
        return float(self.eigenvalues[0])


def _problem(v, activation, alpha):
    def gradient(W):
        return population_gradient(W, v, activation, alpha)

    def hessian(W):
        return population_hessian(W, v, activation, alpha)

    return gradient, hessian


def _trust_region(W, gradient, hessian):
    """Levenberg-Marquardt on the residual grad L (W flattened), exact Jacobian."""
    # Imported here: scipy.optimize takes ~0.4 s to import, paid by every page of
    # a fresh server if at the top (the package imports this module).
    import scipy.optimize

    shape = W.shape
    result = scipy.optimize.least_squares(
        lambda x: gradient(x.reshape(shape)).ravel(),
        W.ravel(),
        jac=lambda x: hessian(x.reshape(shape)),
        method="lm",
        xtol=1e-15,
        ftol=1e-15,
        gtol=1e-15,
        max_nfev=200,
    )
    return result.x.reshape(shape)


def _newton(W, gradient, hessian, iterations: int):
    """Least-squares Newton steps on grad L = 0, each halved until |grad| falls;
    stops when no step lowers it (rounding level) or after `iterations`."""
    g = gradient(W)
    for taken in range(iterations):
        step = np.linalg.lstsq(hessian(W), -g.ravel(), rcond=RCOND)[0]
        t = 1.0
        while t > 1e-6:
            trial = W + t * step.reshape(W.shape)
            g_trial = gradient(trial)
            if np.linalg.norm(g_trial) < np.linalg.norm(g):
                W, g = trial, g_trial
                break
            t /= 2
        else:
            return W, taken
    return W, iterations


def _checked(W, v, activation, alpha) -> tuple[np.ndarray, np.ndarray]:
    W = np.array(W, dtype=np.float64)
    v = np.array(v, dtype=np.float64)
    population_loss(W, v, activation, alpha)  # validates shapes and names
    if activation in ("relu", "leaky_relu") and not np.all(np.any(W, axis=1)):
        raise ValueError("the Hessian is undefined where a student is zero")
    return W, v


def critical_point(
    W, v, *, activation="relu", alpha=0.0, a=None, iterations=100
) -> CriticalPoint:
    """Polish W (n, d) to a critical point of L for teachers v (d,) or (m, d)
    and classify it (module docstring). `a` (n,) > 0: trained output weights,
    polished with W (the student sum_i a_i s(w_i.x); a homogeneous activation)."""
    if a is not None:
        return _trained(W, v, a, activation, alpha, iterations)
    W, v = _checked(W, v, activation, alpha)
    reduced = span(W, v)
    gradient, hessian = _problem(reduced.v, activation, alpha)
    polished, taken = _polish(reduced.W, gradient, hessian, iterations, v)
    cp = classify(polished @ reduced.basis.T, v, activation, alpha, taken)
    return dataclasses.replace(cp, moved=float(np.linalg.norm(cp.W - W)))


def _polish(start, gradient, hessian, iterations, v):
    with one_blas_thread():
        polished, taken = _newton(start, gradient, hessian, iterations)
        if np.linalg.norm(gradient(polished)) > CRITICAL * _scale(v):
            # Far from a critical point plain Newton stalls; the trust region
            # gets near one (it may slide along flat valleys, so it comes second).
            start = _trust_region(start, gradient, hessian)
            polished, taken = _newton(start, gradient, hessian, iterations)
    return polished, taken


def _trained(W, v, a, activation, alpha, iterations) -> CriticalPoint:
    """critical_point in (W, a): Newton on x = [W in the span, a]."""
    W, v, a = trained_point.checked(W, v, a, activation)
    reduced = span(W, v)
    (n, k), V = reduced.W.shape, teacher_rows(reduced.v)
    gradient, hessian = trained_point.problem(V, n, k, activation, alpha)
    start = np.r_[reduced.W.ravel(), a]
    x, taken = _polish(start, gradient, hessian, iterations, v)
    polished, a_polished = x[: n * k].reshape(n, k) @ reduced.basis.T, x[n * k :]
    cp = classify(polished, v, activation, alpha, taken, a=a_polished)
    moved = float(np.linalg.norm(np.r_[(cp.W - W).ravel(), a_polished - a]))
    return dataclasses.replace(cp, moved=moved)


def _scale(v) -> float:
    return max(1.0, float((v * v).sum()))


def classify(W, v, activation="relu", alpha=0.0, iterations=0, a=None) -> CriticalPoint:
    """The CriticalPoint at W (n, d) (and output weights a (n,)) as given,
    without polishing."""
    if a is None:
        W, v = _checked(W, v, activation, alpha)
        loss = population_loss(W, v, activation, alpha)
        gradient = population_gradient(W, v, activation, alpha)
        values = full_spectrum(W, v, activation, alpha).values
    else:
        W, v, a = trained_point.checked(W, v, a, activation)
        loss = trained_loss(W, a, v, activation, alpha)
        gradient = np.r_[*(g.ravel() for g in trained_gradient(W, a, v, activation,
                                                                alpha))]  # fmt: skip
        values = trained_point.spectrum(W, a, v, activation, alpha)
    grad_norm = float(np.linalg.norm(gradient))
    tolerance = ZERO * max(1.0, float(np.abs(values).max()))
    index = int((values < -tolerance).sum())
    nullity = int((np.abs(values) <= tolerance).sum())
    if grad_norm > CRITICAL * _scale(v):
        kind = "not critical"
    elif index > 0:
        kind = "saddle"
    elif loss <= GLOBAL * population_loss(np.zeros_like(W), v, activation, alpha):
        kind = "global minimum"
    else:
        kind = "local minimum" if nullity == 0 else "degenerate"
    return CriticalPoint(
        W, v, activation, alpha, loss, grad_norm, values, index, nullity,
        tolerance, kind, iterations, a=a,
    )  # fmt: skip


def split_point(point, i: int, v=None, fraction: float = 0.5, **model) -> CriticalPoint:
    """Student i of `point` (a CriticalPoint, or W (n, d) with v and the model's
    activation/alpha) split into two along its direction, fraction and
    1 - fraction of it (p-th roots for sigma(cz) = c^p sigma(z)): the network,
    hence every gradient, is unchanged, so the n + 1 students sit at a critical
    point again; returned classified, not polished."""
    if isinstance(point, CriticalPoint):
        W, v = point.W, point.v
        model = {"activation": point.activation, "alpha": point.alpha}
    else:
        W = np.asarray(point, dtype=np.float64)
    activation = model.get("activation", "relu")
    if activation not in HOMOGENEITY:
        raise ValueError(
            f"activation = {activation!r} is not positively homogeneous: a student "
            f"cannot be split ({', '.join(HOMOGENEITY)} can)"
        )
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction = {fraction!r} must be in (0, 1)")
    p = HOMOGENEITY[activation]
    parts = [fraction ** (1 / p) * W[i], (1 - fraction) ** (1 / p) * W[i]]
    split = np.vstack([W[:i], *parts, W[i + 1 :]])
    return classify(split, v, activation, model.get("alpha", 0.0))


def distinct_minima(points, digits: int = 12) -> list[dict]:
    """Polished points grouped by their loss to `digits` decimals (Safran &
    Shamir's stuck seeds share a few minima): per group its loss, how many,
    the kind(s), the smallest eigenvalue and the largest gradient norm."""
    groups: dict[str, list[CriticalPoint]] = {}
    for point in points:
        groups.setdefault(f"{point.loss:.{digits}f}", []).append(point)
    return [
        {
            "loss": key,
            "count": len(mine),
            "kind": " / ".join(sorted({p.kind for p in mine})),
            "smallest eigenvalue": min(p.smallest for p in mine),
            "largest |grad|": max(p.grad_norm for p in mine),
            "largest move": max(p.moved for p in mine),
        }
        for key, mine in sorted(groups.items())
    ]

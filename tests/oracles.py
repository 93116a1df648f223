"""Independent references for the engine's oracle tests (nothing here imports neuronlab).

- ``loss_mp`` / ``gradient_mp``: paper eq. (23) and eq. (4) in 50-digit mpmath, from the
  exact double inputs, with the plain ``arccos`` angle and plain ``sin θ − θ cos θ``
  (at 50 digits their cancellations still leave > 25 correct digits).
- ``kernel_loss_mp``: the arc-cosine kernel expansion ½ΣΣΥ(wᵢ,wⱼ) − ΣΥ(wᵢ,v) + ½Υ(v,v).
- ``monte_carlo``: sample means of ½R(x)² and R(x)·1{wᵢᵀx ≥ 0}·x, x ~ N(0, I_d),
  with their standard errors; ``model_monte_carlo`` the same for every activation.
- ``second_difference_hessian``: the Hessian of any f by central second differences.
- tests/quadrature.py: every activation's pair kernels as Gaussian integrals.

Convention at wᵢ = 0 (DESIGN §3.4): 1{0 ≥ 0} = 1, so ∇ᵢ = ½(Σ_{j≠i} wⱼ − v).
"""

from dataclasses import dataclass

import mpmath
import numpy as np

DPS = 50


def _vectors(A: np.ndarray) -> list[list[mpmath.mpf]]:
    """Rows of A (n, d) as lists of mpf, exactly (a double converts without rounding)."""
    return [[mpmath.mpf(float(x)) for x in row] for row in np.atleast_2d(A)]


def _dot(a, b):
    return mpmath.fsum(x * y for x, y in zip(a, b, strict=True))


def _norm(a):
    return mpmath.sqrt(_dot(a, a))


def _angle(a, b):
    """θ(a, b) = arccos⟨ā, b̄⟩; clamped because 50-digit rounding can step past ±1."""
    c = _dot(a, b) / (_norm(a) * _norm(b))
    return mpmath.acos(min(mpmath.mpf(1), max(mpmath.mpf(-1), c)))


def _phi(theta):
    return mpmath.sin(theta) - theta * mpmath.cos(theta)


def _residual(w, u):
    """r = Σᵢwᵢ − v, exactly (fsum of exact products at 50 digits)."""
    return [mpmath.fsum(wi[k] for wi in w) - uk for k, uk in enumerate(u)]


def _upsilon(a, b):
    """Υ(a, b) = E[[aᵀx]₊[bᵀx]₊] = ‖a‖‖b‖(sin θ + (π − θ) cos θ)/2π."""
    if _norm(a) == 0 or _norm(b) == 0:
        return mpmath.mpf(0)
    theta = _angle(a, b)
    shape = mpmath.sin(theta) + (mpmath.pi - theta) * mpmath.cos(theta)
    return _norm(a) * _norm(b) * shape / (2 * mpmath.pi)


def loss_mp(W: np.ndarray, v: np.ndarray) -> mpmath.mpf:
    """Paper eq. (23) at 50 digits; W (n, d), v (d,). Zero rows contribute no angle term."""
    with mpmath.workdps(DPS):
        w, (u,) = _vectors(W), _vectors(v)
        r = _residual(w, u)
        pairs = mpmath.fsum(
            _phi(_angle(w[i], w[j])) * _norm(w[i]) * _norm(w[j])
            for i in range(len(w))
            for j in range(i + 1, len(w))
            if _norm(w[i]) > 0 and _norm(w[j]) > 0
        )
        teacher = mpmath.fsum(
            _phi(_angle(wi, u)) * _norm(wi) * _norm(u) for wi in w if _norm(wi) > 0
        )
        return +(_dot(r, r) / 4 + (pairs - teacher) / (2 * mpmath.pi))


def kernel_loss_mp(W: np.ndarray, v: np.ndarray) -> mpmath.mpf:
    """½ΣᵢΣⱼΥ(wᵢ,wⱼ) − ΣᵢΥ(wᵢ,v) + ½Υ(v,v) at 50 digits; W (n, d), v (d,)."""
    with mpmath.workdps(DPS):
        w, (u,) = _vectors(W), _vectors(v)
        students = mpmath.fsum(_upsilon(a, b) for a in w for b in w)
        cross = mpmath.fsum(_upsilon(a, u) for a in w)
        return +(students / 2 - cross + _upsilon(u, u) / 2)


def gradient_mp(W: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Paper eq. (4) at 50 digits, rounded to float64 at the end; (n, d).

    ∇ᵢ = ½(Σⱼwⱼ − v) + (1/2π)[(Σ_{j≠i}‖wⱼ‖ sin θᵢⱼ − ‖v‖ sin θᵢ) w̄ᵢ − Σ_{j≠i} θᵢⱼ wⱼ + θᵢ v];
    a zero row gets ½(Σ_{j≠i}wⱼ − v), and zero wⱼ drop out of the other rows' sums.
    """
    with mpmath.workdps(DPS):
        w, (u,) = _vectors(W), _vectors(v)
        norms = [_norm(wi) for wi in w]
        r = _residual(w, u)
        rows = []
        for i, wi in enumerate(w):
            if norms[i] == 0:
                rows.append([rk / 2 for rk in r])
                continue
            others = [j for j in range(len(w)) if j != i and norms[j] > 0]
            angles = {j: _angle(wi, w[j]) for j in others}
            theta_i = _angle(wi, u)
            radial = mpmath.fsum(norms[j] * mpmath.sin(angles[j]) for j in others)
            radial -= _norm(u) * mpmath.sin(theta_i)
            row = []
            for k in range(len(u)):
                pull = mpmath.fsum(angles[j] * w[j][k] for j in others)
                bracket = radial * wi[k] / norms[i] - pull + theta_i * u[k]
                row.append(r[k] / 2 + bracket / (2 * mpmath.pi))
            rows.append(row)
        return np.array([[float(x) for x in row] for row in rows])


@dataclass(frozen=True)
class MonteCarlo:
    """Sample means and standard errors.

    loss, loss_se : float
    gradient, gradient_se : (n, d)
    """

    loss: float
    loss_se: float
    gradient: np.ndarray
    gradient_se: np.ndarray


def _mean_and_se(total, total_sq, count):
    mean = total / count
    variance = (total_sq - count * mean**2) / (count - 1)
    return mean, np.sqrt(np.maximum(variance, 0.0) / count)


def monte_carlo(
    W: np.ndarray,
    v: np.ndarray,
    samples: int = 2_000_000,
    seed: int = 0,
    chunk: int = 200_000,
) -> MonteCarlo:
    """Estimate L = E[½R²] and ∇ᵢ = E[R·1{wᵢᵀx ≥ 0}·x], R = Σⱼ[wⱼᵀx]₊ − [vᵀx]₊.

    Samples come in chunks of ``chunk`` rows so memory stays bounded whatever d is.
    """
    return model_monte_carlo(W, v, "relu", 0.0, samples, seed, chunk)


def _activation_np(activation: str, alpha: float):
    from scipy.special import erf

    return {
        "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z >= 0) * 1.0),
        "leaky_relu": (
            lambda z: np.where(z >= 0, z, alpha * z),
            lambda z: np.where(z >= 0, 1.0, alpha),
        ),
        "erf": (erf, lambda z: 2 / np.sqrt(np.pi) * np.exp(-(z**2))),
        "quadratic": (lambda z: z * z, lambda z: 2 * z),
    }[activation]


def model_monte_carlo(
    W, V, activation: str, alpha=0.0, samples=2_000_000, seed=0, chunk=200_000
) -> MonteCarlo:
    """Sample means of 1/2 R^2 and R s'(w_i.x) x, R = sum s(w_i.x) - sum s(v_j.x),
    s'(0) as the engine's convention (1 for relu and leaky)."""
    s, ds = _activation_np(activation, alpha)
    V = np.atleast_2d(V)
    rng = np.random.default_rng(seed)
    n, d = W.shape
    sums = np.zeros(2)
    grad_sum, grad_sq = np.zeros((n, d)), np.zeros((n, d))
    for start in range(0, samples, chunk):
        X = rng.standard_normal((min(chunk, samples - start), d))
        P = X @ W.T
        R = s(P).sum(axis=1) - s(X @ V.T).sum(axis=1)
        half_sq = 0.5 * R**2
        sums += half_sq.sum(), (half_sq**2).sum()
        G = R[:, None] * ds(P)
        grad_sum += G.T @ X
        grad_sq += (G**2).T @ X**2
    loss, loss_se = _mean_and_se(sums[0], sums[1], samples)
    gradient, gradient_se = _mean_and_se(grad_sum, grad_sq, samples)
    return MonteCarlo(float(loss), float(loss_se), gradient, gradient_se)


def second_difference_hessian(f, x0: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Central second differences of f at x0 (no gradient code), symmetric."""
    size = len(x0)
    E = np.eye(size) * h
    H = np.empty((size, size))
    for a in range(size):
        for b in range(a, size):
            H[a, b] = H[b, a] = (
                f(x0 + E[a] + E[b]) - f(x0 + E[a] - E[b])
                - f(x0 - E[a] + E[b]) + f(x0 - E[a] - E[b])
            ) / (4 * h * h)  # fmt: skip
    return H

"""Every activation's loss at 50 digits from the Gaussian integral itself (no neuronlab).

K(a, b) = E[s(a.x) s(b.x)] depends only on the plane of a and b: with e1 = a/|a|
and b = |b|(cos t e1 + sin t e2), a.x = |a| g1 and b.x = |b|(cos t g1 + sin t g2)
for (g1, g2) ~ N(0, I_2). In polar coordinates g = rho (cos phi, sin phi) a
positively homogeneous s of degree h (relu, leaky: 1; quadratic: 2) splits into
(1/2 pi) int rho^(2h+1) e^(-rho^2/2) d rho * int s(|a| cos phi) s(|b| cos(phi - t))
d phi, both by mpmath.quad, the angular one with the kinks (cos = 0) as
breakpoints. erf is not homogeneous: the full 2-D integral at 50 digits takes
3-4 minutes per pair (measured), so its inner integral over g2 uses the Gaussian
identity E[erf(c + s Z)] = erf(c / sqrt(1 + 2 s^2)) and the outer one is a
50-digit mpmath.quad over g1; `erf_kernel_2d_mp` is the full 2-D integral
(slow, at fewer digits) that checks it. None of this uses the engine's closed forms.
"""

import functools

import mpmath
import numpy as np
from oracles import DPS, _dot, _norm, _vectors


def _activation_mp(activation: str, alpha):
    alpha = mpmath.mpf(alpha)
    return {
        "relu": lambda z: z if z > 0 else mpmath.mpf(0),
        "leaky_relu": lambda z: z if z > 0 else alpha * z,
        "quadratic": lambda z: z * z,
        "erf": mpmath.erf,
    }[activation]


_DEGREE = {"relu": 1, "leaky_relu": 1, "quadratic": 2}


def _plane(a, b):
    """(|a|, |b|, t): the pair in its plane, t = angle(a, b) by atan2 of the
    components along and across a (50 digits)."""
    na, nb = _norm(a), _norm(b)
    along = _dot(a, b) / na
    across = _norm([bk - along * ak / na for ak, bk in zip(a, b, strict=True)])
    return na, nb, mpmath.atan2(across, along)


@functools.cache
def _radial_moment(degree, dps=DPS):
    return mpmath.quad(
        lambda rho: rho ** (2 * degree + 1) * mpmath.exp(-(rho**2) / 2),
        [0, mpmath.inf],
    )


def pair_kernel_mp(a, b, activation: str, alpha=0.0):
    """K(a, b) = E[s(a.x) s(b.x)] for rows a, b (lists of mpf), by quadrature."""
    if _norm(a) == 0 or _norm(b) == 0:
        return mpmath.mpf(0)  # s(0) = 0 for every activation here
    s = _activation_mp(activation, alpha)
    na, nb, t = _plane(a, b)
    pi = mpmath.pi
    if activation == "erf":
        c, q = nb * mpmath.cos(t), nb * mpmath.sin(t)
        inner = mpmath.sqrt(1 + 2 * q**2)

        def density(g):
            return mpmath.exp(-(g**2) / 2) * s(na * g) * s(c * g / inner)

        # erf(a g) erf(c g) is even in g: twice the half line.
        return 2 * mpmath.quad(density, [0, mpmath.inf]) / mpmath.sqrt(2 * pi)
    kinks = {mpmath.mpf(0), 2 * pi}
    kinks |= {p % (2 * pi) for p in (pi / 2, 3 * pi / 2, t + pi / 2, t + 3 * pi / 2)}
    angular = mpmath.quad(
        lambda phi: s(na * mpmath.cos(phi)) * s(nb * mpmath.cos(phi - t)),
        sorted(kinks),
        method="gauss-legendre",
    )
    return _radial_moment(_DEGREE[activation], mpmath.mp.dps) * angular / (2 * pi)


def erf_kernel_2d_mp(a: np.ndarray, b: np.ndarray, dps: int = 20):
    """E[erf(a.x) erf(b.x)] as the plain 2-D Gaussian integral over (g1, g2)."""
    with mpmath.workdps(dps):
        (u,), (w,) = _vectors(a), _vectors(b)
        na, nb, t = _plane(u, w)
        c, q = nb * mpmath.cos(t), nb * mpmath.sin(t)

        def density(x, y):
            weight = mpmath.exp(-(x**2 + y**2) / 2)
            return weight * mpmath.erf(na * x) * mpmath.erf(c * x + q * y)

        line = [-mpmath.inf, 0, mpmath.inf]
        return mpmath.quad(density, line, line) / (2 * mpmath.pi)


def _signed_rows(W: np.ndarray, V: np.ndarray):
    rows = _vectors(W) + _vectors(V)
    signs = [1] * len(W) + [-1] * len(np.atleast_2d(V))
    return rows, signs


def model_loss_mp(W: np.ndarray, V: np.ndarray, activation: str, alpha=0.0):
    """L = 1/2 sum_{p,q} s_p s_q K(x_p, x_q) over the rows [W; V], at 50 digits."""
    with mpmath.workdps(DPS):
        rows, signs = _signed_rows(W, V)
        total = mpmath.fsum(
            (1 if p == q else 2)
            * signs[p]
            * signs[q]
            * pair_kernel_mp(rows[p], rows[q], activation, alpha)
            for p in range(len(rows))
            for q in range(p, len(rows))
        )
        return +(total / 2)


def directional_derivative_mp(W, V, direction, activation: str, alpha=0.0):
    """(L(W + h D) - L(W - h D)) / 2h at 50 digits, h = 1e-15 |W|: truncation
    ~h^2 |L'''| ~ 1e-30 and rounding ~1e-50 / h = 1e-35, far below double's
    ulp of any gradient here. Pairs of two teachers are left out: they do not
    change with W, so they cancel exactly in the difference."""
    with mpmath.workdps(DPS):
        h = mpmath.mpf("1e-15") * max(1.0, float(np.abs(W).max()))
        step = _vectors(direction)
        rows, signs = _signed_rows(W, V)
        n = len(W)

        def moved(sign):
            return [
                [x + sign * h * dx for x, dx in zip(rows[i], step[i], strict=True)]
                for i in range(n)
            ] + rows[n:]

        def students_part(X):
            return mpmath.fsum(
                (1 if p == q else 2)
                * signs[p]
                * signs[q]
                * pair_kernel_mp(X[p], X[q], activation, alpha)
                for p in range(n)
                for q in range(p, len(X))
            )

        return +((students_part(moved(1)) - students_part(moved(-1))) / (4 * h))

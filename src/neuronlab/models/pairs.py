"""The geometry of pairs of rows, compiled: norms, half-angle angles, phi, TwoSum.

Every model's kernel (neuronlab.models.registry) is a sum over pairs of rows of X = [W; V]
(students sign +1, teachers -1); these are the stable pieces they share
(DESIGN §3.1, §3.2): in any dimension k, on full weights or reduced coordinates.
"""

import math

import numpy as np
from numba import njit

# phi(theta) = sin - theta cos loses ~1e-16/theta^2 relative to cancellation; the
# series is used below this angle (9 terms: truncation < 1e-20 relative at 0.5).
_PHI_SERIES_BELOW = 0.5
TWO_PI = 2.0 * math.pi
# Reassociation lets LLVM vectorise the sums of squares over coordinates; it is
# never used where the order of additions matters (the TwoSum residual).
REASSOC = {"reassoc", "nsz", "contract"}
# error_model="numpy" everywhere: IEEE division (x/0 = inf at anti-parallel pairs)
# instead of Python exceptions, and no zero checks in the hot loop.
# _nrt=False: the kernels allocate nothing, and without numba's runtime a call
# passes its arrays without atomic reference counts (measured: a ReLU GD step at
# n = 3 spent half its time in NRT_incref/decref around its inner calls).
KERNEL = {"cache": True, "nogil": True, "error_model": "numpy", "_nrt": False}
# arctan(t) = t sum_k (-1)^k t^2k / (2k + 1): 8 terms reach 1e-17 relative below 0.05.
_ATAN_SERIES_BELOW = 0.05
_ATAN_COEFFS = tuple((-1.0) ** k / (2 * k + 1) for k in range(7, -1, -1))
HALF_PI = 0.5 * math.pi
# Series coefficients (-1)^(k+1) 2k/(2k+1)! for k = 9 down to 1 (Horner order).
_PHI_COEFFS = tuple(
    (-1.0) ** (k + 1) * 2.0 * k / math.factorial(2 * k + 1) for k in range(9, 0, -1)
)


@njit(**KERNEL)
def phi(theta):
    """phi(theta) = sin(theta) - theta cos(theta) (eq. 23), without cancellation.

    Below 0.5 the series sum_k (-1)^(k+1) 2k/(2k+1)! theta^(2k+1) (DESIGN §3.1).
    """
    if theta >= _PHI_SERIES_BELOW:
        return math.sin(theta) - theta * math.cos(theta)
    t2 = theta * theta
    total = 0.0
    for coef in _PHI_COEFFS:
        total = total * t2 + coef
    return total * t2 * theta


@njit(**KERNEL)
def _scaled_norm(X, p):
    """|X[p]| computed with scaling: no underflow or overflow in the squares."""
    big = 0.0
    for a in X[p]:
        big = max(big, abs(a))
    if big == 0.0:
        return 0.0
    total = 0.0
    for a in X[p]:
        total += (a / big) * (a / big)
    return big * math.sqrt(total)


@njit(**KERNEL, fastmath=REASSOC)
def _atan_series(t):
    """arctan(t) for |t| < _ATAN_SERIES_BELOW, by its series (Horner)."""
    t2 = t * t
    series = 0.0
    for coef in _ATAN_COEFFS:
        series = series * t2 + coef
    return t * series


@njit(**KERNEL, fastmath=REASSOC)
def angles(X, norms, U, theta, sin_theta):
    """Norms, unit rows and every pairwise angle theta[p, q] with its sine.

    Half-angle form theta = 2 atan(t), t = tan(theta/2) = |a - b| / |a + b| on unit
    vectors (DESIGN §3.2): accurate at every angle, where arccos and the
    Gram-determinant form lose half the digits near 0 and pi; sin = 2t / (1 + t^2).
    Zero rows get angle 0 (their terms vanish anyway). The diagonal is never
    written: it stays 0, so sums over all rows need no `q != p` test.
    """
    rows, k = X.shape
    for p in range(rows):
        total = 0.0
        for m in range(k):
            total += X[p, m] * X[p, m]
        # Squares under- or overflow outside this range: rescale (rare, slow path).
        norms[p] = math.sqrt(total) if 1e-290 < total < 1e290 else _scaled_norm(X, p)
        inv = 1.0 / norms[p] if norms[p] > 0.0 else 0.0
        for m in range(k):
            U[p, m] = X[p, m] * inv
    # Two passes: the sums over coordinates vectorise; then each pair's angle,
    # scalar (a call of atan in a branch), by the arctan series where long runs
    # spend their time (the slow phase's small angles) and near pi/2.
    for p in range(rows):
        for q in range(p + 1, rows):
            dm = 0.0
            dp = 0.0
            for m in range(k):
                a = U[p, m]
                b = U[q, m]
                dm += (a - b) * (a - b)
                dp += (a + b) * (a + b)
            theta[p, q] = dm
            theta[q, p] = dp
    for p in range(rows):
        for q in range(p + 1, rows):
            t = math.sqrt(theta[p, q] / theta[q, p])
            theta[p, q] = 2.0 * _atan_series(t)
            sin_theta[p, q] = 2.0 * t / (1.0 + t * t)
            if not t < _ATAN_SERIES_BELOW:  # large angles, and t = inf at theta = pi
                # Near pi/2 (t near 1: several teachers' students meet the other
                # teachers there) arctan t = pi/4 + arctan u, u = (t - 1)/(t + 1),
                # by the series too: t - 1 is exact there, so as accurate as atan
                # and cheaper (m = 5 at n = 10: 2.0 -> 1.5 us for the angles).
                u = (t - 1.0) / (t + 1.0)  # NaN at t = inf: atan below
                if abs(u) < _ATAN_SERIES_BELOW:
                    theta[p, q] = HALF_PI + 2.0 * _atan_series(u)
                else:  # t^2 overflows near pi: the sine's other form
                    theta[p, q] = 2.0 * math.atan(t)
                    sin_theta[p, q] = 2.0 / (t + 1.0 / t)
            if norms[p] == 0.0 or norms[q] == 0.0:
                theta[p, q] = sin_theta[p, q] = 0.0
            theta[q, p] = theta[p, q]
            sin_theta[q, p] = sin_theta[p, q]


@njit(**KERNEL)
def residual(X, sign, r):
    """r = sum_p sign_p x_p = sum_i w_i - sum_j v_j, summed error-free (TwoSum, one chain per coordinate) so
    that r keeps its digits near the optimum, where sum_i w_i and v agree to 1e-14
    and beyond. No fastmath here: TwoSum relies on IEEE rounding order.
    r : (2, k) scratch; r[0] gets the result, r[1] holds the rounding errors."""
    rows, k = X.shape
    r[:] = 0.0
    for p in range(rows):
        for m in range(k):
            x = sign[p] * X[p, m]
            s = r[0, m]
            t = s + x
            bp = t - s
            r[1, m] += (s - (t - bp)) + (x - bp)
            r[0, m] = t
    for m in range(k):
        r[0, m] += r[1, m]


def pair_angles(rows: np.ndarray):
    """(norms (p,), unit rows (p, k), angles (p, p), their sines (p, p)) of the
    rows of (p, k), by the half-angle form of `angles`; zero rows get angle 0."""
    X = np.ascontiguousarray(rows, dtype=np.float64)
    m, k = X.shape
    norms, U = np.zeros(m), np.zeros((m, k))
    theta, sin_theta = np.zeros((m, m)), np.zeros((m, m))
    angles(X, norms, U, theta, sin_theta)
    return norms, U, theta, sin_theta

"""Compiled closed forms: the population loss (eq. 23), its gradient (eq. 4), GD steps.

Every kernel works in any dimension k: on full weights (n, d) or on the reduced
coordinates (n, k) of `core.reduction`. Arrays are float64 and C-contiguous; the
fixed signatures mean each kernel compiles once (or loads from the on-disk cache).
"""

import math

import numpy as np
from numba import njit

# phi(theta) = sin - theta cos loses ~1e-16/theta^2 relative to cancellation; the
# series is used below this angle (9 terms: truncation < 1e-20 relative at 0.5).
_PHI_SERIES_BELOW = 0.5
_TWO_PI = 2.0 * math.pi
# Reassociation lets LLVM vectorise the sums of squares over coordinates; it is
# never used where the order of additions matters (the TwoSum residual).
_REASSOC = {"reassoc", "nsz", "contract"}
# error_model="numpy" everywhere: IEEE division (x/0 = inf at anti-parallel pairs)
# instead of Python exceptions, and no zero checks in the hot loop.
# arctan(t) = t sum_k (-1)^k t^2k / (2k + 1): 8 terms reach 1e-17 relative below 0.05.
_ATAN_SERIES_BELOW = 0.05
_ATAN_COEFFS = tuple((-1.0) ** k / (2 * k + 1) for k in range(7, -1, -1))
# Series coefficients (-1)^(k+1) 2k/(2k+1)! for k = 9 down to 1 (Horner order).
_PHI_COEFFS = tuple(
    (-1.0) ** (k + 1) * 2.0 * k / math.factorial(2 * k + 1) for k in range(9, 0, -1)
)


@njit(cache=True, nogil=True, error_model="numpy")
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


@njit(cache=True, nogil=True, error_model="numpy")
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


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_REASSOC)
def _angles(X, norms, U, theta, sin_theta):
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
    # Two passes so that the second, over pairs, runs without calls or branches
    # and vectorises: sqrt, divisions and the arctan series for small angles
    # (the slow phase, where long runs spend their time).
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
            t2 = t * t
            series = 0.0
            for coef in _ATAN_COEFFS:
                series = series * t2 + coef
            theta[p, q] = 2.0 * t * series
            sin_theta[p, q] = 2.0 * t / (1.0 + t2)
            if not t < _ATAN_SERIES_BELOW:  # large angles, and t = inf at theta = pi
                theta[p, q] = 2.0 * math.atan(t)
                sin_theta[p, q] = 2.0 / (t + 1.0 / t)
            if norms[p] == 0.0 or norms[q] == 0.0:
                theta[p, q] = sin_theta[p, q] = 0.0
            theta[q, p] = theta[p, q]
            sin_theta[q, p] = sin_theta[p, q]


@njit(cache=True, nogil=True, error_model="numpy")
def _residual(X, sign, r):
    """r = sum_i w_i - v, summed error-free (TwoSum, one chain per coordinate) so
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
    """(norms (m,), unit rows (m, k), angles (m, m), their sines (m, m)) of the
    rows of (m, k), by the half-angle form of `_angles`; zero rows get angle 0."""
    X = np.ascontiguousarray(rows, dtype=np.float64)
    m, k = X.shape
    norms, U = np.zeros(m), np.zeros((m, k))
    theta, sin_theta = np.zeros((m, m)), np.zeros((m, m))
    _angles(X, norms, U, theta, sin_theta)
    return norms, U, theta, sin_theta


class Workspace:
    """Scratch arrays for n students in k coordinates, allocated once so that the
    step loop never allocates. Row n of X is the teacher, with sign -1: every
    formula below is then one sum over pairs of rows (students and teacher alike)."""

    def __init__(self, n, k):
        self.sign = np.ones(n + 1)
        self.sign[n] = -1.0
        self.norms = np.zeros(n + 1)
        self.U = np.zeros((n + 1, k))
        self.theta = np.zeros((n + 1, n + 1))
        self.sin_theta = np.zeros((n + 1, n + 1))
        self.r = np.zeros((2, k))
        self.G = np.zeros((n, k))
        self.XT = np.zeros((k, n + 1))

    def arrays(self):
        return (
            self.sign,
            self.norms,
            self.U,
            self.theta,
            self.sin_theta,
            self.r,
            self.G,
            self.XT,
        )


def stack(W, v):
    """X = [W; v] as float64 C-contiguous (n + 1, k): the kernels' input layout."""
    return np.ascontiguousarray(np.vstack([W, v[None, :]]), dtype=np.float64)


@njit(cache=True, nogil=True, error_model="numpy")
def loss(X, sign, norms, U, theta, sin_theta, r, G, XT):
    """Population loss, eq. (23), with X = [W; v]:
    L = 1/4 |sum w_i - v|^2 + 1/(2 pi) [sum_{i<j} phi(theta_ij)|w_i||w_j|
        - sum_i phi(theta_i)|w_i||v|].
    Not the kernel expansion, which cannot go below ~1e-15 (DESIGN §3.1)."""
    rows = X.shape[0]
    _angles(X, norms, U, theta, sin_theta)
    _residual(X, sign, r)
    linear = 0.0
    for m in range(r.shape[1]):
        linear += r[0, m] * r[0, m]
    bracket = 0.0
    for p in range(rows):
        for q in range(p + 1, rows):
            bracket += sign[p] * sign[q] * phi(theta[p, q]) * norms[p] * norms[q]
    return 0.25 * linear + bracket / _TWO_PI


@njit(cache=True, nogil=True, error_model="numpy")
def gradient(X, sign, norms, U, theta, sin_theta, r, G, XT):
    """Population gradient into G (n, k), eq. (4), with X = [W; v]:
    grad_i = 1/2 r + 1/(2 pi) [(sum_{j!=i}|w_j| sin theta_ij - |v| sin theta_i) w_i/|w_i|
             - sum_{j!=i} theta_ij w_j + theta_i v],   r = sum_j w_j - v.
    At w_i = 0 (not differentiable) the subgradient with 1{0 >= 0} = 1:
    grad_i = 1/2 (sum_{j!=i} w_j - v) (DESIGN §3.4), so a dead neuron can revive."""
    _angles(X, norms, U, theta, sin_theta)
    _residual(X, sign, r)
    _angular_terms(X, sign, norms, U, theta, sin_theta, r, G, XT)


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_REASSOC)
def _angular_terms(X, sign, norms, U, theta, sin_theta, r, G, XT):
    """G_i = r/2 + [radial_i U_i - sum_q theta_iq sign_q X_q] / 2 pi over the rows q
    of X (teacher sign -1, theta_ii = 0). The sum over q runs on the transposed,
    signed rows XT (k, rows): contiguous dot products that vectorise."""
    rows, k = X.shape
    for p in range(rows):
        for m in range(k):
            XT[m, p] = sign[p] * X[p, m]
    for i in range(rows - 1):
        radial = 0.0
        for q in range(rows):
            radial += sign[q] * norms[q] * sin_theta[i, q]
        if norms[i] == 0.0:  # the subgradient at w_i = 0 keeps only r/2
            radial = 0.0
        for m in range(k):
            acc = 0.0
            for q in range(rows):
                acc += theta[i, q] * XT[m, q]
            G[i, m] = 0.5 * r[0, m] + (radial * U[i, m] - acc) / _TWO_PI


@njit(cache=True, nogil=True, error_model="numpy")
def gd_steps(X, eta, n_steps, bound, sign, norms, U, theta, sin_theta, r, G, XT):
    """Run up to n_steps GD steps on the student rows of X = [W; v] in place;
    return the number of steps done.

    Stops early, before applying it, at a step whose gradient is not finite or
    would take some |w_i| above `bound`: X then holds the last finite state.
    """
    for step in range(n_steps):
        gradient(X, sign, norms, U, theta, sin_theta, r, G, XT)
        if not guarded_update(X, G, eta, bound):
            return step
    return n_steps


@njit(cache=True, nogil=True, error_model="numpy")
def guarded_update(W, G, step_size, bound):
    """w_i -= step_size * g_i for the rows of G (n, k), unless some new |w_i|
    would exceed `bound` or be NaN: then W is left as it was and False returned."""
    n, k = G.shape
    for i in range(n):
        total = 0.0
        for m in range(k):
            x = W[i, m] - step_size * G[i, m]
            total += x * x
        if not total <= bound * bound:  # also catches NaN
            return False
    for i in range(n):
        for m in range(k):
            W[i, m] -= step_size * G[i, m]
    return True

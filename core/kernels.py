"""Compiled closed forms: the population loss (eq. 23), its gradient (eq. 4), GD steps.

Every kernel works in any dimension k: on full weights (n, d) or on the reduced
coordinates (n, k) of `core.reduction`. Arrays are float64 and C-contiguous; the
fixed signatures mean each kernel compiles once (or loads from the on-disk cache).
"""

import math

import numpy as np
from numba import njit

# Above this cosine the arccos of a Gram entry loses digits (error ~1e-16/theta);
# below it (theta > 0.1 and theta < pi - 0.1) arccos is accurate and cheaper.
_ACOS_SAFE = 0.995
# phi(theta) = sin - theta cos loses ~1e-16/theta^2 relative to cancellation; the
# series is used below this angle (9 terms: truncation < 1e-20 relative at 0.5).
_PHI_SERIES_BELOW = 0.5
_TWO_PI = 2.0 * math.pi
# Reassociation lets LLVM vectorise the sums of squares over coordinates; it is
# never used where the order of additions matters (the TwoSum residual).
_REASSOC = {"reassoc", "nsz", "contract"}
# arctan's odd series coefficients (-1)^k / (2k + 1), k = 7 down to 0 (Horner).
_ATAN_COEFFS = tuple((-1.0) ** k / (2 * k + 1) for k in range(7, -1, -1))
# Series coefficients (-1)^(k+1) 2k/(2k+1)! for k = 9 down to 1 (Horner order).
_PHI_COEFFS = tuple(
    (-1.0) ** (k + 1) * 2.0 * k / math.factorial(2 * k + 1) for k in range(9, 0, -1)
)


@njit(cache=True, nogil=True)
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


@njit(cache=True, nogil=True)
def _norm(x):
    """Euclidean norm that neither underflows nor overflows (like math.hypot)."""
    s = 0.0
    for a in x:
        s += a * a
    if 1e-290 < s < 1e290:
        return math.sqrt(s)
    m = 0.0
    for a in x:
        m = max(m, abs(a))
    if m == 0.0:
        return 0.0
    s = 0.0
    for a in x:
        s += (a / m) * (a / m)
    return m * math.sqrt(s)


@njit(cache=True, nogil=True)
def _atan(q):
    """arctan(q) for q >= 0: an odd Taylor polynomial below 0.05 (error < 1e-17
    relative; vectorisable, where libm's atan is a call per pair), libm above."""
    if q >= 0.05:
        return math.atan(q)
    q2 = q * q
    total = 0.0
    for coef in _ATAN_COEFFS:
        total = total * q2 + coef
    return q * total


@njit(cache=True, nogil=True, fastmath=_REASSOC)
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
        norms[p] = _norm(X[p])
        inv = 1.0 / norms[p] if norms[p] > 0.0 else 0.0
        for m in range(k):
            U[p, m] = X[p, m] * inv
    for p in range(rows):
        for q in range(p + 1, rows):
            dm = 0.0
            dp = 0.0
            for m in range(k):
                a = U[p, m]
                b = U[q, m]
                dm += (a - b) * (a - b)
                dp += (a + b) * (a + b)
            if norms[p] == 0.0 or norms[q] == 0.0:
                t, s = 0.0, 0.0
            elif dp == 0.0:  # exactly anti-parallel
                t, s = math.pi, 0.0
            else:
                tan_half = math.sqrt(dm / dp)
                t = 2.0 * _atan(tan_half)
                s = 2.0 * tan_half / (1.0 + tan_half * tan_half)
            theta[p, q] = theta[q, p] = t
            sin_theta[p, q] = sin_theta[q, p] = s


@njit(cache=True, nogil=True)
def _residual(X, sign, r):
    """r = sum_i w_i - v, summed error-free (TwoSum) so that r keeps its digits near
    the optimum, where sum_i w_i and v agree to ~1e-14 and beyond."""
    rows, k = X.shape
    for m in range(k):
        s = 0.0
        err = 0.0
        for p in range(rows):
            x = sign[p] * X[p, m]
            t = s + x
            bp = t - s
            err += (s - (t - bp)) + (x - bp)
            s = t
        r[m] = s + err


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
        self.r = np.zeros(k)
        self.G = np.zeros((n, k))

    def arrays(self):
        return (
            self.sign,
            self.norms,
            self.U,
            self.theta,
            self.sin_theta,
            self.r,
            self.G,
        )


def stack(W, v):
    """X = [W; v] as float64 C-contiguous (n + 1, k): the kernels' input layout."""
    return np.ascontiguousarray(np.vstack([W, v[None, :]]), dtype=np.float64)


@njit(cache=True, nogil=True)
def loss(X, sign, norms, U, theta, sin_theta, r, G):
    """Population loss, eq. (23), with X = [W; v]:
    L = 1/4 |sum w_i - v|^2 + 1/(2 pi) [sum_{i<j} phi(theta_ij)|w_i||w_j|
        - sum_i phi(theta_i)|w_i||v|].
    Not the kernel expansion, which cannot go below ~1e-15 (DESIGN §3.1)."""
    rows = X.shape[0]
    _angles(X, norms, U, theta, sin_theta)
    _residual(X, sign, r)
    linear = 0.0
    for m in range(r.shape[0]):
        linear += r[m] * r[m]
    bracket = 0.0
    for p in range(rows):
        for q in range(p + 1, rows):
            bracket += sign[p] * sign[q] * phi(theta[p, q]) * norms[p] * norms[q]
    return 0.25 * linear + bracket / _TWO_PI


@njit(cache=True, nogil=True)
def gradient(X, sign, norms, U, theta, sin_theta, r, G):
    """Population gradient into G (n, k), eq. (4), with X = [W; v]:
    grad_i = 1/2 r + 1/(2 pi) [(sum_{j!=i}|w_j| sin theta_ij - |v| sin theta_i) w_i/|w_i|
             - sum_{j!=i} theta_ij w_j + theta_i v],   r = sum_j w_j - v.
    At w_i = 0 (not differentiable) the subgradient with 1{0 >= 0} = 1:
    grad_i = 1/2 (sum_{j!=i} w_j - v) (DESIGN §3.4), so a dead neuron can revive."""
    _angles(X, norms, U, theta, sin_theta)
    _residual(X, sign, r)
    _angular_terms(X, sign, norms, U, theta, sin_theta, r, G)


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def _angular_terms(X, sign, norms, U, theta, sin_theta, r, G):
    """G_i = r/2 + [radial_i U_i - sum_q sign_q theta_iq X_q] / 2 pi (rows q of X,
    the teacher with sign -1; theta_ii = 0), rows ordered for contiguous access."""
    rows, k = X.shape
    for i in range(rows - 1):
        for m in range(k):
            G[i, m] = 0.5 * r[m]
        if norms[i] == 0.0:
            continue
        radial = 0.0
        for q in range(rows):
            radial += sign[q] * norms[q] * sin_theta[i, q]
        c = radial / _TWO_PI
        for m in range(k):
            G[i, m] += c * U[i, m]
        for q in range(rows):
            c = sign[q] * theta[i, q] / _TWO_PI
            for m in range(k):
                G[i, m] -= c * X[q, m]


@njit(cache=True, nogil=True)
def gd_steps(X, eta, n_steps, bound, sign, norms, U, theta, sin_theta, r, G):
    """Run up to n_steps GD steps on the student rows of X = [W; v] in place;
    return the number of steps done.

    Stops early, before applying it, at a step whose gradient is not finite or
    would take some |w_i| above `bound`: X then holds the last finite state.
    """
    n, k = G.shape
    for step in range(n_steps):
        gradient(X, sign, norms, U, theta, sin_theta, r, G)
        for i in range(n):
            s = 0.0
            for m in range(k):
                x = X[i, m] - eta * G[i, m]
                s += x * x
            if not s <= bound * bound:  # also catches NaN
                return step
        for i in range(n):
            for m in range(k):
                X[i, m] -= eta * G[i, m]
    return n_steps

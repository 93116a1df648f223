"""The engine's compiled layout and the paper's model: X = [W; V], the workspace,
the ReLU loss (eq. 23) and gradient (eq. 4), and the GD step loop.

Every kernel works in any dimension k: on full weights (n, d) or on the reduced
coordinates (n, k) of `neuronlab.models.reduction`. Arrays are float64 and C-contiguous. The
rows of X are the n students (sign +1) and then the m teachers (sign -1), so
each formula is one sum over pairs of rows (neuronlab.models.pairs). Other activations live
in neuronlab.models.registry, with the same signatures (LOSS, GRADIENT below).
"""

import threading

import numpy as np
from numba import njit, types

from neuronlab.models import pairs
from neuronlab.models.pairs import KERNEL, REASSOC, TWO_PI, angles, phi, residual

pair_angles = pairs.pair_angles  # the angle helper, where callers look for it

C1 = types.float64[::1]
C2 = types.float64[:, ::1]
C3 = types.float64[:, :, ::1]
# The workspace's arrays, in the order of Workspace.arrays() (each C-contiguous).
WORK = (C1, C1, C2, C2, C2, C2, C2, C2, C3, C1)
# Every model's kernels: loss(X, *work) -> L; gradient(X, *work) fills work's G.
LOSS = types.float64(C2, *WORK)
GRADIENT = types.void(C2, *WORK)
# Per-sample activation (SGD): activation(z, alpha) -> (sigma(z), sigma'(z)).
ACTIVATION = types.UniTuple(types.float64, 2)(types.float64, types.float64)


class Workspace:
    """Scratch arrays for n students and m teachers in k coordinates, allocated
    once so that the step loop never allocates. Rows n..n+m-1 of X are the
    teachers, with sign -1. params[0] is the model's alpha (leaky_relu).

    arrays() : (sign (n+m,), norms (n+m,), U (n+m, k), theta (n+m, n+m),
    sin_theta (n+m, n+m), r (2, k), G (n, k), XT (k, n+m), A (2, k, k),
    params (1,)), the argument order of every kernel; G (index 6) is the
    gradient's output.
    """

    def __init__(self, n, k, teachers=1, alpha=0.0):
        rows = n + teachers
        self.sign = np.ones(rows)
        self.sign[n:] = -1.0
        self.norms = np.zeros(rows)
        self.U = np.zeros((rows, k))
        self.theta = np.zeros((rows, rows))
        self.sin_theta = np.zeros((rows, rows))
        self.r = np.zeros((2, k))
        self.G = np.zeros((n, k))
        self.XT = np.zeros((k, rows))
        self.A = np.zeros((2, k, k))
        self.params = np.array([float(alpha)])

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
            self.A,
            self.params,
        )


def teacher_rows(v) -> np.ndarray:
    """Teachers as rows (m, k): v (k,) is one teacher, (m, k) is m of them."""
    return np.atleast_2d(np.asarray(v, dtype=np.float64))


def stack(W, v):
    """X = [W; V] as float64 C-contiguous (n + m, k): the kernels' input layout;
    v (k,) for one teacher or (m, k)."""
    return np.ascontiguousarray(np.vstack([W, teacher_rows(v)]), dtype=np.float64)


_TYPED_LOCK = threading.Lock()


def typed(dispatcher, signature):
    """`dispatcher` compiled (or loaded from numba's cache) for exactly
    `signature`, further compiles disabled. For loops that take a model's kernel
    as an argument: numba then passes it as a first-class FunctionType, so one
    cached overload serves every model (a dispatcher-typed argument would
    specialise per model and, on numba 0.68, miss the on-disk cache every
    process)."""
    if signature.args not in dispatcher.overloads:
        # Two threads (a run and the app's warm-up) may get here at once: the
        # second must not compile after the first disabled compiling.
        with _TYPED_LOCK:
            if signature.args not in dispatcher.overloads:
                dispatcher.compile(signature)
                dispatcher.disable_compile()
    return dispatcher


def work_for(model, n, k, teachers, alpha):
    """Workspace arrays for `model`, its kernels compiled for their signatures."""
    typed_kernel(model.loss, LOSS)
    typed_kernel(model.gradient, GRADIENT)
    return Workspace(n, k, teachers, alpha).arrays()


def typed_kernel(dispatcher, signature):
    """A model kernel compiled for `signature` (callable with other types too)."""
    if signature.args not in dispatcher.overloads:
        dispatcher.compile(signature)
    return dispatcher


@njit(**KERNEL)
def loss(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params):
    """ReLU population loss, eq. (23), with X = [W; V]:
    L = 1/4 |r|^2 + 1/(2 pi) sum_{p<q} s_p s_q phi(theta_pq)|x_p||x_q|, r = sum_i
    w_i - sum_j v_j (m = 1: the paper's sum_{i<j} ... - sum_i phi(theta_i)|w_i||v|).
    Not the kernel expansion, which cannot go below ~1e-15 (DESIGN §3.1)."""
    rows = X.shape[0]
    angles(X, norms, U, theta, sin_theta)
    residual(X, sign, r)
    linear = 0.0
    for m in range(r.shape[1]):
        linear += r[0, m] * r[0, m]
    bracket = 0.0
    for p in range(rows):
        for q in range(p + 1, rows):
            bracket += sign[p] * sign[q] * phi(theta[p, q]) * norms[p] * norms[q]
    return 0.25 * linear + bracket / TWO_PI


@njit(**KERNEL)
def gradient(X, sign, norms, U, theta, sin_theta, r, G, XT, A, params):
    """ReLU population gradient into G (n, k), eq. (4), with X = [W; V]:
    grad_i = 1/2 r + 1/(2 pi) [(sum_q s_q |x_q| sin theta_iq) w_i/|w_i|
             - sum_q s_q theta_iq x_q]   (rows q != i, teachers s_q = -1).
    At w_i = 0 (not differentiable) the subgradient with 1{0 >= 0} = 1:
    grad_i = 1/2 (sum_{j!=i} w_j - sum_j v_j) (DESIGN §3.4): a dead neuron revives."""
    angles(X, norms, U, theta, sin_theta)
    residual(X, sign, r)
    angular_terms(X, sign, norms, U, theta, sin_theta, r, G, XT, 0.5, 0.5, 1.0)


@njit(**KERNEL, fastmath=REASSOC)
def angular_terms(X, sign, norms, U, theta, sin_theta, r, G, XT, linear, at_zero,
                  scale):  # fmt: skip
    """G_i = linear r + scale [radial_i U_i - sum_q theta_iq sign_q X_q] / 2 pi
    over the rows q of X (teachers sign -1, theta_ii = 0); at_zero r at w_i = 0.
    ReLU: (1/2, 1/2, 1); leaky_relu (neuronlab.models.leaky) its own coefficients. The sum
    over q runs on the transposed, signed rows XT (k, rows): contiguous dot
    products that vectorise."""
    rows, k = X.shape
    for p in range(rows):
        for m in range(k):
            XT[m, p] = sign[p] * X[p, m]
    for i in range(G.shape[0]):
        radial = 0.0
        for q in range(rows):
            radial += sign[q] * norms[q] * sin_theta[i, q]
        if norms[i] == 0.0:  # the subgradient at w_i = 0 keeps only r
            for m in range(k):
                G[i, m] = at_zero * r[0, m]
            continue
        for m in range(k):
            acc = 0.0
            for q in range(rows):
                acc += theta[i, q] * XT[m, q]
            G[i, m] = linear * r[0, m] + scale * ((radial * U[i, m] - acc) / TWO_PI)


@njit(**KERNEL)
def activation(z, alpha):
    """ReLU per sample: ([z]_+, 1{z >= 0}) (the convention of eq. 4)."""
    return max(0.0, z), 1.0 if z >= 0.0 else 0.0

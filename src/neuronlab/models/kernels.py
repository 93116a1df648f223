"""The models' shared layout: X = [W; V], the workspace, the compiled signatures
every model's kernels have (LOSS, GRADIENT, ACTIVATION, GAUSS_NEWTON), and the
pair geometry the Hessians share.

Every kernel works in any dimension k: on full weights (n, d) or on the reduced
coordinates (n, k) of `neuronlab.models.reduction`. Arrays are float64 and C-contiguous. The
rows of X are the n students (sign +1) and then the m teachers (sign -1), so
each formula is one sum over pairs of rows (neuronlab.models.pairs). Other activations live
in neuronlab.models.registry, with the same signatures (LOSS, GRADIENT below).
"""

import threading

import numpy as np
from numba import types
from numba.core.types.function_type import CompileResultWAP
from numba.experimental import function_type

from neuronlab.models import pairs

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
    compile_model(model)
    return Workspace(n, k, teachers, alpha).arrays()


def compile_model(model) -> None:
    """`model`'s loss and population gradient compiled (or loaded) for their
    signatures, by their types alone."""
    typed_kernel(model.loss, LOSS)
    typed_kernel(model.gradient, GRADIENT)


def typed_kernel(dispatcher, signature):
    """A model kernel compiled for `signature` (callable with other types too)."""
    if signature.args not in dispatcher.overloads:
        dispatcher.compile(signature)
    return dispatcher


class FirstClass(CompileResultWAP):
    """A compiled kernel as a loop's first-class function argument, with both of
    its addresses looked up once: the C wrapper's (CompileResultWAP) and the
    native entry's, which a loop calls directly (through the wrapper a step at
    n = 3 took 10 % longer, bench_models against the previous commit)."""

    def __init__(self, cres):
        super().__init__(cres)
        self.jit_address = cres.library.get_pointer_to_function(
            cres.fndesc.llvm_func_name
        )


def _jit_address(func, sig, numba_lookup=function_type._get_jit_address):
    """numba's own lookup, answered at once for a FirstClass (numba asks this
    module attribute at every call of a loop, by name)."""
    if isinstance(func, FirstClass):
        return func.jit_address
    return numba_lookup(func, sig)


function_type._get_jit_address = _jit_address


_FIRST_CLASS: dict[tuple[int, int], tuple] = {}


def first_class(dispatcher, signature) -> FirstClass:
    """A model kernel as the loops' FunctionType argument, its addresses looked up
    once per process. Passed as the dispatcher itself, numba looked up two
    addresses of each kernel at every call of a loop (a signature hash, then
    LLVM's lock and ctypes calls that give up the GIL): 80 of a call's 114 us,
    measured, and 1.2 ms a call under a thread holding the GIL. Found by the
    identity of the two (module constants, kept alive in the entry): hashing a
    numba signature took 4.7 us, twice per loop call."""
    key = (id(dispatcher), id(signature))
    if (found := _FIRST_CLASS.get(key)) is None:
        typed_kernel(dispatcher, signature)
        kernel = FirstClass(dispatcher.overloads[signature.args])
        found = _FIRST_CLASS[key] = (kernel, dispatcher, signature)
    return found[0]


# Every model's Gauss-Newton builder: matrix(X, *work, out) writes G (n k, n k)
# at X's students (work: the model's Workspace arrays; params[0] is alpha).
GAUSS_NEWTON = types.void(C2, *WORK, C2)


def orthogonal_parts(U: np.ndarray, n: int) -> np.ndarray:
    """N[a, b] (n, rows, k): unit vector of U_b's part orthogonal to U_a, for the
    students a. Computed from U_b -+ U_a so that it keeps its digits when the two
    are nearly (anti-)parallel; 0 where undefined (rows parallel, to rounding)."""
    Ua = U[:n, None, :]
    Ub = U[None, :, :]
    cos = np.einsum("ak,bk->ab", U[:n], U)[..., None]
    diff = np.where(cos >= 0, Ub - Ua, Ub + Ua)
    part = diff - np.einsum("abk,ak->ab", diff, U[:n])[..., None] * Ua
    norm = np.linalg.norm(part, axis=2, keepdims=True)
    # A part at the rounding level of diff (rows parallel to rounding) has no
    # direction: normalised, the two orders of a pair stopped cancelling and
    # added 1/pi to the block (a saddle at the global minimum w_i = lambda_i e_1).
    noise = 16 * np.finfo(float).eps * np.linalg.norm(diff, axis=2, keepdims=True)
    return np.divide(part, norm, out=np.zeros_like(part), where=norm > noise)


def signs(n: int, m: int) -> np.ndarray:
    """+1 for the n students, -1 for the m teachers (the rows of X = [W; V])."""
    return np.r_[np.ones(n), -np.ones(m)]

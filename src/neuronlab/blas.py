"""One BLAS thread for the engine's small dense algebra.

The engine's matrices are small (QR of d x n, LU of (n k)^2 Jacobians), where a
second BLAS thread buys nothing and, on a loaded 2-core machine, costs up to 8x
(measured: gradient flow at n = 10 took 28.7 s with OpenBLAS's 2 threads, 3.6 s
with one). One thread also keeps results bit-identical whatever the environment.
"""

import functools

from threadpoolctl import ThreadpoolController


@functools.cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()  # inspects the loaded libraries once


def one_blas_thread():
    """Context manager: BLAS limited to one thread inside, restored after."""
    return _controller().limit(limits=1, user_api="blas")


def pin_one_blas_thread() -> None:
    """For the whole process (the app and the CLI): no restore."""
    _controller().limit(limits=1, user_api="blas")

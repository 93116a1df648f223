"""Matrices on a finite sample, for every activation (its per-sample derivative
s'): the Gauss-Newton matrix of finite-sample GD's Gauss-Newton steps."""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True, error_model="numpy")
def empirical_gauss_newton(W, X, perm, lo, hi, activation, alpha, out):
    """G (n d, n d) on the samples X[perm[lo:hi]]: the batch mean of J^T J,
    J_ia = s'(w_i.x) x_a."""
    n, d = W.shape
    out[:] = 0.0
    slope = np.empty(n)
    for s in range(lo, hi):
        x = X[perm[s]]
        for i in range(n):
            total = 0.0
            for a in range(d):
                total += W[i, a] * x[a]
            slope[i] = activation(total, alpha)[1]
        for i in range(n):
            for j in range(n):
                both = slope[i] * slope[j]
                if both == 0.0:
                    continue
                for a in range(d):
                    for b in range(d):
                        out[i * d + a, j * d + b] += both * x[a] * x[b]
    out /= hi - lo

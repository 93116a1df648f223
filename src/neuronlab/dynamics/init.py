"""Initialisations W0 (n, d) at one scale sigma, from the seed (beyond-notes §3).

Every start has E|w_i|^2 = sigma^2 d, the paper's scale (footnote 1: |w_i(0)|
~ sigma sqrt(d)), so a user compares like with like:
- gaussian: i.i.d. N(0, sigma^2), the paper's (bit-identical to the original
  engine's draw);
- sphere: rows uniform on the sphere of radius sigma sqrt(d) (no spread of norms);
- student_t: i.i.d. Student-t with 3 degrees of freedom scaled to variance
  sigma^2 (t_3 has variance 3): heavy tails, a few large students;
- orthogonal: orthonormal rows (Haar) scaled to sigma sqrt(d), n <= d
  (maximally spread directions);
- uniform: i.i.d. uniform on [-sigma sqrt(3), sigma sqrt(3)] (variance sigma^2).
"""

import numpy as np


def _gaussian(rng, n, d, sigma):
    return sigma * rng.standard_normal((n, d))


def _sphere(rng, n, d, sigma):
    rows = rng.standard_normal((n, d))
    return sigma * np.sqrt(d) * rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _student_t(rng, n, d, sigma):
    return sigma * rng.standard_t(3, size=(n, d)) / np.sqrt(3.0)


def _orthogonal(rng, n, d, sigma):
    # QR of a Gaussian (d, n) with R's signs fixed: Haar-distributed columns.
    Q, R = np.linalg.qr(rng.standard_normal((d, n)))
    Q = Q * np.where(np.diag(R) < 0, -1.0, 1.0)
    return sigma * np.sqrt(d) * Q.T


def _uniform(rng, n, d, sigma):
    half = sigma * np.sqrt(3.0)
    return rng.uniform(-half, half, size=(n, d))


INITS = {
    "gaussian": _gaussian,
    "sphere": _sphere,
    "student_t": _student_t,
    "orthogonal": _orthogonal,
    "uniform": _uniform,
}


def initial_weights(init: str, n: int, d: int, sigma: float, seed: int):
    """W0 (n, d) drawn by `init` from np.random.default_rng(seed)."""
    return INITS[init](np.random.default_rng(seed), n, d, sigma)

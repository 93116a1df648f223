"""Plain-NumPy optimisers in the full space R^d, for the optimiser tests.

Nothing here imports neuronlab: the gradient is eq. (4) written afresh (half-angle
angles, so it keeps its digits where the students align), the loss is eq. (23)
with the series of phi for small angles, and the Gauss-Newton matrix is the
ReLU closed form in its (a b^T + b a^T - cos(theta)(a a^T + b b^T)) / sin(theta)
shape, an algebraically equivalent form the engine does not use.
"""

import math

import numpy as np

TWO_PI = 2 * math.pi


def _angle(a, b):
    ua, ub = a / np.linalg.norm(a), b / np.linalg.norm(b)
    return 2 * math.atan2(np.linalg.norm(ua - ub), np.linalg.norm(ua + ub))


def _phi(t):
    if t > 0.5:
        return math.sin(t) - t * math.cos(t)
    # sum_k (-1)^(k+1) 2k / (2k+1)! t^(2k+1): no cancellation for small t
    return sum((-1) ** (j + 1) * 2 * j / math.factorial(2 * j + 1) * t ** (2 * j + 1)
               for j in range(1, 12))  # fmt: skip


def loss(W, v, alpha=0.0):
    """Leaky-ReLU loss 1/2 alpha |r|^2 + (1 - alpha)^2 L_relu (alpha 0: eq. 23)."""
    r = W.sum(axis=0) - v
    rows, signs = [*W, v], [1.0] * len(W) + [-1.0]
    bracket = 0.0
    for p in range(len(rows)):
        for q in range(p + 1, len(rows)):
            a, b = rows[p], rows[q]
            if np.linalg.norm(a) and np.linalg.norm(b):
                size = np.linalg.norm(a) * np.linalg.norm(b)
                bracket += signs[p] * signs[q] * _phi(_angle(a, b)) * size
    relu = 0.25 * r @ r + bracket / TWO_PI
    return 0.5 * alpha * r @ r + (1 - alpha) ** 2 * relu


def gradient(W, v, alpha=0.0):
    """Eq. (4) (alpha 0), leaky: alpha r + (1 - alpha)^2 grad_relu; (n, d)."""
    r = W.sum(axis=0) - v
    out = np.empty_like(W)
    for i, w in enumerate(W):
        others = [j for j in range(len(W)) if j != i and np.linalg.norm(W[j])]
        if not np.linalg.norm(w):
            out[i] = 0.5 * (r - w)
            continue
        radial = sum(np.linalg.norm(W[j]) * math.sin(_angle(w, W[j])) for j in others)
        radial -= np.linalg.norm(v) * math.sin(_angle(w, v))
        pull = sum((_angle(w, W[j]) * W[j] for j in others), np.zeros_like(w))
        bracket = radial * w / np.linalg.norm(w) - pull + _angle(w, v) * v
        out[i] = 0.5 * r + bracket / TWO_PI
    return alpha * r + (1 - alpha) ** 2 * out


def gauss_newton_matrix(W, alpha=0.0):
    """(n d, n d): G_ii = I/2, G_ij = (pi - t)/(2 pi) I
    + [a b^T + b a^T - cos t (a a^T + b b^T)] / (2 pi sin t) (a, b unit rows)."""
    n, d = W.shape
    G = np.zeros((n * d, n * d))
    eye = np.eye(d)
    for i in range(n):
        for j in range(n):
            block = 0.5 * eye
            if i != j:
                t = _angle(W[i], W[j])
                a, b = W[i] / np.linalg.norm(W[i]), W[j] / np.linalg.norm(W[j])
                outer = np.outer(a, b) + np.outer(b, a)
                outer -= math.cos(t) * (np.outer(a, a) + np.outer(b, b))
                block = (math.pi - t) / TWO_PI * eye + outer / (TWO_PI * math.sin(t))
            G[i * d : (i + 1) * d, j * d : (j + 1) * d] = (1 - alpha) ** 2 * block
    return G + alpha * np.kron(np.ones((n, n)), eye)


def record_steps(last):
    """The engine's record grid (DESIGN §4), written afresh."""
    grid = set(range(min(last, 10) + 1)) | {last}
    j = 20
    while round(10 ** (j / 20)) < last:
        grid.add(round(10 ** (j / 20)))
        j += 1
    return sorted(s for s in grid if s <= last)


def run(W0, v, steps, eta, optimizer, alpha=0.0, beta=0.9, beta2=0.999, eps=1e-8,
        damping="sqrt_loss", lam=1.0):  # fmt: skip
    """Losses at the record steps of `steps` steps of `optimizer` from W0 (n, d)."""
    W, previous = W0.copy(), W0.copy()
    m1, m2, mu = np.zeros_like(W0), np.zeros_like(W0), 1.0
    records = {0: loss(W, v, alpha)}
    wanted = set(record_steps(steps))
    for t in range(1, steps + 1):
        if optimizer == "gd":
            W = W - eta * gradient(W, v, alpha)
        elif optimizer == "momentum":
            W, previous = W - eta * gradient(W, v, alpha) + beta * (W - previous), W
        elif optimizer == "nesterov":
            Y = W + beta * (W - previous)
            W, previous = Y - eta * gradient(Y, v, alpha), W
        elif optimizer == "adam":
            g = gradient(W, v, alpha)
            m1 = beta * m1 + (1 - beta) * g
            m2 = beta2 * m2 + (1 - beta2) * g * g
            hat1, hat2 = m1 / (1 - beta**t), m2 / (1 - beta2**t)
            W = W - eta * hat1 / (np.sqrt(hat2) + eps)
        elif optimizer == "gauss_newton":
            W, mu = _gauss_newton_step(W, v, eta, alpha, damping, lam, mu)
        if t in wanted:
            records[t] = loss(W, v, alpha)
    return records


def _gauss_newton_step(W, v, eta, alpha, damping, lam, mu):
    """Levenberg-Marquardt: refuse a step that raises the loss, mu x 10 and retry
    (30 times at most); accept: mu / 10, at least 1."""
    current = loss(W, v, alpha)
    G = gauss_newton_matrix(W, alpha)
    g = gradient(W, v, alpha).ravel()
    scale = {"sqrt_loss": math.sqrt(current), "loss": current, "fixed": 1.0}[damping]
    for _ in range(30):
        delta = np.linalg.solve(G + mu * lam * scale * np.eye(len(g)), g)
        trial = W - eta * delta.reshape(W.shape)
        if loss(trial, v, alpha) <= current:
            return trial, max(1.0, mu / 10)
        mu *= 10
    return W, mu

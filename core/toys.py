"""The paper's toy cases (App. A, paper-notes §7): starts and their predictions.

Each toy is a start (W0, v) plus a prediction of the loss at the record times that
does not come from running the same n-student dynamics:
- toy 1, mirror pair w_{1,2} = lambda_1 v +- lambda_2 v_perp: L ~ pi^2 |v|^2 / (6 (eta t)^3);
- toy 2, students parallel to v: L(t) = (1 - n eta/2)^(2t) L(0) exactly;
- toy 3, identical students: the n = 1 problem with teacher v/n and step n eta,
  L_n = n^2 L_1 (a one-student run is the second algorithm);
- toy 3 + eps: the same start, perturbed: linear at first, then slow (unstable
  fixed point, Remark 18);
- Remark 26, w_i(0) = -c v with eta = 2/n: w_i(1) = 0, and with the convention at
  0 (core.kernels), w_i(2) = v/n.
"""

import math
from dataclasses import dataclass

import numpy as np

from .config import RunConfig
from .run import simulate


@dataclass(frozen=True)
class Toy:
    """A start: config (n, d, eta, steps), W0 (n, d), v (d,)."""

    name: str
    config: RunConfig
    W0: np.ndarray
    v: np.ndarray


def _axes(d: int, vnorm: float) -> tuple[np.ndarray, np.ndarray]:
    v, v_perp = np.zeros(d), np.zeros(d)
    v[0], v_perp[1] = vnorm, vnorm
    return v, v_perp


def mirror_pair(lam1=0.3, lam2=0.3, eta=0.1, steps=10**5, d=3, vnorm=1.0) -> Toy:
    """Toy 1: w_{1,2} = lam1 v +- lam2 v_perp, |v_perp| = |v|."""
    v, v_perp = _axes(d, vnorm)
    W0 = np.array([lam1 * v + lam2 * v_perp, lam1 * v - lam2 * v_perp])
    return Toy(
        "toy1", RunConfig(n=2, d=d, eta=eta, steps=steps, teacher_norm=vnorm), W0, v
    )


def parallel(lams=(0.1, 0.2, 0.05), eta=0.05, steps=100, d=3, vnorm=1.0) -> Toy:
    """Toy 2: w_i = lam_i v."""
    v, _ = _axes(d, vnorm)
    W0 = np.outer(lams, v)
    config = RunConfig(n=len(lams), d=d, eta=eta, steps=steps, teacher_norm=vnorm)
    return Toy("toy2", config, W0, v)


def identical(n=3, eta=0.05, steps=2000, d=3, vnorm=1.0, eps=0.0, seed=0) -> Toy:
    """Toy 3 (eps = 0): every w_i = w = 0.1 (v + v_perp); with eps > 0, each student
    moved by eps * |v| in a random direction (toy 3 + eps)."""
    v, v_perp = _axes(d, vnorm)
    W0 = np.tile(0.1 * (v + v_perp), (n, 1))
    if eps > 0:
        W0 = W0 + eps * vnorm * np.random.default_rng(seed).standard_normal((n, d))
    config = RunConfig(n=n, d=d, eta=eta, steps=steps, teacher_norm=vnorm)
    return Toy("toy3+eps" if eps > 0 else "toy3", config, W0, v)


def collapse(n=2, c=0.5, steps=50, d=3, vnorm=1.0) -> Toy:
    """Remark 26 (corrected): w_i = -c v, eta = 2/n sends every w_i to 0 in one step."""
    v, _ = _axes(d, vnorm)
    config = RunConfig(n=n, d=d, eta=2 / n, steps=steps, teacher_norm=vnorm)
    return Toy("remark26", config, np.tile(-c * v, (n, 1)), v)


def predicted_loss(toy: Toy, time: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """The toy's predicted loss at the given records (NaN where it makes none)."""
    config = toy.config
    vnorm = float(np.linalg.norm(toy.v))
    if toy.name == "toy1":
        with np.errstate(divide="ignore"):
            return np.where(time > 0, math.pi**2 * vnorm**2 / (6 * time**3), np.nan)
    if toy.name == "toy2":
        loss0 = 0.25 * float(np.sum((toy.W0.sum(axis=0) - toy.v) ** 2))
        return loss0 * (1 - config.n * config.eta / 2) ** (2 * steps.astype(float))
    if toy.name == "toy3":
        one = RunConfig(
            n=1,
            d=config.d,
            eta=config.n * config.eta,
            steps=config.steps,
            teacher_norm=vnorm / config.n,
        )
        single = simulate(one, W0=toy.W0[:1], v=toy.v / config.n)
        return config.n**2 * np.interp(steps, single.steps, single.loss)
    return np.full(time.shape, np.nan)


TOYS = {
    "toy1": mirror_pair,
    "toy2": parallel,
    "toy3": identical,
    "toy3+eps": lambda **kw: identical(eps=1e-4, steps=100_000, **kw),
    "remark26": collapse,
}

"""The paper's toy cases (App. A, paper-notes §7): starts and their predictions.

Each toy is a start (W0, v) that carries its own prediction of the loss at the
record times, one that does not come from running the same n-student dynamics:
- toy 1, mirror pair w_{1,2} = lambda_1 v +- lambda_2 v_perp: L ~ pi^2 |v|^2 / (6 (eta t)^3);
- toy 2, students parallel to v: L(t) = (1 - n eta/2)^(2t) L(0) exactly;
- toy 3, identical students: the n = 1 problem with teacher v/n and step n eta,
  L_n = n^2 L_1 (a one-student run is the second algorithm);
- toy 3 + eps: the same start, perturbed: linear at first, then slow (unstable
  fixed point, Remark 18); predicted by toy 3, which it leaves;
- Remark 26, w_i(0) = -c v with eta = 2/n: w_i(1) = 0, and with the convention at
  0 (neuronlab.models.kernels), w_i(2) = v/n, so L(1) = |v|^2 / 4 and L = 0 from step 2.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from neuronlab.config import RunConfig
from neuronlab.dynamics.run import simulate

# Remark 26 is exact in binary for these (n, c = 1/n): w_i(1) == 0 exactly.
COLLAPSE_NS = (2, 4)
COLLAPSE_STEPS = 1000
PERTURBATION = 1e-16  # per coordinate, times |v|: one rounding error's worth


@dataclass(frozen=True)
class Toy:
    """A start: config (n, d, eta, steps), W0 (n, d), v (d,); `predict(toy, time,
    steps)` gives the loss at those records (NaN where it makes none), `law` says it."""

    name: str
    config: RunConfig
    W0: np.ndarray
    v: np.ndarray
    predict: Callable
    law: str


def _axes(d: int, vnorm: float) -> tuple[np.ndarray, np.ndarray]:
    v, v_perp = np.zeros(d), np.zeros(d)
    v[0], v_perp[1] = vnorm, vnorm
    return v, v_perp


def _mirror_law(toy: Toy, time: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """An asymptotic law: drawn from eta t = 1 on."""
    vnorm = float(np.linalg.norm(toy.v))
    with np.errstate(divide="ignore"):
        return np.where(time >= 1, math.pi**2 * vnorm**2 / (6 * time**3), np.nan)


def _parallel_law(toy: Toy, time: np.ndarray, steps: np.ndarray) -> np.ndarray:
    loss0 = 0.25 * float(np.sum((toy.W0.sum(axis=0) - toy.v) ** 2))
    factor = 1 - toy.config.n * toy.config.eta / 2
    return loss0 * factor ** (2 * steps.astype(float))


def _single_student_law(toy: Toy, time: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """n^2 x the loss of one student learning v/n with step n eta, from toy 3's
    (unperturbed) start."""
    config, n = toy.config, toy.config.n
    _, v_perp = _axes(config.d, config.teacher_norm)
    start = 0.1 * (toy.v + v_perp)
    one = RunConfig(
        n=1,
        d=config.d,
        eta=n * config.eta,
        steps=config.steps,
        teacher_norm=config.teacher_norm / n,
    )
    single = simulate(one, W0=start[None, :], v=toy.v / n)
    return n**2 * np.interp(steps, single.steps, single.loss)


def _collapse_law(toy: Toy, time: np.ndarray, steps: np.ndarray) -> np.ndarray:
    quarter = 0.25 * float(toy.v @ toy.v)
    return np.where(steps >= 2, 0.0, np.where(steps == 1, quarter, np.nan))


def mirror_pair(lam1=0.3, lam2=0.3, eta=0.1, steps=10**5, d=3, vnorm=1.0) -> Toy:
    """Toy 1: w_{1,2} = lam1 v +- lam2 v_perp, |v_perp| = |v|."""
    v, v_perp = _axes(d, vnorm)
    W0 = np.array([lam1 * v + lam2 * v_perp, lam1 * v - lam2 * v_perp])
    config = RunConfig(n=2, d=d, eta=eta, steps=steps, teacher_norm=vnorm)
    return Toy("toy1", config, W0, v, _mirror_law, "π²‖v‖²/(6(ηt)³)")


def parallel(lams=(0.1, 0.2, 0.05), eta=0.05, steps=100, d=3, vnorm=1.0) -> Toy:
    """Toy 2: w_i = lam_i v."""
    v, _ = _axes(d, vnorm)
    config = RunConfig(n=len(lams), d=d, eta=eta, steps=steps, teacher_norm=vnorm)
    return Toy(
        "toy2", config, np.outer(lams, v), v, _parallel_law, "L(0)·(1 − nη/2)^(2T)"
    )


def identical(n=3, eta=0.05, steps=2000, d=3, vnorm=1.0, eps=0.0, seed=0) -> Toy:
    """Toy 3 (eps = 0): every w_i = w = 0.1 (v + v_perp); with eps > 0, each student
    moved by eps * |v| in a random direction (toy 3 + eps), predicted by toy 3."""
    v, v_perp = _axes(d, vnorm)
    W0 = np.tile(0.1 * (v + v_perp), (n, 1))
    config = RunConfig(n=n, d=d, eta=eta, steps=steps, teacher_norm=vnorm)
    if eps == 0:
        law = "n² × (n = 1 run, teacher v/n, step nη)"
        return Toy("toy3", config, W0, v, _single_student_law, law)
    W0 = W0 + eps * vnorm * np.random.default_rng(seed).standard_normal((n, d))
    law = "toy 3 without the perturbation"
    return Toy("toy3+eps", config, W0, v, _single_student_law, law)


def collapse(n=2, c=0.5, steps=50, d=3, vnorm=1.0) -> Toy:
    """Remark 26 (corrected): w_i = -c v, eta = 2/n sends every w_i to 0 in one step."""
    v, _ = _axes(d, vnorm)
    config = RunConfig(n=n, d=d, eta=2 / n, steps=steps, teacher_norm=vnorm)
    law = "w_i(1) = 0, w_i(2) = v/n, then L = 0"
    return Toy("remark26", config, np.tile(-c * v, (n, 1)), v, _collapse_law, law)


def predicted_loss(toy: Toy, time: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """The toy's predicted loss at the given records (NaN where it makes none)."""
    return toy.predict(toy, time, steps)


TOYS = {
    "toy1": mirror_pair,
    "toy2": parallel,
    "toy3": identical,
    "toy3+eps": lambda **kw: identical(eps=1e-4, steps=100_000, **kw),
    "remark26": collapse,
}


@dataclass(frozen=True)
class ToyView:
    """A toy's run (metrics), its prediction at the same records (NaN: none) and,
    for Remark 26, the same start moved by PERTURBATION (`perturbed`) with the
    first steps of both (`first_norms`)."""

    toy: Toy
    frame: pd.DataFrame
    predicted: np.ndarray
    perturbed: pd.DataFrame | None = None
    first_norms: pd.DataFrame | None = None

    @property
    def name(self) -> str:
        return self.toy.name

    @property
    def config(self) -> RunConfig:
        return self.toy.config

    @property
    def last_ratio(self) -> float:
        """Engine / prediction at the last record where both are positive (or NaN)."""
        loss, predicted = self.frame["loss"].to_numpy(float), self.predicted
        both = np.flatnonzero((loss > 0) & np.isfinite(predicted) & (predicted > 0))
        return float(loss[both[-1]] / predicted[both[-1]]) if both.size else np.nan


def make(name: str, n: int) -> Toy:
    """Toy `name` with n students where the toy lets n vary (toys 3 and Remark 26;
    Remark 26 with c = 1/n, exact in binary for COLLAPSE_NS)."""
    if name == "remark26":
        return collapse(n=n, c=1 / n, steps=COLLAPSE_STEPS)
    if name in ("toy3", "toy3+eps"):
        return TOYS[name](n=n)
    return TOYS[name]()


def toy_view(name: str, n: int, run: Callable = simulate) -> ToyView:
    """Run toy `name` and predict it; run(config, W0=, v=) -> Trajectory."""
    toy = make(name, n)
    trajectory = run(toy.config, W0=toy.W0, v=toy.v)
    predicted = predicted_loss(toy, trajectory.time, trajectory.steps)
    if name != "remark26":
        return ToyView(toy, trajectory.metrics, predicted)
    noise = np.random.default_rng(0).standard_normal(toy.W0.shape)
    moved = toy.W0 + PERTURBATION * float(np.linalg.norm(toy.v)) * noise
    other = run(toy.config, W0=moved, v=toy.v)
    first = _first_steps(trajectory, other, toy.v)
    return ToyView(toy, trajectory.metrics, predicted, other.metrics, first)


def _first_steps(exact, perturbed, v: np.ndarray, last: int = 4) -> pd.DataFrame:
    """Steps 0..last of both starts: max |w_i|, max |w_i - v/n| and the loss."""
    n = exact.config.n
    rows = []
    for label, run in (("exact −c·v", exact), ("perturbed by 1e-16", perturbed)):
        for index in range(last + 1):
            W = run.weights(index)
            rows.append(
                {
                    "start": label,
                    "step": int(run.steps[index]),
                    "max ‖w_i‖": float(np.linalg.norm(W, axis=1).max()),
                    "max ‖w_i − v/n‖": float(np.linalg.norm(W - v / n, axis=1).max()),
                    "loss L": float(run.loss[index]),
                }
            )
    return pd.DataFrame(rows)

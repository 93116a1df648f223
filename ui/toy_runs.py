"""The Toy cases page's numbers: each toy run next to its analytic prediction.

Pure functions over core.toys (no Streamlit); ui.story_runs caches them.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import RunConfig, simulate
from core.toys import TOYS, identical, predicted_loss

TOY_NAMES = tuple(TOYS)
# Remark 26 is exact in binary for these (n, c = 1/n): w_i(1) == 0 exactly.
COLLAPSE_NS = (2, 4)
COLLAPSE_STEPS = 1000
PERTURBATION = 1e-16  # per coordinate, times |v|: one rounding error's worth
PREDICTIONS = {
    "toy1": "π²‖v‖²/(6(ηt)³)",
    "toy2": "L(0)·(1 − nη/2)^(2T)",
    "toy3": "n² × (n = 1 run, teacher v/n, step nη)",
    "toy3+eps": "toy 3 without the perturbation",
    "remark26": "w_i(1) = 0, w_i(2) = v/n, then L = 0",
}


@dataclass(frozen=True)
class ToyView:
    """A toy's run (metrics), its prediction at the same records (NaN: none) and,
    for Remark 26, the same start moved by PERTURBATION (`perturbed`)."""

    name: str
    config: RunConfig
    frame: pd.DataFrame
    predicted: np.ndarray
    perturbed: pd.DataFrame | None = None
    first_norms: pd.DataFrame | None = None

    @property
    def last_ratio(self) -> float:
        """Engine / prediction at the last record where both are positive (or NaN)."""
        loss, predicted = self.frame["loss"].to_numpy(float), self.predicted
        both = np.flatnonzero((loss > 0) & np.isfinite(predicted) & (predicted > 0))
        return float(loss[both[-1]] / predicted[both[-1]]) if both.size else np.nan


def _toy(name: str, n: int):
    if name == "remark26":
        return TOYS[name](n=n, c=1 / n, steps=COLLAPSE_STEPS)
    if name in ("toy3", "toy3+eps"):
        return TOYS[name](n=n)
    return TOYS[name]()


def toy_view(name: str, n: int) -> ToyView:
    """Run toy `name` (n students where the toy allows a choice) and predict it."""
    toy = _toy(name, n)
    trajectory = simulate(toy.config, W0=toy.W0, v=toy.v)
    time, steps = trajectory.time, trajectory.steps
    if name == "toy3+eps":
        # The unperturbed start is the prediction the perturbation departs from.
        base = identical(n=n, eta=toy.config.eta, steps=toy.config.steps)
        predicted = predicted_loss(base, time, steps)
    elif name == "remark26":
        predicted = np.where(steps == 1, 0.25 * float(toy.v @ toy.v), np.nan)
        predicted = np.where(steps >= 2, 0.0, predicted)
    else:
        predicted = predicted_loss(toy, time, steps)
    if name == "toy1":  # an asymptotic law: drawn from ηt = 1 on
        predicted = np.where(time >= 1, predicted, np.nan)
    if name != "remark26":
        return ToyView(name, toy.config, trajectory.metrics, predicted)
    noise = np.random.default_rng(0).standard_normal(toy.W0.shape)
    moved = toy.W0 + PERTURBATION * float(np.linalg.norm(toy.v)) * noise
    other = simulate(toy.config, W0=moved, v=toy.v)
    return ToyView(
        name,
        toy.config,
        trajectory.metrics,
        predicted,
        perturbed=other.metrics,
        first_norms=_first_steps(trajectory, other, toy.v),
    )


def _first_steps(exact, perturbed, v: np.ndarray, last: int = 4) -> pd.DataFrame:
    """Steps 0..last of both starts: max ‖w_i‖, max ‖w_i − v/n‖ and the loss."""
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

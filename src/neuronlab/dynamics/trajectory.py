"""Trajectory: what a run produced (DESIGN §4), arrays plus a tidy metrics frame."""

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from neuronlab.analysis.metrics import metrics_frame
from neuronlab.config import RunConfig

if TYPE_CHECKING:  # pandas loads with the first frame (neuronlab/__init__ says why)
    import pandas as pd


@dataclass(frozen=True)
class Trajectory:
    """R records of a run.

    steps : (R,) int64, from 0 to the last step run.  time : (R,) float64, eta*steps
    for GD and SGD, continuous time for gradient flow.  loss : (R,) population loss,
    always finite.  coords : (R, n, k) students in the orthonormal basis `basis`
    (d, k), whose first column is v/|v| (basis None: coords are in R^d).
    v_coords : the teacher in those coordinates, (k,) for one teacher, (m, k) for
    m (`teacher_coords` is (m, k) always).  empirical_loss : (R,) the
    training loss on the fixed samples (sgd), else None.
    status : "completed" | "diverged" | "stopped"; message says why.
    diagnostics : the optimiser's own numbers per record, (R,) each by column
    (neuronlab.optim.optimizers: e.g. gn_lambda, adam_mean_step); empty for plain GD.
    a : (R, n) the output weights of a trained layer (config.output "trained")
    at each record, recorded with W; None when they are fixed at 1.
    """

    config: RunConfig
    steps: np.ndarray
    time: np.ndarray
    loss: np.ndarray
    coords: np.ndarray
    basis: np.ndarray | None
    v_coords: np.ndarray
    status: str
    message: str
    empirical_loss: np.ndarray | None = None
    diagnostics: dict = field(default_factory=dict)
    a: np.ndarray | None = None

    @classmethod
    def from_records(cls, state, status: str, message: str) -> "Trajectory":
        records = state.records
        # Only runs on fixed samples measure a training loss (NaN elsewhere).
        empirical = np.array([r.empirical_loss for r in records])
        if np.isnan(empirical).all():
            empirical = None
        names = sorted({name for r in records for name in r.diagnostics})
        nan = float("nan")
        diagnostics = {
            name: np.array([r.diagnostics.get(name, nan) for r in records])
            for name in names
        }
        return cls(
            config=state.config,
            steps=np.array([r.step for r in records], dtype=np.int64),
            time=np.array([r.time for r in records], dtype=np.float64),
            loss=np.array([r.loss for r in records], dtype=np.float64),
            coords=np.stack([r.W for r in records]),
            basis=state.basis,
            v_coords=state.v,
            status=status,
            message=message,
            empirical_loss=empirical,
            diagnostics=diagnostics,
            a=None if records[0].a is None else np.stack([r.a for r in records]),
        )

    @property
    def final_a(self) -> np.ndarray | None:
        """Output weights (n,) at the last record (None: fixed at 1)."""
        return None if self.a is None else self.a[-1]

    def weights(self, index: int) -> np.ndarray:
        """Students (n, d) at record `index`, in the original coordinates."""
        W = self.coords[index]
        return W if self.basis is None else W @ self.basis.T

    @property
    def final_W(self) -> np.ndarray:
        """Students (n, d) at the last record."""
        return self.weights(-1)

    @property
    def v(self) -> np.ndarray:
        """The one teacher (d,) in the original coordinates (m = 1 only: with
        several teachers use `teachers`)."""
        if self.v_coords.ndim != 1:
            raise ValueError(
                f"this run has {len(self.v_coords)} teachers: use Trajectory.teachers "
                "(m, d) instead of Trajectory.v"
            )
        return self.v_coords if self.basis is None else self.basis @ self.v_coords

    @property
    def teacher_coords(self) -> np.ndarray:
        """Teachers (m, k) in the run's coordinates, for every m."""
        return np.atleast_2d(self.v_coords)

    @property
    def teachers(self) -> np.ndarray:
        """Teachers (m, d) in the original coordinates, for every m."""
        V = self.teacher_coords
        return V if self.basis is None else V @ self.basis.T

    @cached_property
    def metrics(self) -> "pd.DataFrame":
        """One row per record: loss, angles, h, H, norms, z, Z, kappa, rates."""
        return metrics_frame(
            self.steps,
            self.time,
            self.loss,
            self.coords,
            self.v_coords,
            self.empirical_loss,
            self.diagnostics,
            self.a,
        )

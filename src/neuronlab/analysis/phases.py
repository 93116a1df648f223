"""The three phases of paper-notes §5, detected from a run's own records.

The theory's constants are unspecified, so the boundaries are empirical, with the
thresholds stated here (and shown by the app):
- alignment ends (T1) at the first record with theta_max <= ALIGNED;
- the H phase runs from T1 while the loss is mostly the linear part, 1/4 |r|^2 >=
  LINEAR_SHARE * L; in it H shrinks by (1 - n eta/2) per step (eq. 36);
- the slow phase (n >= 2) starts at T2, the first record after T1 where the angular
  terms carry most of the loss; there L^(-1/3) and 1/Z grow linearly in t.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

ALIGNED = 0.1  # rad: theta_max below this ends Phase 1
LINEAR_SHARE = 0.5  # Phase 2 while 1/4 |r|^2 is at least this share of L


@dataclass(frozen=True)
class Phases:
    """Record times t (eta * step for GD) bounding the phases; NaN when a phase is
    not reached. h_factor is the fitted per-step factor of |H| in Phase 2 and
    h_factor_predicted = 1 - n eta / 2 (GD; for flow exp(-n/2) per unit time)."""

    t1: float
    t2: float
    t_end: float
    h_factor: float
    h_factor_predicted: float
    slow_linearity: dict[str, float]

    def intervals(self) -> list[tuple[str, float, float]]:
        """(name, start, end) of each reached phase, for shading time axes."""
        bounds = [("alignment", 0.0, self.t1), ("H decay", self.t1, self.t2)]
        bounds.append(("slow (T^-3)", self.t2, self.t_end))
        out = []
        for name, start, end in bounds:
            if np.isnan(start):
                break
            out.append((name, start, self.t_end if np.isnan(end) else end))
        return out


def _linear_fit_r2(x: np.ndarray, y: np.ndarray) -> float:
    """R^2 of the least-squares line through (x, y)."""
    if len(x) < 3:
        return float("nan")
    residual = y - np.polyval(np.polyfit(x, y, 1), x)
    return float(1 - residual.var() / y.var()) if y.var() > 0 else float("nan")


def detect_phases(
    frame: pd.DataFrame, n: int, eta: float, method: str = "gd"
) -> Phases:
    """Phase boundaries of a metrics frame (neuronlab.Trajectory.metrics)."""
    t = frame.time.to_numpy()
    aligned = np.flatnonzero(frame.theta_max.to_numpy() <= ALIGNED)
    t1 = float(t[aligned[0]]) if aligned.size else float("nan")
    t2 = float("nan")
    if aligned.size and n >= 2:
        linear = (
            0.25 * frame.r_norm.to_numpy() ** 2 >= LINEAR_SHARE * frame.loss.to_numpy()
        )
        late = np.flatnonzero(~linear & (t > t1))
        t2 = float(t[late[0]]) if late.size else float("nan")
    # |H| stops shrinking at the rounding floor: fit only well above it.
    floor = 1e-12 * float(frame.H.abs().iloc[aligned[0]]) if aligned.size else 0.0
    before_t2 = (t <= t2) if not np.isnan(t2) else True
    phase2 = (t >= t1) & before_t2 & (frame.H.abs().to_numpy() > floor)
    h_factor = float("nan")
    if phase2.sum() >= 3:
        # log|H| is linear in time with slope log(factor) per unit of t.
        slope = np.polyfit(t[phase2], np.log(frame.H.abs()[phase2]), 1)[0]
        h_factor = (
            float(np.exp(slope * eta)) if method != "flow" else float(np.exp(slope))
        )
    predicted = 1 - n * eta / 2 if method != "flow" else float(np.exp(-n / 2))
    slow = frame[t >= t2] if not np.isnan(t2) else frame.iloc[0:0]
    linearity = {
        "loss_inv_cbrt": _linear_fit_r2(
            slow.time.to_numpy(), slow.loss_inv_cbrt.to_numpy()
        ),
        "Z_inv": _linear_fit_r2(slow.time.to_numpy(), slow.Z_inv.to_numpy()),
    }
    return Phases(t1, t2, float(t[-1]), h_factor, predicted, linearity)

"""One run in a few numbers, and K seeds of a run as median and bands.

The record grid is shared by all runs (neuronlab.dynamics.schedule), so seeds align record by
record and summaries compare across configs.
"""

import numpy as np
import pandas as pd

from neuronlab.analysis.fits import fit_power_tail
from neuronlab.dynamics.trajectory import Trajectory

SUMMARY_COLUMNS = (
    "final_loss",
    "status",
    "message",
    "tail_exponent",
    "tail_C",
    "t_below_1e-6",
    "t_below_1e-9",
    "steps_below_1e-9",
    "above_1e-3_final",
    "balance_final",
    "norm_min_final",
    "norm_max_final",
)


def tail(frame: pd.DataFrame) -> pd.DataFrame:
    """The records of the last decade of time (t >= t_end / 10, t > 0)."""
    t_end = frame.time.iloc[-1]
    return frame[(frame.time >= t_end / 10) & (frame.time > 0) & (frame.loss > 0)]


def tail_exponent(frame: pd.DataFrame) -> float:
    """Least-squares slope of log L against log t over the last decade."""
    last = tail(frame)
    if len(last) < 3:
        return float("nan")
    return float(np.polyfit(np.log(last.time), np.log(last.loss), 1)[0])


def tail_constant(frame: pd.DataFrame) -> float:
    """C in L ~ C t^-3 (t = eta T for GD), fitted over the last decade (as the
    app's guide line is)."""
    fit = fit_power_tail(frame.time.to_numpy(), frame.loss.to_numpy())
    return float("nan") if fit is None else fit.C


def first_time_below(frame: pd.DataFrame, level: float) -> float:
    """First recorded t with L < level (NaN if never)."""
    below = frame.time[frame.loss < level]
    return float(below.iloc[0]) if len(below) else float("nan")


def summarise(traj: Trajectory) -> dict:
    """The sweep row of one run (SUMMARY_COLUMNS)."""
    frame = traj.metrics
    last = frame.iloc[-1]
    return {
        "final_loss": float(traj.loss[-1]),
        "status": traj.status,
        "message": traj.message,
        "tail_exponent": tail_exponent(frame),
        "tail_C": tail_constant(frame),
        "t_below_1e-6": first_time_below(frame, 1e-6),
        "t_below_1e-9": first_time_below(frame, 1e-9),
        "steps_below_1e-9": first_time_below(frame, 1e-9) / traj.config.eta,
        # Safran & Shamir's "bad" start: a share over seeds in the Sweeps cells.
        "above_1e-3_final": float(traj.loss[-1] >= 1e-3),
        # One teacher: the paper's h_max/h_min; m teachers: the worst teacher's.
        "balance_final": float(last.get("balance", last.get("teacher_balance"))),
        "norm_min_final": float(last.norm_min),
        "norm_max_final": float(last.norm_max),
    }


def ensemble_bands(
    frames: list[pd.DataFrame],
    columns: tuple[str, ...] = ("loss",),
    quantiles: tuple[float, float] = (0.1, 0.9),
) -> pd.DataFrame:
    """Median and quantile band of `columns` over runs, at each common record step.

    Runs that stopped early (divergence) contribute only the steps they reached.
    Returns step, time, and for each column c: c_median, c_lo, c_hi, plus runs
    (how many runs reached each step).
    """
    stacked = pd.concat(
        [f[["step", "time", *columns]].assign(run=i) for i, f in enumerate(frames)]
    )
    grouped = stacked.groupby("step", sort=True)
    out = pd.DataFrame({"time": grouped.time.first(), "runs": grouped.run.nunique()})
    for column in columns:
        values = grouped[column]
        out[f"{column}_median"] = values.median()
        out[f"{column}_lo"] = values.quantile(quantiles[0])
        out[f"{column}_hi"] = values.quantile(quantiles[1])
    return out.reset_index()

"""Straight-line fits on the tail of a run: the t^-3 law's constant, the slope of
L^(-1/3) and 1/Z, and the guides the app draws over its charts."""

from dataclasses import dataclass

import numpy as np

# Fewer tail records than this make a guide that is mostly noise.
MIN_TAIL_POINTS = 5
# A loss this far below its start is past double precision's meaning for O(1)
# weights: GD's floor at n = 1 is ~1e-31 of L(0), flow's solver bends below it.
RELATIVE_FLOOR = 1e-29


@dataclass(frozen=True)
class PowerFit:
    """y ≈ C · t^exponent on [t_start, t_end]."""

    C: float
    exponent: float
    t_start: float
    t_end: float

    def __call__(self, t: np.ndarray) -> np.ndarray:
        return self.C * np.power(t, self.exponent)


@dataclass(frozen=True)
class LineFit:
    """y ≈ slope · t + intercept on [t_start, t_end]."""

    slope: float
    intercept: float
    t_start: float
    t_end: float

    def __call__(self, t: np.ndarray) -> np.ndarray:
        return self.slope * t + self.intercept


def fit_power_tail(
    t: np.ndarray, y: np.ndarray, exponent: float = -3.0, decades: float = 1.0
) -> PowerFit | None:
    """C of y ≈ C t^exponent, least squares in log space over the last decades of t.

    The exponent is fixed (the theory's -3, paper notes §5): fitting it too would
    report the slow logarithmic drift of the local slope, not the law.
    t, y : (R,). None when the tail has too few finite positive points.
    """
    mask = np.isfinite(t) & np.isfinite(y) & (t > 0) & (y > 0)
    if not mask.any():
        return None
    t, y = t[mask], y[mask]
    tail = t >= t.max() / 10.0**decades
    if tail.sum() < MIN_TAIL_POINTS:
        return None
    log_C = np.mean(np.log(y[tail]) - exponent * np.log(t[tail]))
    return PowerFit(float(np.exp(log_C)), exponent, float(t[tail][0]), float(t[-1]))


def fit_line_tail(
    t: np.ndarray, y: np.ndarray, fraction: float = 0.5
) -> LineFit | None:
    """Least-squares line through the points with t in the last `fraction` of time.

    L^{-1/3} and 1/Z are straight lines in the slow phase (paper notes §6, §10);
    the fit's slope is the readable rate. t, y : (R,). None when too few points.
    """
    mask = np.isfinite(t) & np.isfinite(y)
    if not mask.any():
        return None
    t, y = t[mask], y[mask]
    tail = t >= t.max() * (1.0 - fraction)
    if tail.sum() < MIN_TAIL_POINTS or np.ptp(t[tail]) == 0:
        return None
    slope, intercept = np.polynomial.polynomial.polyfit(t[tail], y[tail], 1)[::-1]
    return LineFit(float(slope), float(intercept), float(t[tail][0]), float(t[-1]))


@dataclass(frozen=True)
class ExpFit:
    """y ≈ C · exp(-rate · t) on [t_start, t_end]."""

    C: float
    rate: float
    t_start: float
    t_end: float

    def __call__(self, t: np.ndarray) -> np.ndarray:
        return self.C * np.exp(-self.rate * t)


def fit_exponential_tail(
    t: np.ndarray, y: np.ndarray, above_floor: float = 100.0
) -> ExpFit | None:
    """y ≈ C e^(-rate t), least squares of ln y on t over the second half (in time)
    of the records still above_floor times above the run's lowest value and above
    RELATIVE_FLOOR of its highest: exponential decay stops at the rounding floor
    (1e-31 for GD at n = 1), and gradient flow's solver bends it below that; neither
    may bend the fit. t, y : (R,). None when too few points."""
    mask = np.isfinite(t) & np.isfinite(y) & (y > 0)
    if not mask.any():
        return None
    t, y = t[mask], y[mask]
    falling = y > max(above_floor * y.min(), RELATIVE_FLOOR * y.max())
    if not falling.any():
        return None
    end = t[falling].max()
    tail = falling & (t >= end / 2)
    if tail.sum() < MIN_TAIL_POINTS or np.ptp(t[tail]) == 0:
        return None
    slope, log_C = np.polynomial.polynomial.polyfit(t[tail], np.log(y[tail]), 1)[::-1]
    return ExpFit(float(np.exp(log_C)), float(-slope), float(t[tail][0]), float(end))

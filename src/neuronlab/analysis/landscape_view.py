"""What the Landscape page shows of one point, computed in one call (no plotting).

A point is where a run stops or could stop (neuronlab.analysis.landscape): "run" (the end of a
GD run of the paper's setting, polished), "global" (that run's own global minimum
w*_i = (h_i / sum_j h_j) v, paper-notes §1), "stuck" (the first of Safran &
Shamir's seeds, k = n orthonormal teachers, that ends above L = 1e-3, polished)
and "split" (that minimum with its first student split in two: n = k + 1). Then
its spectrum, a 2-D slice of L through two telling directions with the run's
path projected on it, and at a saddle, short GD runs from either side of it
along the most negative eigenvector.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from neuronlab.analysis.complement import full_spectrum
from neuronlab.analysis.landscape import (
    CriticalPoint,
    classify,
    critical_point,
    split_point,
)
from neuronlab.config import RunConfig
from neuronlab.dynamics.run import simulate
from neuronlab.dynamics.trajectory import Trajectory
from neuronlab.models.population import population_loss

POINTS = ("run", "global", "stuck", "split")
BAD_LOSS = 1e-3  # Safran & Shamir's threshold (neuronlab.analysis.beyond.BAD_LOSS)
GRID = 41  # slice resolution per axis
ESCAPE = 1e-3  # step off a saddle, relative to |W|
ESCAPE_STEPS = 20_000  # GD steps (eta 0.1) of each escape run


@dataclass(frozen=True)
class Slice:
    """L(W + a d1 + b d2) - L(W) on a grid: a (p,), b (q,), excess (q, p);
    path (records, 2): each record of the run, W(t) - W projected on d1, d2;
    values (2,): the Hessian's curvature along d1 and d2."""

    a: np.ndarray
    b: np.ndarray
    excess: np.ndarray
    path: np.ndarray
    values: np.ndarray
    names: tuple[str, str]


@dataclass(frozen=True)
class LandscapeView:
    """point : one of POINTS.  run : the Trajectory that led there (None for a
    split point).  cp : the point, classified.  control : the n = 1 global
    minimum of the same teacher (one-teacher points), for the spectra side by
    side.  slice : a Slice.  escape : {"+": trajectory, "-": trajectory} at a
    saddle, else {}.  stuck : the polished stuck seeds searched ("stuck",
    "split"), as (seed, CriticalPoint)."""

    point: str
    run: Trajectory | None
    cp: CriticalPoint
    control: CriticalPoint | None
    slice: Slice
    escape: dict
    stuck: tuple


def stuck_config(k: int, seed: int, steps: int = 5_000) -> RunConfig:
    """Safran & Shamir's protocol: V = I_k (d = k), n = k, W0 ~ N(0, 1/d), eta 0.1."""
    return RunConfig(
        n=k, d=k, teachers=k, sigma=1 / math.sqrt(k), eta=0.1, steps=steps, seed=seed
    )


def stuck_seeds(k: int, seed: int, seeds: int, run: Callable = simulate) -> list:
    """(trajectory, polished CriticalPoint) for every seed in seed..seed+seeds-1
    whose run ends with L >= BAD_LOSS."""
    found = []
    for s in range(seed, seed + seeds):
        traj = run(stuck_config(k, s))
        if traj.loss[-1] >= BAD_LOSS:
            found.append((traj, critical_point(traj.final_W, traj.teachers)))
    return found


def _directions(cp: CriticalPoint, path: np.ndarray | None):
    """(d1, d2, curvatures, names): the most negative (saddle) or flattest
    eigenvector and the stiffest one; on a flat set, the zero mode along which
    the run arrives (its last record's offset, projected on the null space)."""
    spectrum = full_spectrum(cp.W, cp.v, cp.activation, cp.alpha)
    d1, first = spectrum.direction(0), "most negative" if cp.index else "flattest"
    if cp.index == 0 and cp.nullity and path is not None:
        arrival = spectrum.null_part(path[-1] - cp.W, cp.tolerance)
        if np.linalg.norm(arrival) > 1e-8 * np.linalg.norm(path[-1] - cp.W):
            d1, first = (
                arrival / np.linalg.norm(arrival),
                "zero mode the run arrives on",
            )
    d2 = spectrum.direction(len(spectrum.values) - 1)
    d2 = d2 - (d2 * d1).sum() * d1  # exactly orthogonal in the slice's plane
    d2 /= np.linalg.norm(d2)
    values = np.array([_curvature(spectrum, d) for d in (d1, d2)])
    return d1, d2, values, (first, "stiffest")


def _curvature(spectrum, direction: np.ndarray) -> float:
    """d^T H d through the eigen-decomposition (the Hessian is never formed in R^nd)."""
    inside = direction @ spectrum.basis
    span = spectrum.span_vectors.T @ inside.ravel()
    outside = direction - inside @ spectrum.basis.T
    block = spectrum.block_vectors.T @ outside
    return float(
        span**2 @ spectrum.span_values + (block**2).sum(1) @ spectrum.block_values
    )


def loss_slice(cp: CriticalPoint, path: np.ndarray | None) -> Slice:
    """The Slice at cp, wide enough for the last half of the path's records
    (the log grid's last decades: the approach, not the start at 0)."""
    d1, d2, values, names = _directions(cp, path)
    size = np.linalg.norm(cp.W)
    offsets = np.zeros((0, 2))
    if path is not None:
        offsets = np.array(
            [[(W - cp.W).ravel() @ d.ravel() for d in (d1, d2)] for W in path]
        )
    reach = np.abs(offsets[len(offsets) // 2 :]).max() * 1.1 if len(offsets) else 0.0
    extent = float(np.clip(reach, 0.02 * size, size))
    a = b = np.linspace(-extent, extent, GRID)
    base = cp.loss
    excess = np.array(
        [
            [population_loss(cp.W + x * d1 + y * d2, cp.v, cp.activation, cp.alpha) - base
             for x in a]
            for y in b
        ]
    )  # fmt: skip
    return Slice(a, b, excess, offsets, values, names)


def _escape(cp: CriticalPoint, steps: int, run: Callable) -> dict:
    """GD (eta 0.1) from cp.W -+ ESCAPE |W| along the most negative eigenvector."""
    if cp.index == 0:
        return {}
    d = full_spectrum(cp.W, cp.v, cp.activation, cp.alpha).direction(0)
    V = np.atleast_2d(cp.v)
    n, dim = cp.W.shape
    config = RunConfig(n=n, d=dim, teachers=len(V), eta=0.1, steps=steps)
    push = ESCAPE * np.linalg.norm(cp.W)
    return {s: run(config, W0=cp.W + float(f"{s}1") * push * d, v=cp.v) for s in "+-"}


def landscape_view(
    point: str, *, n=3, d=5, sigma=0.1, eta=0.1, steps=20_000, seed=0, k=8,
    seeds=40, escape_steps=ESCAPE_STEPS, run: Callable = simulate,
) -> LandscapeView:  # fmt: skip
    """The point (POINTS) for the run fields (the paper's setting, GD) or for
    Safran & Shamir's k; `run(config, W0=None, v=None)` runs a config."""
    stuck: tuple = ()
    control = None
    if point in ("run", "global"):
        traj = run(RunConfig(n=n, d=d, sigma=sigma, eta=eta, steps=steps, seed=seed))
        if point == "run":
            cp = critical_point(traj.final_W, traj.v)
        else:
            h = traj.final_W @ (traj.v / np.linalg.norm(traj.v))
            cp = classify(np.outer(h / h.sum(), traj.v), traj.v)
        control = classify(traj.v[None], traj.v)
    else:
        found = stuck_seeds(k, seed, seeds, run)
        stuck = tuple((t.config.seed, p) for t, p in found)
        if not found:
            raise LookupError(
                f"none of seeds {seed}..{seed + seeds - 1} got stuck at k = {k}: "
                "try more seeds (Safran & Shamir: 0.3 % at k = 6, 34.6 % at k = 10)"
            )
        traj, cp = found[0]
        if point == "split":
            traj, cp = None, split_point(cp, 0)
    escape = _escape(cp, escape_steps, run)
    # A split point has no run that led to it: its slice shows the way out.
    shown = traj if traj is not None else escape.get("+")
    path = None if shown is None else _records(shown)
    return LandscapeView(point, traj, cp, control, loss_slice(cp, path), escape, stuck)


def _records(traj: Trajectory) -> np.ndarray:
    """(records, n, d): W at every record of traj."""
    return np.stack([traj.weights(i) for i in range(len(traj.loss))])

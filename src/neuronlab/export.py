"""Trajectories as files: CSV (metrics) or JSON (config, weights, metrics).

Every export carries the config, the package version and the git commit it was
made with, so a file says how to reproduce it (`python -m neuronlab run --config F`).
A CSV is plain (pandas.read_csv(path) and a spreadsheet read it as it is): what
it was made with goes beside it, in NAME.config.json (a JSON export without the
records, itself a valid --config).
"""

import json
import math
import subprocess
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from neuronlab.dynamics.trajectory import Trajectory

# One version, the distribution's (pyproject.toml); files carry it.
VERSION = metadata.version("neuronlab")


def git_commit() -> str:
    """The commit of the checkout holding this package ("unknown" outside git)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip()


def provenance() -> dict[str, str]:
    return {"lab_version": VERSION, "commit": git_commit()}


def _finite_or_none(values) -> list:
    """Plain numbers, NaN and inf as null: strict JSON has neither."""
    return [
        None if isinstance(x, float) and not math.isfinite(x) else x for x in values
    ]


def to_json(traj: Trajectory, W0=None, v=None, records: bool = True) -> str:
    """Config, provenance, status, final weights (with a trained output layer's
    final_a) and every record (their a_i columns too) (not with
    records=False: a CSV's companion). W0 (n, d) and v (d,) are included when the
    run started from given weights."""
    doc = provenance() | {
        "config": traj.config.to_dict(),
        "status": traj.status,
        "message": traj.message,
        "final_W": traj.final_W.tolist(),
        # The teacher as the engine takes it: (d,) for one, (m, d) for m.
        "v": (traj.v if traj.config.teachers == 1 else traj.teachers).tolist(),
    }
    if traj.a is not None:  # a trained output layer: its weights end with W
        doc["final_a"] = traj.final_a.tolist()
    if W0 is not None:
        doc["init"] = {"W0": np.asarray(W0).tolist(), "v": np.asarray(v).tolist()}
    frame = traj.metrics
    if records:
        doc["records"] = {
            col: _finite_or_none(frame[col].tolist()) for col in frame.columns
        }
    return json.dumps(doc, indent=1, allow_nan=False)


def to_csv(traj: Trajectory) -> str:
    """The metrics as plain CSV, one row per record (the config: to_json)."""
    return traj.metrics.to_csv(index=False)


def companion(path: Path) -> Path:
    """Where a CSV's provenance and config go: run.csv -> run.config.json."""
    return path.with_name(f"{path.stem}.config.json")


def write_table(frame: pd.DataFrame, path: Path, about: dict) -> None:
    """A table (a sweep's, an experiment's) as plain CSV at `path`, and its
    provenance with `about` (what made it) in companion(path)."""
    path.write_text(frame.to_csv(index=False))
    doc = provenance() | about
    companion(path).write_text(json.dumps(doc, indent=1, allow_nan=False))


def write(traj: Trajectory, path: Path, W0=None, v=None) -> None:
    """Write by extension: .json, or .csv and its companion (config, status)."""
    if path.suffix == ".json":
        path.write_text(to_json(traj, W0, v))
        return
    path.write_text(to_csv(traj))
    companion(path).write_text(to_json(traj, W0, v, records=False))

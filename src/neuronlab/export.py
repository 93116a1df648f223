"""Trajectories as files: CSV (metrics) or JSON (config, weights, metrics).

Every export carries the config, the package version and the git commit it was
made with, so a file says how to reproduce it (`python -m neuronlab run --config F`).
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


def _provenance_line() -> str:
    head = provenance()
    return f"# single-neuron lab {head['lab_version']}, commit {head['commit']}"


def _finite_or_none(values) -> list:
    """Plain numbers, NaN and inf as null: strict JSON has neither."""
    return [
        None if isinstance(x, float) and not math.isfinite(x) else x for x in values
    ]


def to_json(traj: Trajectory, W0=None, v=None) -> str:
    """Config, provenance, status, final weights and every record. W0 (n, d) and
    v (d,) are included when the run started from given weights."""
    doc = provenance() | {
        "config": traj.config.to_dict(),
        "status": traj.status,
        "message": traj.message,
        "final_W": traj.final_W.tolist(),
        # The teacher as the engine takes it: (d,) for one, (m, d) for m.
        "v": (traj.v if traj.config.teachers == 1 else traj.teachers).tolist(),
    }
    if W0 is not None:
        doc["init"] = {"W0": np.asarray(W0).tolist(), "v": np.asarray(v).tolist()}
    frame = traj.metrics
    doc["records"] = {
        col: _finite_or_none(frame[col].tolist()) for col in frame.columns
    }
    return json.dumps(doc, indent=1, allow_nan=False)


def to_csv(traj: Trajectory) -> str:
    """The metrics, after '#' header lines with provenance, config and status
    (pandas.read_csv(path, comment='#') reads it back)."""
    lines = [
        _provenance_line(),
        f"# config: {json.dumps(traj.config.to_dict())}",
        f"# status: {traj.status}: {traj.message}",
    ]
    return "\n".join(lines) + "\n" + traj.metrics.to_csv(index=False)


def sweep_csv(frame: pd.DataFrame) -> str:
    """A sweep's table after a '#' provenance line (read_csv(path, comment='#'))."""
    return _provenance_line() + "\n" + frame.to_csv(index=False)


def write(traj: Trajectory, path: Path, W0=None, v=None) -> None:
    """Write by extension: .json or .csv."""
    text = to_json(traj, W0, v) if path.suffix == ".json" else to_csv(traj)
    path.write_text(text)

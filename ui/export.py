"""Downloads: exactly the records on screen, as CSV (metrics) and JSON (the run)."""

import json

import numpy as np
import pandas as pd


def metrics_csv(trajectory) -> str:
    """One row per record, every metric column; NaN written as an empty field."""
    return trajectory.metrics.to_csv(index=False)


def _plain(frame: pd.DataFrame) -> dict[str, list]:
    """Columns as lists of Python numbers, undefined values (NaN, inf) as null."""
    clean = frame.replace([np.inf, -np.inf], np.nan)
    return clean.astype(object).where(clean.notna(), None).to_dict(orient="list")


def run_json(trajectory) -> str:
    """Config, outcome, teacher, final weights (n, d) and every record.

    Loading `config` into RunConfig and rerunning reproduces the records.
    """
    document = {
        "config": trajectory.config.to_dict(),
        "status": str(trajectory.status),
        "message": trajectory.message,
        "teacher_v": np.asarray(trajectory.v).tolist(),
        "final_W": np.asarray(trajectory.final_W).tolist(),
        "records": _plain(trajectory.metrics),
    }
    return json.dumps(document, allow_nan=False)

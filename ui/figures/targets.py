"""What each target of `python -m ui.export` computes and draws (ui.figures.export).

A target reads its parsed flags, checks them (InputError names the flag) and
returns compute() -> {chart name: go.Figure}: nothing runs before every check has
passed. Each computes with the page's own task (ui.tasks) and draws with the
page's own builders (ui.figures.pages).
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import neuronlab
from neuronlab import RunConfig
from neuronlab.cli.inputs import FIELDS, InputError, flag_of, run_inputs
from neuronlab.config import ConfigError
from ui import tasks
from ui.fields import COMPARE, PHASES
from ui.figures.pages import (
    contrast_config,
    explore_figures,
    figure1_figures,
    phases_figures,
    toy_figures,
)


class Headless:
    """A job's interface for a task computed here: no caps, no shared cache."""

    def __call__(self, fraction: float, partial=None) -> None:
        """Progress is not shown: the CLI prints the files it wrote."""

    def memo(self, key, compute):
        return compute()


@dataclass(frozen=True)
class SavedRun:
    """A run as neuronlab.export.to_json wrote it: its records, no coordinates."""

    config: RunConfig
    metrics: pd.DataFrame
    status: str
    steps: np.ndarray
    coords: None = None


def read_run(path: Path) -> SavedRun:
    """The run in a JSON export of `python -m neuronlab run` (or Explore's download)."""
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError, RecursionError) as error:
        raise InputError("--run", f"cannot read {path}: {error}") from None
    need = {"config": dict, "records": dict, "status": str}
    if not isinstance(doc, dict) or any(
        not isinstance(doc.get(k), t) for k, t in need.items()
    ):
        raise InputError(
            "--run",
            f'{path} is not a JSON export of a run: it needs "config" and "records" '
            '(objects) and "status" (a string), as `python -m neuronlab run --out F.json` '
            "writes them",
        )
    try:
        config = RunConfig.from_mapping(doc["config"])
    except ConfigError as error:
        raise InputError("--run", f'"config" in {path}: {error}') from None
    try:
        # Each column's own dtype (step stays int64), null as NaN, as it was drawn.
        metrics = pd.DataFrame(doc["records"]).apply(pd.to_numeric)
        steps = metrics["step"].to_numpy(np.int64)
    except (ValueError, TypeError, KeyError) as error:
        raise InputError(
            "--run", f'"records" in {path} must be columns of numbers: {error}'
        ) from None
    saved = SavedRun(config, metrics, doc["status"], steps)
    try:  # drawn once here, so that a file missing a column fails before any run
        explore_figures(saved)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise InputError(
            "--run", f'"records" in {path} do not hold the run\'s metrics: {error!r}'
        ) from None
    return saved


def _run_metrics(config: RunConfig | None):
    return None if config is None else neuronlab.simulate(config).metrics


def figure1(args):
    values = COMPARE.defaults() | COMPARE.presets["figure1"].values
    scalars = {k: values[k] for k in ("d", "sigma", "eta", "steps")}
    task = tasks.compare(values["ns"], values["seeds"], **scalars)

    def compute():
        left, whole, _ = task.work(Headless())
        return figure1_figures(left, whole, values)

    return compute


def phases(args):
    config, W0, _ = run_inputs(args)
    if W0 is not None:
        raise InputError(
            "--config",
            "phases runs from the default start; this run started from given weights "
            '("init"): draw it with `explore --run FILE` instead',
        )
    names = list(PHASES.config_values(PHASES.defaults()))
    for field in FIELDS:
        if field.name not in names and getattr(config, field.name) != field.default:
            allowed = ", ".join(map(flag_of, names))
            raise InputError(
                flag_of(field.name),
                f"the Phases page draws GD runs of the paper's model: {allowed} only",
            )
    fields = {name: getattr(config, name) for name in names}
    task = tasks.phases(tuple(PHASES.defaults()["at"]), **fields)

    def compute():
        run, spectra = task.work(Headless())
        return phases_figures(run, spectra, fields)

    return compute


def toys(args):
    task = tasks.toy(args.case, args.n)
    return lambda: toy_figures(args.case, task.work(Headless()))


def explore(args):
    if args.run is None:
        config, W0, v = run_inputs(args)
        return lambda: explore_figures(
            neuronlab.simulate(config, W0, v), _run_metrics(contrast_config(config))
        )
    given = [f.name for f in FIELDS if getattr(args, f.name) is not None]
    given += [k for k in ("config", "W0", "v") if getattr(args, k) is not None]
    if given:
        raise InputError(
            "--run",
            f"a saved run is drawn as it was run: give it alone, without "
            f"{flag_of(given[0])}",
        )
    saved = read_run(args.run)
    return lambda: explore_figures(saved, _run_metrics(contrast_config(saved.config)))

"""`python -m neuronlab beyond EXPERIMENT ...`: one of the Beyond page's experiments
headless, its table as CSV (neuronlab.analysis.experiments; the same numbers as the page).

Each experiment has its own knobs (e.g. `--steps`, `--k` for the teachers); a
knob it does not have, or a value its configs refuse, stops with the usage line
and a message naming the flag (exit 2) before anything is computed.
"""

import argparse
import sys
import time
from pathlib import Path

from neuronlab.analysis.beyond import measure, run_task, tasks
from neuronlab.analysis.experiments import EXPERIMENTS
from neuronlab.cli.inputs import InputError, writable_out
from neuronlab.config import ConfigError
from neuronlab.export import write_table

MAX_SEEDS = 10_000
_KNOBS = sorted({name for e in EXPERIMENTS.values() for name in e.knobs})


def add_beyond(commands) -> None:
    """The `beyond` subcommand of `python -m neuronlab`."""
    parser = commands.add_parser(
        "beyond",
        allow_abbrev=False,
        help="run one experiment of the Beyond page and write its table",
        description="Run an experiment beyond the paper's setting over seeds and "
        "write its table (one row per arm) as CSV. Knobs and defaults: "
        + "; ".join(
            f"{key}: " + ", ".join(f"{k}={v}" for k, v in e.knobs.items())
            for key, e in EXPERIMENTS.items()
        ),
    )
    parser.add_argument("experiment", choices=list(EXPERIMENTS))
    parser.add_argument("--seeds", type=_seeds, help="seeds per arm (1..10,000)")
    for name in _KNOBS:
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, metavar="VALUE")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE")
    parser.set_defaults(handler=_beyond, command_parser=parser)


def _seeds(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_SEEDS:
        raise argparse.ArgumentTypeError(
            f"{text!r}: an integer from 1 to {MAX_SEEDS:,}"
        )
    return count


def _knobs(args) -> dict:
    experiment = EXPERIMENTS[args.experiment]
    knobs = {}
    for name in _KNOBS:
        raw = getattr(args, name)
        if raw is None:
            continue
        flag = f"--{name.replace('_', '-')}"
        if name not in experiment.knobs:
            raise InputError(flag, f"experiment {args.experiment} has no knob {name}"
                             f"; its knobs: {', '.join(experiment.knobs)}")  # fmt: skip
        try:
            number = float(raw)
        except ValueError:
            raise InputError(flag, f"{raw!r} is not a number") from None
        kind = type(experiment.knobs[name])
        knobs[name] = int(number) if kind is int and number.is_integer() else number
    return knobs


def _beyond(args) -> int:
    out = writable_out(args.out, (".csv",))
    experiment = EXPERIMENTS[args.experiment]
    seeds = args.seeds or experiment.seeds
    try:
        todo = tasks(experiment, seeds, **_knobs(args))
    except ConfigError as error:
        flag = f"--{error.field.replace('_', '-')}"
        raise InputError(flag if error.field in _KNOBS else "--" + args.experiment,
                         str(error)) from None  # fmt: skip
    except TypeError as error:  # a knob of the wrong kind for the experiment
        raise InputError("--" + args.experiment, str(error)) from None
    started, runs = time.perf_counter(), []
    for done, (arm, seed) in enumerate(todo, 1):
        runs.append(run_task(experiment, arm, seed))
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{done}/{len(todo)} runs, "
                             f"{time.perf_counter() - started:.0f} s ")  # fmt: skip
    table = measure(experiment, runs)
    about = {"made by": f"python -m neuronlab beyond {args.experiment}",
             "seeds per arm": seeds}  # fmt: skip
    try:
        write_table(table, out, about)
    except OSError as error:
        raise InputError("--out", f"cannot write {out}: {error.strerror}") from None
    print(table.to_string(index=False))
    print(f"wrote {out}")
    return 0

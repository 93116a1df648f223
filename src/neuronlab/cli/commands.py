"""Headless runs: `python -m neuronlab run|sweep|beyond ...` write data (CSV, JSON),
never figures.

A run's flags and a sweep's axes are RunConfig's fields, with the help text and
choices of their metadata: a new field is a new flag with no edit here. Inputs and
outputs are checked before anything is computed; a bad one stops with the usage
line and a message naming the flag (exit status 2), never a traceback.
"""

import argparse
import sys
import time
from pathlib import Path

from neuronlab.cli.beyond import add_beyond
from neuronlab.cli.inputs import (
    AXES,
    FIELDS,
    InputError,
    flag_of,
    run_inputs,
    sweep_grid,
    writable_out,
)
from neuronlab.cores import usable_cores
from neuronlab.dynamics.run import advance, default_start, default_teacher, start_run
from neuronlab.export import write, write_table
from neuronlab.runs.cluster import ClusterError
from neuronlab.runs.sweep import MAX_RUNS, sweep


def _parser() -> argparse.ArgumentParser:
    # No abbreviations: a new field (teachers) would change what --teach means.
    parser = argparse.ArgumentParser(
        prog="python -m neuronlab",
        allow_abbrev=False,
        description="Single-Neuron Dynamics Lab engine: GD / gradient flow / SGD "
        "for n students learning a teacher neuron (Xu & Du, COLT 2023).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _add_run(commands)
    _add_sweep(commands)
    add_beyond(commands)
    return parser


def _add_run(commands) -> None:
    run = commands.add_parser(
        "run",
        allow_abbrev=False,
        help="simulate one run and write its records",
        description="Simulate one run and write every record (CSV or JSON by the "
        "extension of --out). Defaults are RunConfig's; flags override --config.",
    )
    add_run_flags(run)
    run.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="output: .csv or .json"
    )
    run.set_defaults(handler=_run, command_parser=run)


def add_run_flags(parser: argparse.ArgumentParser, weights: bool = True) -> None:
    """A run's flags on `parser`: every RunConfig field, --config, and (weights)
    --W0 and --v; `run_inputs(args)` reads them back (ui.export uses them too)."""
    for field in FIELDS:
        choices = field.metadata.get("choices")
        parser.add_argument(
            flag_of(field.name),
            dest=field.name,
            metavar=None if choices else field.name.upper(),
            choices=choices,
            type=str.lower if choices else str,
            help=field.metadata["help"],
        )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="JSON file with a run's config (a JSON export of this command works: "
        "it reproduces that run exactly, its start weights included)",
    )
    parser.set_defaults(W0=None, v=None)
    if not weights:
        return
    for name, text in (
        ("W0", "start weights W0, an (n, d)"),
        ("v", "teacher v, a (d,) (or (m, d) for m teachers)"),
    ):
        parser.add_argument(
            f"--{name}", type=Path, metavar="FILE", help=f"{text} .npy file"
        )


def _add_sweep(commands) -> None:
    sweep_parser = commands.add_parser(
        "sweep",
        allow_abbrev=False,
        help="run a grid of configs and write one summary row per run",
        description="Run every combination of the listed values (comma-separated; "
        "seeds also as ranges like 0-19), at most "
        f"{MAX_RUNS:,} runs, and write one row per run: the config, final_loss, "
        "status, tail_exponent, tail_C (L ~ C (eta t)^-3), t_below_1e-6, "
        "t_below_1e-9, balance_final, norm_min_final, norm_max_final.",
    )
    for field in AXES:
        choices = field.metadata.get("choices")
        listed = "one or more of " + ",".join(choices) if choices else "a list: 1,2,5"
        sweep_parser.add_argument(
            flag_of(field.name),
            dest=field.name,
            metavar="VALUES",
            help=f"{field.metadata['help']}; {listed}",
        )
    sweep_parser.add_argument(
        "--seeds", default="0", help="seeds: a list or ranges, e.g. 0-19 or 0,3,7"
    )
    where = sweep_parser.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler",
        help="address of a Dask distributed scheduler, e.g. tcp://10.0.0.5:8786 "
        "(start one with `dask scheduler` and workers with `dask worker ADDRESS`; "
        "each with this neuronlab installed); default: all local cores",
    )
    where.add_argument(
        "--workers",
        type=_workers,
        help=f"local worker processes, 1 to {usable_cores()} (default: all cores)",
    )
    sweep_parser.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="output: .csv"
    )
    sweep_parser.set_defaults(handler=_sweep, command_parser=sweep_parser)


def _workers(text: str) -> int:
    """1..cores: each run keeps one core busy, so more processes only cost memory."""
    try:
        count = int(text)
    except ValueError:
        count = 0
    if not 1 <= count <= usable_cores():
        raise argparse.ArgumentTypeError(
            f"{text!r} is not allowed: an integer from 1 to {usable_cores()} (the cores here)"
        )
    return count


def main(argv: list[str] | None = None) -> int:
    args, unknown = _parser().parse_known_args(argv)
    if unknown:  # answered by the command's parser, so with its usage line
        args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return args.handler(args)
    except InputError as error:
        args.command_parser.error(str(error))


def _run(args) -> int:
    out = writable_out(args.out, (".csv", ".json"))
    config, W0, v = run_inputs(args)
    state = start_run(config, W0, v)
    show, started = sys.stderr.isatty(), time.perf_counter()
    while not state.done:
        state = advance(state, 1_000_000)
        if show:
            _progress(state, started)
    if show:
        sys.stderr.write("\n")
    traj = state.trajectory()
    if W0 is not None or v is not None:  # the export then carries both, to rerun
        W0 = default_start(config)[0] if W0 is None else W0
        v = default_teacher(config) if v is None else v
    _write(out, lambda: write(traj, out, W0=W0, v=v))
    print(
        f"{traj.status}: {traj.message}; final loss {traj.loss[-1]:.6g}; "
        f"wrote {len(traj.steps)} records to {out}"
    )
    return 0


def _progress(state, started: float) -> None:
    done = state.progress
    rate = state.step / max(time.perf_counter() - started, 1e-9)
    bar = "#" * int(30 * done) + "." * (30 - int(30 * done))
    sys.stderr.write(
        f"\r[{bar}] {100 * done:5.1f}%  step {state.step:,}/{state.config.steps:,}"
        f"  {rate:,.0f} steps/s"
    )
    sys.stderr.flush()


def _write(out: Path, writer) -> None:
    """The checked --out can still fail (disk full): a message, not a traceback."""
    try:
        writer()
    except OSError as error:
        raise InputError("--out", f"cannot write {out}: {error.strerror}") from None


def _sweep(args) -> int:
    out = writable_out(args.out, (".csv",))
    grid = sweep_grid(args)
    started = time.perf_counter()

    def report(done: int, total: int) -> None:
        if sys.stderr.isatty():
            elapsed = time.perf_counter() - started
            eta = elapsed / done * (total - done)
            sys.stderr.write(
                f"\r{done}/{total} runs, {elapsed:.0f} s, ETA {eta:.0f} s "
            )
            sys.stderr.flush()

    try:
        frame = sweep(
            grid, scheduler=args.scheduler, workers=args.workers, progress=report
        )
    except ClusterError as error:
        raise InputError("--scheduler", str(error)) from None
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    about = {"made by": "python -m neuronlab sweep", "runs": len(frame)}
    _write(out, lambda: write_table(frame, out, about))
    counts = frame.status.value_counts().to_dict()
    print(f"{len(frame)} runs ({counts}); wrote {out}")
    return 0

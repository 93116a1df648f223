"""Headless runs: `python -m core run|sweep ...` write data (CSV, JSON), never figures."""

import argparse
import json
import sys
import time
from itertools import product
from pathlib import Path

import numpy as np

from .config import METHODS, ConfigError, RunConfig
from .export import provenance, write
from .run import advance, start_run
from .sweep import sweep

FLAGS = {  # field -> help; the flag is --field with "_" as "-"
    "n": "number of student neurons (1..1000)",
    "d": "input dimension (1..1e6; n*d <= 5e7)",
    "sigma": "initial scale: W0 = sigma * N(0, I) from the seed (0 < sigma <= 100)",
    "eta": "step size (0 < eta <= 10; GD diverges above about 4/n)",
    "steps": "GD steps, e.g. 1e6; for --method flow the horizon is t = eta*steps",
    "seed": "random seed of W0 (and of the samples for sgd), 0..2^32-1",
    "method": "gd (population GD), flow (gradient flow), sgd (finite samples)",
    "teacher_norm": "|v|; the teacher is v = teacher_norm * e_1 (0 < |v| <= 1000)",
    "samples": "sgd: number of fixed Gaussian inputs",
    "batch": "sgd: minibatch size (default: full batch)",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m core",
        description="Single-Neuron Dynamics Lab engine: GD / gradient flow / SGD "
        "for n ReLU students learning one ReLU teacher (Xu & Du, COLT 2023).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run",
        help="simulate one run and write its records",
        description="Simulate one run and write every record (CSV or JSON by the "
        "extension of --out). Defaults are RunConfig's; flags override --config.",
    )
    for field, text in FLAGS.items():
        flag = "--" + field.replace("_", "-")
        kwargs = {"choices": METHODS} if field == "method" else {}
        run.add_argument(flag, dest=field, metavar=field.upper(), help=text, **kwargs)
    run.add_argument(
        "--config",
        type=Path,
        help="JSON file with a run's config (a JSON export of this command works: "
        "it reproduces that run exactly, its start weights included)",
    )
    run.add_argument("--init", type=Path, help="start weights W0, an (n, d) .npy file")
    run.add_argument("--teacher", type=Path, help="teacher v, a (d,) .npy file")
    run.add_argument(
        "--out", type=Path, required=True, help="output file: .csv or .json"
    )
    run.set_defaults(handler=_run, command_parser=run)
    _add_sweep(commands)
    return parser


def _add_sweep(commands) -> None:
    sweep = commands.add_parser(
        "sweep",
        help="run a grid of configs and write one summary row per run",
        description="Run every combination of the listed values (comma-separated; "
        "seeds also as ranges like 0-19) and write one row per run: the config, "
        "final_loss, status, tail_exponent, tail_C (L ~ C (eta t)^-3), "
        "t_below_1e-6, t_below_1e-9, balance_final, norm_min_final, norm_max_final.",
    )
    for field, text in FLAGS.items():
        if field == "seed":
            continue
        flag = "--" + field.replace("_", "-")
        sweep.add_argument(
            flag, dest=field, metavar="VALUES", help=f"{text}; a list: 1,2,5"
        )
    sweep.add_argument(
        "--seeds", default="0", help="seeds: a list or ranges, e.g. 0-19 or 0,3,7"
    )
    sweep.add_argument(
        "--scheduler",
        help="address of a Dask distributed scheduler, e.g. tcp://10.0.0.5:8786 "
        "(start one with `dask scheduler` and workers with `dask worker ADDRESS`); "
        "default: all local cores",
    )
    sweep.add_argument(
        "--workers", type=int, help="local worker processes (default: all cores)"
    )
    sweep.add_argument("--out", type=Path, required=True, help="output .csv file")
    sweep.set_defaults(handler=_sweep, command_parser=sweep)


def _config_and_start(parser, args):
    raw, W0, v = {}, None, None
    if args.config is not None:
        try:
            doc = json.loads(args.config.read_text())
        except (OSError, ValueError) as error:
            parser.error(f"argument --config: cannot read {args.config}: {error}")
        raw = dict(doc.get("config", doc))
        if "init" in doc:
            W0, v = np.array(doc["init"]["W0"]), np.array(doc["init"]["v"])
    raw |= {f: getattr(args, f) for f in FLAGS if getattr(args, f) is not None}
    try:
        config = RunConfig.from_mapping(raw)
    except ConfigError as error:
        flag = "--" + error.field.replace("_", "-")
        parser.error(f"argument {flag}: {error}")
    for name in ("init", "teacher"):
        path = getattr(args, name)
        if path is not None:
            try:
                array = np.load(path)
            except (OSError, ValueError) as error:
                parser.error(f"argument --{name}: cannot read {path}: {error}")
            W0, v = (array, v) if name == "init" else (W0, array)
    return config, W0, v


def _progress(state, started: float) -> None:
    done = state.progress
    rate = state.step / max(time.perf_counter() - started, 1e-9)
    bar = "#" * int(30 * done) + "." * (30 - int(30 * done))
    sys.stderr.write(
        f"\r[{bar}] {100 * done:5.1f}%  step {state.step:,}/{state.config.steps:,}"
        f"  {rate:,.0f} steps/s"
    )
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.handler(args.command_parser, args)


def _seeds(parser, text: str) -> list[int]:
    seeds = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        try:
            seeds += list(range(int(low), int(high or low) + 1))
        except ValueError:
            parser.error(f"argument --seeds: {text!r} must be like 0-19 or 0,3,7")
    return seeds


def _sweep(parser, args) -> int:
    if args.out.suffix != ".csv":
        parser.error(f"argument --out: {args.out} must end in .csv")
    axes = {f: getattr(args, f).split(",") for f in FLAGS if getattr(args, f, None)}
    axes["seed"] = _seeds(parser, args.seeds)
    grid = [dict(zip(axes, values, strict=True)) for values in product(*axes.values())]
    for item in grid:
        try:
            RunConfig.from_mapping(item)
        except ConfigError as error:
            flag = (
                "--seeds"
                if error.field == "seed"
                else "--" + error.field.replace("_", "-")
            )
            parser.error(f"argument {flag}: {error}")
    started = time.perf_counter()

    def report(done: int, total: int) -> None:
        if sys.stderr.isatty():
            elapsed = time.perf_counter() - started
            eta = elapsed / done * (total - done)
            sys.stderr.write(
                f"\r{done}/{total} runs, {elapsed:.0f} s, ETA {eta:.0f} s "
            )
            sys.stderr.flush()

    frame = sweep(grid, scheduler=args.scheduler, workers=args.workers, progress=report)
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    head = provenance()
    args.out.write_text(
        f"# single-neuron lab {head['lab_version']}, commit {head['commit']}\n"
        + frame.to_csv(index=False)
    )
    print(
        f"{len(frame)} runs ({frame.status.value_counts().to_dict()}); wrote {args.out}"
    )
    return 0


def _run(parser, args) -> int:
    if args.out.suffix not in (".csv", ".json"):
        parser.error(f"argument --out: {args.out} must end in .csv or .json")
    config, W0, v = _config_and_start(parser, args)
    try:
        state = start_run(config, W0, v)
    except ValueError as error:
        parser.error(f"arguments --init/--teacher: {error}")
    show = sys.stderr.isatty()
    started = time.perf_counter()
    while not state.done:
        state = advance(state, 1_000_000)
        if show:
            _progress(state, started)
    if show:
        sys.stderr.write("\n")
    traj = state.trajectory()
    write(traj, args.out, W0=W0 if W0 is not None or v is not None else None, v=v)
    print(
        f"{traj.status}: {traj.message}; final loss {traj.loss[-1]:.6g}; "
        f"wrote {len(traj.steps)} records to {args.out}"
    )
    return 0

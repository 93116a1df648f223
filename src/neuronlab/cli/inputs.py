"""What the CLI reads (flags, --config JSON, .npy files) and writes, checked
before anything is computed.

Each check returns a clean value or raises InputError naming the flag, what was
wrong and what is allowed; the CLI answers it with its usage line (exit status 2).
"""

import dataclasses
import json
import math
import re
import tempfile
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np

from neuronlab.config import ConfigError, RunConfig
from neuronlab.dynamics.run import default_teacher
from neuronlab.runs.sweep import MAX_RUNS

FIELDS = dataclasses.fields(RunConfig)
AXES = tuple(f for f in FIELDS if f.name != "seed")  # sweeps read --seeds instead
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
_KINDS = {"b": "booleans", "c": "complex numbers", "U": "text", "S": "bytes"}
_RANGE = re.compile(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?")


class InputError(ValueError):
    """A bad flag value: `argument --flag: what was wrong and what is allowed`."""

    def __init__(self, flag: str, message: str):
        super().__init__(f"argument {flag}: {message}")


def flag_of(field: str) -> str:
    """The flag of a RunConfig field: --teacher-norm for teacher_norm."""
    return "--" + field.replace("_", "-")


def writable_out(path: Path, suffixes: tuple[str, ...]) -> Path:
    """`path` if a file of one of `suffixes` can be written there (nothing is
    created or changed by the check)."""
    if path.suffix not in suffixes:
        raise InputError("--out", f"{path} must end in {' or '.join(suffixes)}")
    if path.is_dir():
        raise InputError("--out", f"{path} is a directory; give a file name in it")
    folder = path.parent
    if not folder.is_dir():
        raise InputError("--out", f"the folder {folder} does not exist")
    try:
        if path.exists():
            open(path, "ab").close()  # append mode: opened, not truncated
        else:
            tempfile.TemporaryFile(dir=folder).close()
    except OSError as error:
        raise InputError("--out", f"cannot write {path}: {error.strerror}") from None
    return path


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return _JSON_TYPES.get(type(value), "a number")


def read_config(path: Path) -> tuple[dict, tuple[Any, Any] | None]:
    """(config fields, (W0, v) as read or None) from a --config JSON file: a bare
    object of RunConfig fields, or a JSON export of `run` (its "config", and its
    "init" when that run started from given weights)."""
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError, RecursionError) as error:
        raise InputError("--config", f"cannot read {path}: {error}") from None
    if not isinstance(doc, dict):
        raise InputError(
            "--config",
            f"{path} holds {_json_type(doc)}; it must be a JSON object: RunConfig "
            'fields such as {"n": 3, "steps": 1e5}, or a JSON export of `run`',
        )
    if "config" not in doc:
        return doc, None
    if not isinstance(doc["config"], dict):
        raise InputError(
            "--config",
            f'"config" in {path} is {_json_type(doc["config"])}; it must be an '
            "object of RunConfig fields",
        )
    start = doc.get("init")
    if start is None:
        return doc["config"], None
    if not (isinstance(start, dict) and {"W0", "v"} <= start.keys()):
        raise InputError(
            "--config",
            f'"init" in {path} must be an object with "W0" (an n x d array) and '
            '"v" (d numbers)',
        )
    return doc["config"], (start["W0"], start["v"])


def load_npy(flag: str, path: Path) -> np.ndarray:
    """The one array in a .npy file (never unpickled: a file cannot run code)."""
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as error:
        raise InputError(flag, f"cannot read {path} as a .npy array: {error}") from None
    if not isinstance(array, np.ndarray):
        array.close()
        raise InputError(flag, f"{path} is an .npz archive; save one array (np.save)")
    return array


def real_array(
    flag: str, what: str, value: Any, shape: tuple, label: str
) -> np.ndarray:
    """`value` as a finite float64 array of `shape` (called `label`, e.g. "(n, d)");
    `what` says where it came from."""
    try:
        array = np.asarray(value)
    except ValueError:
        raise InputError(flag, f"{what} is ragged: rows of different lengths") from None
    if array.dtype.kind not in "iuf":
        found = _KINDS.get(array.dtype.kind, "nulls or nested objects")
        raise InputError(flag, f"{what} must hold real numbers, not {found}")
    if array.shape != shape:
        raise InputError(
            flag, f"{what} has shape {array.shape}; it must be {label} = {shape}"
        )
    if not np.isfinite(array).all():
        raise InputError(flag, f"{what} must be finite (no NaN or inf)")
    return array.astype(np.float64)


def seed_ranges(text: str) -> list[range]:
    """'0-19,40' as [range(0, 20), range(40, 41)]."""
    ranges = []
    for part in text.split(","):
        match = _RANGE.fullmatch(part)
        if match is None:
            raise InputError(
                "--seeds", f"{part!r} in {text!r} must be a seed or a range like 0-19"
            )
        low, high = int(match[1]), int(match[2] or match[1])
        if high < low:
            raise InputError(
                "--seeds", f"{part.strip()} is reversed: write {high}-{low}"
            )
        ranges.append(range(low, high + 1))
    return ranges


def _config(raw: dict, flags: dict, source: str | None) -> RunConfig:
    """RunConfig from a --config file's fields overridden by flags; an error names
    the flag that set the field, else the file."""
    try:
        return RunConfig.from_mapping(raw | flags)
    except ConfigError as error:
        blamed = source if source and error.field not in flags else None
        raise InputError(blamed or flag_of(error.field), str(error)) from None


def run_inputs(args) -> tuple[RunConfig, np.ndarray | None, np.ndarray | None]:
    """(config, W0, v) of `run`: W0 and v from --W0/--v, else from the --config
    export's "init", else None (the default start)."""
    raw, start = read_config(args.config) if args.config else ({}, None)
    flags = {f.name: getattr(args, f.name) for f in FIELDS}
    flags = {name: value for name, value in flags.items() if value is not None}
    config = _config(raw, flags, "--config" if args.config else None)
    shapes = {
        "W0": ((config.n, config.d), "(n, d)"),
        "v": (
            default_teacher(config).shape,
            "(d,)" if config.teachers == 1 else "(m, d)",
        ),
    }
    arrays = []
    for index, name in enumerate(("W0", "v")):
        path = getattr(args, name)
        if path is not None:
            flag, what = f"--{name}", f"{name} in {path}"
            value = load_npy(flag, path)
        elif start is not None:
            flag, what = "--config", f'"init" {name} in {args.config}'
            value = start[index]
        else:
            arrays.append(None)
            continue
        arrays.append(real_array(flag, what, value, *shapes[name]))
        if name == "v" and not np.atleast_2d(arrays[-1]).any(axis=1).all():
            raise InputError(flag, f"{what} has a zero teacher: each must be nonzero")
    return config, *arrays


def sweep_grid(args) -> list[dict]:
    """Every combination of the sweep's axes and seeds, each validated by
    RunConfig, at most MAX_RUNS (counted before any list is built)."""
    axes = {f.name: getattr(args, f.name) for f in AXES}
    axes = {name: text.split(",") for name, text in axes.items() if text is not None}
    seeds = seed_ranges(args.seeds)
    counts = [*(len(v) for v in axes.values()), sum(map(len, seeds))]
    if math.prod(counts) > MAX_RUNS:
        sizes = [f"{flag_of(name)} ({len(v)})" for name, v in axes.items()]
        raise InputError(
            "--seeds",
            " x ".join([*sizes, f"--seeds ({counts[-1]:,})"])
            + f" = {math.prod(counts):,} runs; a sweep holds at most {MAX_RUNS:,}",
        )
    axes["seed"] = [seed for block in seeds for seed in block]
    points, grid, read = {}, [], set()
    try:
        for values in product(*axes.values()):
            # A field a point does not read (alpha at relu) drops out, and the
            # points that then coincide run once.
            raw = dict(zip(axes, values, strict=True))
            item = RunConfig.read_fields(raw)
            RunConfig.from_mapping(item)
            read |= set(item)
            if points.setdefault(tuple(item.items()), item) is item:
                grid.append(item)
        for name in sorted(set(axes) - read):  # no point reads it: refused unless
            for value in axes[name]:  # it is left at its default
                RunConfig.from_mapping(raw | {name: value})
    except ConfigError as error:
        flag = "--seeds" if error.field == "seed" else flag_of(error.field)
        raise InputError(flag, str(error)) from None
    return grid

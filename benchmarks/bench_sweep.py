"""Runs per second of one 40-run sweep: serial vs local processes vs a Dask cluster.

Run from the repository root:  python -m benchmarks.bench_sweep [--steps N]

The same 40 configs (n in 1, 2, 5, 10 x sigma in 0.01, 0.1 x seeds 0-4, GD, d = 10,
eta = 0.1) go through neuronlab.runs.sweep three ways in one process, so the ratios share the
machine's load: in this process (workers=1), a fresh pool of 2 spawned processes
(workers=2, start-up included, as the CLI pays it) and a LocalCluster of 2 worker
processes on 127.0.0.1 (started and warmed before timing, as a long-lived cluster
would be). The three tables must be bit-identical; the script says whether they are.
"""

import argparse
import importlib.metadata
import os
import resource
import time

import numpy as np

import neuronlab
from neuronlab import RunConfig, sweep

WORKERS = 2


def configs(steps: int) -> list[RunConfig]:
    return [
        RunConfig(n=n, d=10, sigma=sigma, eta=0.1, steps=steps, seed=seed)
        for n in (1, 2, 5, 10)
        for sigma in (0.01, 0.1)
        for seed in range(5)
    ]


def cpu_seconds() -> float:
    """CPU time of this process and its reaped children (a spawned pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(call):
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def cores_used(call):
    """(wall seconds, cores obtained = CPU seconds / wall seconds, result): below the
    cores asked for, other work on the machine took the rest."""
    cpu = cpu_seconds()
    seconds, result = timed(call)
    return seconds, (cpu_seconds() - cpu) / seconds, result


def header() -> str:
    names = ("numpy", "numba", "dask", "distributed")
    versions = " ".join(f"{p}=={importlib.metadata.version(p)}" for p in names)
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores, load average {load:.2f} at start; {versions}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300_000, help="GD steps per run")
    args = parser.parse_args()
    from dask.distributed import LocalCluster

    items = configs(args.steps)
    neuronlab.warm_up()  # compile (or load) the kernels before the serial timing
    print(header())
    print(f"{len(items)} runs of {args.steps:,} GD steps (n = 1, 2, 5, 10; d = 10)\n")
    serial_s, serial_cores, serial = cores_used(lambda: sweep(items, workers=1))
    pool_s, pool_cores, pool = cores_used(lambda: sweep(items, workers=WORKERS))
    start_s, cluster = timed(
        lambda: LocalCluster(
            n_workers=WORKERS,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
    )
    with cluster:
        address = cluster.scheduler_address
        warm_s, _ = timed(lambda: sweep(items[:WORKERS], scheduler=address))
        dask_s, on_dask = timed(lambda: sweep(items, scheduler=address))
    rows = [
        ("serial (this process)", serial_s, f"got {serial_cores:.2f} of 1 core"),
        (
            f"local processes ({WORKERS}, spawned)",
            pool_s,
            f"got {pool_cores:.2f} of {WORKERS} cores; pool start-up included",
        ),
        (
            f"LocalCluster ({WORKERS} workers)",
            dask_s,
            f"cluster start {start_s:.1f} s, warm-up {warm_s:.1f} s, not included",
        ),
    ]
    print(f"{'backend':34} {'seconds':>8} {'runs/s':>8} {'vs serial':>10}")
    for name, seconds, note in rows:
        rate = len(items) / seconds
        print(
            f"{name:34} {seconds:8.2f} {rate:8.2f} {serial_s / seconds:9.2f}x  {note}"
        )
    numbers = serial.select_dtypes("number").columns
    same = all(
        np.array_equal(serial[numbers], other[numbers], equal_nan=True)
        and list(serial.status) == list(other.status)
        for other in (pool, on_dask)
    )
    print(f"\ntables bit-identical across the three backends: {same}")


if __name__ == "__main__":  # spawned workers re-import this module: run nothing then
    main()

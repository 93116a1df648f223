"""Sweeps: many runs, one summary row each, on local processes or a Dask cluster.

The same function (`run_item`) computes every row on every backend, so a row is
bit-identical whether it ran serially, in a local process pool or on a Dask
worker (same machine and software stack). A bad item never loses the others:
it becomes a row with status "invalid" (the config did not validate) or "error"
(the engine raised).
"""

import concurrent.futures
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import pandas as pd

from neuronlab.analysis.summary import SUMMARY_COLUMNS
from neuronlab.config import RunConfig
from neuronlab.cores import usable_cores
from neuronlab.runs.pipeline import summary_row

CONFIG_COLUMNS = tuple(RunConfig.__dataclass_fields__)
# A sweep's rows live in memory and its runs in one queue: 1e5 runs of even 1e5
# steps are hours of compute, and the table stays a few tens of MB.
MAX_RUNS = 100_000


def run_item(item: RunConfig | Mapping[str, Any]) -> dict:
    """One sweep row: the config's fields, then its summary (never raises)."""
    try:
        config = item if isinstance(item, RunConfig) else RunConfig.from_mapping(item)
    except (ValueError, TypeError) as error:
        raw = item if isinstance(item, Mapping) else {}
        fields = {k: raw.get(k) for k in CONFIG_COLUMNS}
        return fields | {"status": "invalid", "message": str(error)}
    return summary_row(config)


def iter_sweep(
    items: list, scheduler: str | None = None, workers: int | None = None
) -> Iterator[tuple[int, dict]]:
    """(index, row) pairs as runs finish, in completion order.

    scheduler : "tcp://host:port" of a Dask distributed scheduler (dask is
        imported only then); its workers run their installed neuronlab, whose
        package versions must equal this machine's (neuronlab.runs.cluster.connect raises
        ClusterError before any run otherwise). None runs on this machine.
    workers : local processes (default: all cores); 1 runs in this process.
    At most MAX_RUNS items.
    """
    if len(items) > MAX_RUNS:
        raise ValueError(f"a sweep holds at most {MAX_RUNS:,} runs, got {len(items):,}")
    if scheduler is not None:
        yield from _iter_dask(items, scheduler)
        return
    workers = workers or usable_cores()
    if workers == 1 or len(items) <= 1:
        for index, item in enumerate(items):
            yield index, run_item(item)
        return
    # spawn, not fork: the caller may have threads (a Streamlit server does).
    context = multiprocessing.get_context("spawn")
    pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=context)
    try:
        futures = {pool.submit(run_item, item): i for i, item in enumerate(items)}
        for future in concurrent.futures.as_completed(futures):
            yield futures[future], future.result()
    finally:
        # A caller that stops reading (Stop, a closed tab) drops the queued runs;
        # the ones already running (at most `workers`) finish first.
        pool.shutdown(wait=True, cancel_futures=True)


def _iter_dask(items: list, scheduler: str) -> Iterator[tuple[int, dict]]:
    from dask.distributed import as_completed

    from neuronlab.runs.cluster import connect

    def on_worker(item: dict) -> dict:
        from neuronlab.runs.sweep import run_item  # the worker's installed engine

        return run_item(item)

    # The scheduler unpickles every task but holds no engine: the task is a nested
    # function (cloudpickle sends it by value) and each item a plain dict.
    plain = [i.to_dict() if isinstance(i, RunConfig) else dict(i) for i in items]
    with connect(scheduler) as client:
        futures = client.map(on_worker, plain, pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        # The loop given: the client is not this process's default one.
        for future in as_completed(futures, loop=client.loop):
            yield index[future.key], future.result()


def sweep(
    configs: Iterable[RunConfig | Mapping[str, Any]],
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run every config and return one row per item, in input order: the config's
    fields, then final_loss, status, message, tail_exponent, tail_C, t_below_1e-6,
    t_below_1e-9, balance_final, norm_min_final, norm_max_final.

    configs : RunConfigs or dicts of their fields (raw strings allowed).
    progress(done, total) is called after each run finishes.
    """
    items = list(configs)
    rows: list[dict | None] = [None] * len(items)
    for done, (index, row) in enumerate(iter_sweep(items, scheduler, workers), 1):
        rows[index] = row
        if progress is not None:
            progress(done, len(items))
    return pd.DataFrame(rows, columns=[*CONFIG_COLUMNS, *SUMMARY_COLUMNS])

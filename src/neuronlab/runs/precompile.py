"""Fill numba's on-disk cache with every kernel of the engine, in a process of
its own: `python -m neuronlab.runs.precompile [--parent PID] [--nice N]`.

A server starts it once (ui.cache), so that its requests load each kernel from
the cache (milliseconds) instead of compiling it under the server's GIL (a
second or more each). First, at the server's priority, the default run's loss
and gradient (2 s with an empty cache), while the server compiles that run's
loop (1 s, sharing its GIL with the first visitor's page): the default run's
three seconds of compiling on two cores. It then prints READY and goes on with
every other path N steps lower in priority. Kernels already cached only load.
With --parent it stops between two kernels once that process has gone (a server
stopped within the minute the filling takes must not leave it running).
"""

import argparse
import contextlib
import os
import sys
from collections.abc import Callable

from neuronlab.runs.warmup import (
    DEFAULT_PATH,
    compile_models,
    every_path,
    warm_up,
)

READY = "ready: the default run's loss and gradient"


def fill(
    parent: int | None = None, nice: int = 0, ready: Callable[[], None] = lambda: None
) -> int:
    """Compile (or load) the default run's loss and gradient, call `ready`,
    lower this process's priority by `nice`, then every path in order; the
    number of paths done before `parent` (a process id) ended, all of them if
    it lives on."""
    compile_models(DEFAULT_PATH)
    ready()
    os.nice(nice)
    done = 0
    for config in every_path():
        if parent is not None and os.getppid() != parent:
            break  # the parent died: this process was handed to init
        warm_up([config])
        done += 1
    return done


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m neuronlab.runs.precompile")
    parser.add_argument("--parent", type=int, help="stop once this process ends")
    parser.add_argument(
        "--nice", type=int, default=0, help="lower the priority by this after READY"
    )
    args = parser.parse_args(argv)
    fill(args.parent, args.nice, say_ready)


def say_ready() -> None:
    """READY on stdout, then stdout to /dev/null: the server reads that one line
    and closes its end of the pipe, where a later write would raise here."""
    # BrokenPipeError: the server stopped waiting (ui.cache.FILLER_SECONDS).
    with contextlib.suppress(BrokenPipeError):
        print(READY, flush=True)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


if __name__ == "__main__":
    main()

"""Fill numba's on-disk cache with every kernel of the engine, in a process of
its own: `python -m neuronlab.runs.precompile [--parent PID]`.

A server starts it once (ui.cache) at low priority, so that its requests load
each kernel from the cache (milliseconds) instead of compiling it under the
server's GIL (a second or more each). Kernels already cached only load. With
--parent it stops between two kernels once that process has gone (a server
stopped within the minute the filling takes must not leave it running).
"""

import argparse
import os

from neuronlab.runs.warmup import DEFAULT_PATH, compile_loops, every_path, warm_up


def fill(parent: int | None = None) -> int:
    """Compile (or load) the default run's loop, which its server needs last
    (warmup.compile_loops), then every path in order; the number of paths done
    before `parent` (a process id) ended, all of them if it lives on."""
    compile_loops(DEFAULT_PATH)
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
    parser.add_argument("--nice", type=int, default=0, help="lower this priority")
    args = parser.parse_args(argv)
    os.nice(args.nice)
    fill(args.parent)


if __name__ == "__main__":
    main()

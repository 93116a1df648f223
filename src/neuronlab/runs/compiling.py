"""Whether numba is compiling a kernel in this process right now.

A kernel found in numba's on-disk cache loads in milliseconds; one that is not
compiles for a second or more, under the GIL. A caller that shows progress (the
app) asks `compiling()` to say so instead of a silent wait. numba announces each
real compilation (not a cache load) as a "numba:compile" event, in the thread
that compiles.
"""

import threading

from numba.core import event


class _Compiling(event.Listener):
    """Counts the compilations in progress (a kernel compiles those it calls
    inside its own: the count nests)."""

    def __init__(self):
        self.lock, self.count = threading.Lock(), 0

    def on_start(self, _event) -> None:
        with self.lock:
            self.count += 1

    def on_end(self, _event) -> None:
        with self.lock:
            self.count -= 1


_LISTENER = _Compiling()
event.register("numba:compile", _LISTENER)


def compiling() -> bool:
    """True while any thread of this process compiles a numba kernel."""
    return _LISTENER.count > 0

"""Every st.cache_* call of the app: the per-server singletons.

The engine's warm-up, the one job registry (ui.jobs) and the page each session
shows. The registry learns from Streamlit's runtime whether a session still has
a browser tab (a websocket), so an open tab keeps its jobs alive however slowly
the server redraws it, and a closed one frees its jobs' arrays.

This module imports the engine and the registry where it uses them, so that
importing it costs nothing: the server (app.py) imports it and starts the
warm-up as it starts, before any page is asked for.
"""

import gc
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st
from streamlit import runtime

if TYPE_CHECKING:
    from ui.jobs import JobRegistry

ROOT = Path(__file__).resolve().parents[1]
# The cache filler yields the cores to the server's requests (nice 0) once it
# has compiled the default run's loss and gradient; past FILLER_SECONDS for
# those (a starved or stuck filler) the server compiles them itself.
FILLER_NICENESS, FILLER_SECONDS = 10, 60.0


class WarmUp:
    """This server's warm-up, off every request. The default run's kernels (3 s
    of compiling with an empty cache: what a first visitor most likely needs)
    on two cores: its loop in a thread here (1 s), its loss and gradient (2 s,
    most callees shared) in a child process at the same time, on a core and a
    GIL of its own (neuronlab.runs.precompile); the child says READY and
    then, at low priority, fills numba's disk cache with every other kernel (a
    minute with an empty cache), so that a later request loads what it needs
    instead of compiling it under this process's GIL. The thread then loads the
    child's two kernels and takes a first cost measurement (`loaded`); a job
    waits for that rather than compile them beside the child, its page saying
    that the kernels compile. The server starts it as it starts (app.py), so
    the compile overlaps the first visitor's page load. Measured with a first
    visitor of a fresh server: with all three compiled in the thread (sharing the
    GIL with that visitor's script) they were ready 4.3 s after the script
    started, 4.0 s with this split, and the charts drew in a median 9.3 s, then
    8.6 s; started with the server, 7.6-8.3 s (benchmarks/README.md)."""

    def __init__(self):
        self._here = threading.Event()
        command = [sys.executable, "-m", "neuronlab.runs.precompile"]
        command += ["--parent", str(os.getpid()), "--nice", str(FILLER_NICENESS)]
        self.filler = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        threading.Thread(target=self._work, name="engine-warm-up", daemon=True).start()

    def _work(self) -> None:
        import neuronlab
        from neuronlab.runs.metered import COST
        from neuronlab.runs.warmup import DEFAULT_PATH, compile_loops

        try:
            compile_loops(DEFAULT_PATH)
            self._wait_for_filler(FILLER_SECONDS)
            neuronlab.warm_up(DEFAULT_PATH)  # loads the filler's (compiles the rest)
            COST.calibrate()  # the first estimates already this machine's
        finally:
            self._here.set()
        self.filler.wait()  # reaps it (no zombie left)

    def _wait_for_filler(self, timeout: float) -> None:
        """Until the filler has said READY, or has ended, or `timeout` seconds."""
        with self.filler.stdout as said:
            if select.select([said], [], [], timeout)[0]:
                said.readline()  # READY, or "" if it ended without saying it

    def loaded(self, timeout: float = 0.0) -> bool:
        """Whether the default run's kernels are loaded here, waiting up to
        `timeout` seconds for it."""
        return self._here.wait(timeout)

    def is_set(self) -> bool:
        """Both done: every kernel loads from the disk cache from now on."""
        return self._here.is_set() and self.filler.poll() is not None

    def wait(self, timeout: float) -> bool:
        """Block up to `timeout` seconds for both; True if they are done."""
        deadline = time.monotonic() + timeout
        if not self._here.wait(timeout):
            return False
        try:
            self.filler.wait(max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            return False
        return True


@st.cache_resource(show_spinner=False)
def engine_warm_up() -> WarmUp:
    """Start the warm-up once per server process: app.py asks as the server
    starts, and every page again (ui.page.engine_ready: the same one)."""
    return WarmUp()


@st.cache_resource(show_spinner=False)
def freeze_the_imports() -> None:
    """Once per server, after its first page has run: collect what is garbage
    now, then move every object still alive (mostly the modules of Streamlit,
    Plotly, pandas, numba and the app: 240,000 objects) out of the garbage
    collector's sight. Streamlit collects every generation after each script
    run, a fragment's redraw included (runner.postScriptGC): over all of those
    objects, 110 ms each time, under the GIL. Ten pages of live runs, each
    redrawing every few seconds, spent most of the GIL on it and their runs
    waited (a py-spy profile: 512 of 710 samples holding the GIL). Frozen
    objects are still freed by reference counting; only a cycle among them
    would never be collected."""
    gc.collect()
    gc.freeze()


@st.cache_resource(show_spinner=False)
def visits() -> dict[str, str]:
    """Session id -> the URL path of the page it shows now (written by each page)."""
    return {}


def _connected(session: str) -> bool | None:
    """Whether a browser tab holds the session (None: no server, as in AppTest)."""
    if not runtime.exists():
        return None
    return runtime.get_instance().is_active_session(session)


@st.cache_resource(show_spinner=False)
def job_registry() -> "JobRegistry":
    """The one registry of this server: every page's jobs, slots, caps, cache.

    A job's owner is (session, page): it lives while that tab shows that page, and
    when the session ends its arrays are freed (and the session forgotten).
    """
    from ui.jobs import JobRegistry
    from ui.run_fields import LIMITS

    pages = visits()

    def alive(owner: tuple[str, str]) -> bool:
        session, page = owner
        return _connected(session) is True and pages.get(session) == page

    def gone(owner: tuple[str, str]) -> bool:
        ended = _connected(owner[0]) is False
        if ended:
            pages.pop(owner[0], None)
        return ended

    return JobRegistry(
        LIMITS.jobs, alive=alive, gone=gone, ready=engine_warm_up().loaded
    )

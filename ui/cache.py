"""Every st.cache_* call of the app: the per-server singletons.

The engine's warm-up, the one job registry (ui.jobs) and the page each session
shows. The registry learns from Streamlit's runtime whether a session still has
a browser tab (a websocket), so an open tab keeps its jobs alive however slowly
the server redraws it, and a closed one frees its jobs' arrays.
"""

import gc
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import streamlit as st
from streamlit import runtime

import neuronlab
from neuronlab.runs.metered import COST
from neuronlab.runs.warmup import DEFAULT_PATH
from ui.jobs import JobRegistry
from ui.run_fields import LIMITS

ROOT = Path(__file__).resolve().parents[1]
# The cache filler yields the cores to the server's requests (nice 0).
FILLER_NICENESS = 10


class WarmUp:
    """This server's warm-up, off every request. In a thread here, the default
    run's kernels (~2 s with an empty cache: what a first visitor most likely
    needs) and a first cost measurement; in a child process at low priority,
    every kernel into numba's disk cache (neuronlab.runs.precompile; a minute with an
    empty cache), so a later request loads what it needs instead of compiling
    it under this process's GIL. A request never waits for either: a job that
    needs a kernel not yet cached compiles it, and its page says so."""

    def __init__(self):
        self._here = threading.Event()
        command = [sys.executable, "-m", "neuronlab.runs.precompile"]
        command += ["--parent", str(os.getpid()), "--nice", str(FILLER_NICENESS)]
        self.filler = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
        threading.Thread(target=self._work, name="engine-warm-up", daemon=True).start()

    def _work(self) -> None:
        try:
            neuronlab.warm_up(DEFAULT_PATH)
            COST.calibrate()  # the first estimates already this machine's
        finally:
            self._here.set()
        self.filler.wait()  # reaps it (no zombie left)

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
    """Start the warm-up once per server process (app.py asks on every run)."""
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
def job_registry() -> JobRegistry:
    """The one registry of this server: every page's jobs, slots, caps, cache.

    A job's owner is (session, page): it lives while that tab shows that page, and
    when the session ends its arrays are freed (and the session forgotten).
    """
    pages = visits()

    def alive(owner: tuple[str, str]) -> bool:
        session, page = owner
        return _connected(session) is True and pages.get(session) == page

    def gone(owner: tuple[str, str]) -> bool:
        ended = _connected(owner[0]) is False
        if ended:
            pages.pop(owner[0], None)
        return ended

    return JobRegistry(LIMITS.jobs, alive=alive, gone=gone)

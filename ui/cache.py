"""Every st.cache_* call of the app: the per-server singletons.

The engine's warm-up, the one job registry (ui.jobs) and the page each session
shows. The registry learns from Streamlit's runtime whether a session still has
a browser tab (a websocket), so an open tab keeps its jobs alive however slowly
the server redraws it, and a closed one frees its jobs' arrays.
"""

import threading

import streamlit as st
from streamlit import runtime

import neuronlab
from neuronlab.runs.metered import COST
from ui.jobs import JobRegistry
from ui.run_fields import LIMITS


@st.cache_resource(show_spinner=False)
def engine_warm_up() -> threading.Event:
    """Compile (or load) the numba kernels once per process, off every request:
    an Event set when done (pages say "warming up" until then, never waiting)."""
    done = threading.Event()

    def work() -> None:
        try:
            neuronlab.warm_up()
            COST.calibrate()  # the first estimates already this machine's
        finally:
            done.set()

    threading.Thread(target=work, name="engine-warm-up", daemon=True).start()
    return done


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

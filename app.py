"""Single-Neuron Dynamics Lab: the server. `streamlit run app.py` serves the
router (router.py, the script each session runs) and, as the server starts,
before any visitor, readies the engine's kernels (ui.cache.engine_warm_up)."""

import logging
from contextlib import asynccontextmanager

import streamlit as st

from ui import cache


@asynccontextmanager
async def ready_the_engine(app):
    """At the server's start: the default run's kernels compile (or load) in a
    thread and a child process while the first visitor's browser loads the page
    (measured: 0.9-1.0 s before that visitor's script starts). Starting them
    takes milliseconds: the event loop is not held up. If they cannot start, the
    server serves all the same (the error is logged): every page starts the
    warm-up again (ui.page.engine_ready)."""
    try:
        cache.engine_warm_up()
    except Exception:
        logging.getLogger(__name__).exception("the engine's warm-up did not start")
    yield


app = st.App("router.py", lifespan=ready_the_engine)

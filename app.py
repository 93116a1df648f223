"""Single-Neuron Dynamics Lab: the server. `streamlit run app.py` serves the
router (router.py, the script each session runs) and, as the server starts,
before any visitor, readies the engine's kernels (ui.cache.engine_warm_up)."""

from contextlib import asynccontextmanager

import streamlit as st

from ui.cache import engine_warm_up


@asynccontextmanager
async def ready_the_engine(app):
    """At the server's start: the default run's kernels compile (or load) in a
    thread and a child process while the first visitor's browser loads the page
    (measured: 0.9-1.0 s before its script starts, which began the warm-up until
    now). Starting them takes milliseconds: the event loop is not held up."""
    engine_warm_up()
    yield


app = st.App("router.py", lifespan=ready_the_engine)

"""Streamlit glue shared per server process: the engine warm-up and the run registry."""

import threading

import streamlit as st

import core
from ui.ensemble_runner import ENSEMBLE_LIMITS, EnsembleRegistry
from ui.runner import RunRegistry
from ui.sweep_runner import SWEEP_LIMITS, SweepRegistry


@st.cache_resource(show_spinner=False)
def engine_warm_up() -> threading.Event:
    """Compile (or load) the numba kernels once per process, off every request.

    Returns an Event set when done; pages show "warming up" until then, and never
    call the engine before it, so no user request waits on a compile.
    """
    done = threading.Event()

    def work() -> None:
        try:
            core.warm_up()
        finally:
            done.set()

    threading.Thread(target=work, name="engine-warm-up", daemon=True).start()
    return done


@st.cache_resource(show_spinner=False)
def run_registry() -> RunRegistry:
    """The one registry of this server: live-run limit, queue and result cache."""
    return RunRegistry()


@st.cache_resource(show_spinner=False)
def sweep_registry() -> SweepRegistry:
    """The sweeps of this server: one live at a time, a queue and a table cache."""
    return SweepRegistry(SWEEP_LIMITS)


@st.cache_resource(show_spinner=False)
def ensemble_registry() -> EnsembleRegistry:
    """Explore's seed ensembles: one computing at a time, a queue, a cache."""
    return EnsembleRegistry(ENSEMBLE_LIMITS)

"""Cached engine work for the story pages: st.cache_data keyed by scalars only.

Every function here is a thin cache over a pure one (ui.ensembles, ui.phase_runs,
ui.toy_runs), so the pages stay free of math and repeated views cost nothing.
"""

import pandas as pd
import streamlit as st

from ui import ensembles, phase_runs, toy_runs

# One entry per (n, seed, config): a Compare view of 5 n x 20 seeds fits many times.
SEED_ENTRIES = 2048
CONTROL = "n = 1 control"


@st.cache_data(max_entries=SEED_ENTRIES, show_spinner=False)
def seed_runs(n: int, d: int, sigma: float, eta: float, steps: int, seed: int):
    """(first 500 iterations, whole run, tail slope) of one seed (ui.ensembles)."""
    return ensembles.seed_runs(n, d, sigma, eta, steps, seed)


@st.cache_data(max_entries=64, show_spinner=False)
def phase_run(n: int, d: int, sigma: float, eta: float, steps: int, seed: int):
    """One run with its detected phases (ui.phase_runs.PhaseRun)."""
    return phase_runs.phase_run(n, d, sigma, eta, steps, seed)


@st.cache_data(max_entries=256, show_spinner=False)
def spectra(
    n: int, d: int, sigma: float, eta: float, steps: int, seed: int, at: tuple
) -> pd.DataFrame:
    """Hessian eigenvalues at the records nearest the steps `at`, and for n >= 2
    those of the n = 1 control with the same σ, η, d and seed (its W0 is the
    first row of the n-student W0)."""
    run = phase_run(n, d, sigma, eta, steps, seed)
    frames = [phase_runs.spectra_at(run.trajectory, f"n = {n}", at)]
    if n >= 2:
        control = phase_run(1, d, sigma, eta, steps, seed)
        frames.append(phase_runs.spectra_at(control.trajectory, CONTROL, at))
    return pd.concat(frames, ignore_index=True)


@st.cache_data(max_entries=32, show_spinner=False)
def toy_view(name: str, n: int):
    """A toy case run with its prediction (ui.toy_runs.ToyView)."""
    return toy_runs.toy_view(name, n)

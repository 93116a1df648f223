"""Streamlit pieces every story page shares: engine warm-up, charts, share link."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from ui import classroom
from ui.figures.projector import for_projector
from ui.run_view import PLOTLY_CONFIG
from ui.session import engine_warm_up


def begin(url_path: str) -> None:
    """Top of every story page: classroom mode (the router syncs it too; syncing
    again here is idempotent)."""
    classroom.sync_from_url(url_path)
    classroom.show()


def _rerun_when_set(event) -> None:
    if event.is_set():
        st.rerun()


def wait_for_engine() -> None:
    """Stop the page with a notice until the kernels are compiled (never stall)."""
    warm = engine_warm_up()
    if not warm.is_set():
        st.info("Warming up the engine: compiling its kernels once for this server…")
        st.fragment(run_every=0.5)(_rerun_when_set)(warm)
        st.stop()


def chart(fig, key: str, caption: str) -> None:
    """One chart (projector-sized in classroom mode) and its one-line caption."""
    if classroom.active():
        fig = for_projector(fig)
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG)
    st.caption(caption)


def table(frame: pd.DataFrame, digits: int) -> None:
    """A small table with float columns shown to `digits` significant digits."""
    shown = frame.copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = [f"{x:.{digits}g}" for x in shown[column]]
    st.dataframe(shown, hide_index=True)


def share_link(query: dict[str, str]) -> None:
    """The page's full link (every control) in the sidebar, ready to copy."""
    with st.sidebar:
        st.markdown("**Link to this view** (every parameter, copy it)")
        st.code(
            f"{st.context.url or ''}?{urlencode(query)}", language=None, wrap_lines=True
        )

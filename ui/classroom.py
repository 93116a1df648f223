"""Classroom mode (`?classroom=1` on any page): fewer controls, projector fonts, and
a guided sequence of links in the sidebar.

Streamlit clears the query string when the user switches pages, so the mode lives
in session state (set from the URL by the router on every run) and is written
back into every page's URL and every link this module draws.
"""

from dataclasses import dataclass, field

import streamlit as st

KEY = "classroom"
ON, OFF = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")
WARNING = "classroom_warning"
# Streamlit sizes text in rem: a larger root font enlarges every label and widget.
PROJECTOR_CSS = """<style>
html { font-size: 20px; }
[data-testid="stSidebarNav"] span { font-size: 1.05rem; }
[data-testid="stCaptionContainer"] { font-size: 0.95rem; }
[data-testid="stPageLink"] p { white-space: normal; }
</style>"""


@dataclass(frozen=True)
class Step:
    """One link of the guided sequence: page file, label, query (classroom added)."""

    page: str
    label: str
    query: dict = field(default_factory=dict)


STEPS = (
    Step(
        "views/explore.py",
        "n = 1: exponential",
        {"n": "1", "d": "5", "sigma": "0.1", "eta": "0.05", "steps": "2000"},
    ),
    Step(
        "views/explore.py",
        "n = 2: only like T⁻³",
        {"preset": "n1-vs-n2"},
    ),
    Step("views/compare.py", "Figure 1: n = 1, 2, 5, 10"),
    Step(
        "views/phases.py",
        "Why: the three phases",
        {"preset": "theorem"},
    ),
    Step(
        "views/phases.py",
        "Large σ: balance fails",
        {"preset": "large-sigma"},
    ),
    Step("views/toy_cases.py", "Toy 1: T⁻³ exactly", {"preset": "toy1"}),
    Step("views/toy_cases.py", "Remark 26: collapse", {"preset": "remark26"}),
    Step("views/theory.py", "The theorems"),
)


def sync_from_url(page: str) -> None:
    """Read `classroom` from the URL when present; otherwise keep the session's.

    A bad value warns on the page it arrived with (`page`) until the user leaves.
    """
    warning = st.session_state.get(WARNING)
    if warning is not None and warning[0] != page:
        del st.session_state[WARNING]
    raw = st.query_params.get(KEY)
    if raw is None:
        return
    text = raw.strip().lower()
    if text in ON or text in OFF:
        st.session_state[KEY] = text in ON
        st.session_state.pop(WARNING, None)
    else:
        message = (
            f"Ignored classroom = '{raw[:40]}' from the link: classroom must be 1 "
            f"(on) or 0 (off); using classroom = {int(active())}."
        )
        st.session_state[WARNING] = (page, message)


def active() -> bool:
    return bool(st.session_state.get(KEY, False))


def query() -> dict[str, str]:
    """What every link and page URL carries so the mode survives navigation."""
    return {KEY: "1"} if active() else {}


def keep_in_url() -> None:
    """Put classroom=1 back into the URL (page switches clear the query string)."""
    if active() and st.query_params.get(KEY) != "1":
        st.query_params[KEY] = "1"


def show() -> None:
    """Projector CSS, the guided sequence and the way out; warnings on any page."""
    if WARNING in st.session_state:
        st.warning(st.session_state[WARNING][1], icon="⚠️")
    if not active():
        return
    st.html(PROJECTOR_CSS)
    with st.sidebar:
        st.markdown("**Classroom: step by step**")
        for number, step in enumerate(STEPS, start=1):
            st.page_link(
                step.page,
                label=f"{number}. {step.label}",
                query_params={**step.query, **query()},
            )
        st.page_link(
            "views/explore.py",
            label="Leave classroom mode",
            icon="✖️",
            query_params={KEY: "0"},
        )

"""Classroom mode's guided path: the steps (data in presets.toml), the step on
screen, and its header (Prev / Next, the step's claim) and sidebar list.

A step is a page and the link parameters it opens with. A classroom URL that
names none of its page's parameters opens that page's first step (so
`/?classroom=1` starts at step 1); the step on screen is the last of its page
whose parameters the URL holds, else the one this session last showed there.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ui import links, navigation


@dataclass(frozen=True)
class Step:
    page: str  # its view file, as st.page_link names it
    label: str
    query: dict  # the link parameters it opens with
    says: str  # its claim: what to see on screen, one or two sentences


with (Path(__file__).parent / "presets.toml").open("rb") as file:
    STEPS = tuple(Step(**step) for step in tomllib.load(file)["classroom"])
HERE = "classroom__step"  # session key: the step last on screen


def view_file(path: str) -> str:
    """A page's file from its URL path ("" is Explore)."""
    return f"views/{path or 'explore'}.py"


def query(path: str) -> dict[str, str]:
    """The URL's link parameters for page `path` (without the classroom flag);
    in classroom mode, the page's first step's when the URL names none."""
    found = {k: v for k, v in st.query_params.to_dict().items() if k != links.CLASSROOM}
    mine = [s for s in STEPS if s.page == view_file(path)]
    if links.classroom_on() and not found and mine:
        return dict(mine[0].query)
    return found


def current(path: str) -> int:
    """The index of the step on screen (-1: this page has none)."""
    file, shown = view_file(path), query(path).items()
    mine = [i for i, step in enumerate(STEPS) if step.page == file]
    held = [i for i in mine if step_query(i).items() <= shown]
    last = st.session_state.get(HERE, -1)
    here = held[-1] if held else last if last in mine else (mine or [-1])[0]
    st.session_state[HERE] = here
    return here


def step_query(number: int) -> dict[str, str]:
    return {k: str(v) for k, v in STEPS[number].query.items()}


def draw(path: str) -> None:
    """The step's header (Prev, where we are, Next; its claim) and the list of
    steps in the sidebar, the current one marked (and only it)."""
    here = current(path)
    with st.container(horizontal=True, key="classroom_moves", gap="small"):
        if here > 0:
            _link(here - 1, "← Prev: ")
        if here + 1 < len(STEPS):
            _link(here + 1, "Next: ", " →")
    if here >= 0:
        step = STEPS[here]
        end = "" if step.label[-1] in ".?!" else "."
        title = f"Step {here + 1} of {len(STEPS)} · {step.label}{end}"
        st.markdown(f"**{title}** {step.says}")
    with st.sidebar:
        st.markdown("**Classroom: step by step**")
        with st.container(key="classroom_steps", gap=None):
            for number in range(len(STEPS)):
                key = "classroom_here" if number == here else None
                with st.container(key=key):
                    _link(number)
        leave = {"label": "Leave classroom mode", "query_params": {"classroom": "0"}}
        st.page_link("views/explore.py", icon="✖️", **leave)


def link_query(number: int) -> dict[str, str]:
    """Every parameter the step's page will write for it (its values settled),
    so opening a step is one history entry, not two (ui.navigation)."""
    page = navigation.FIELDS[STEPS[number].page]
    if page is None:
        return step_query(number) | links.classroom_query()
    values = links.read(page, step_query(number)).values
    return links.write(page, values) | links.classroom_query()


def _link(number: int, prefix: str = "", suffix: str = "") -> None:
    step = STEPS[number]
    text = f"{prefix}{number + 1}. {step.label}{suffix}"
    st.page_link(step.page, label=text, query_params=link_query(number))

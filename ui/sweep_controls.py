"""Sidebar of the Sweeps page: widget state <-> the raw values of a sweep link.

The sidebar returns raw values, which go through the same parser as a URL
(ui.sweep_params), so a typed list like "1, 2, x" gets the same warning a link
would. Widgets for the two swept fields are hidden (their values are the lists).
"""

import streamlit as st

from ui.params import APP_CAPS, Cap, log_options
from ui.sweep_choices import AXES, SUMMARIES
from ui.sweep_params import MAX_SEEDS, sweep_query
from ui.sweep_plan import FIXED_FIELDS, SweepPlan, value_list

PREFIX = "sweeps_"
STORE = PREFIX + "values"
# The shortest run whose tail (the last decade of t) has enough records to fit.
MIN_STEPS = 100


def key(name: str) -> str:
    return PREFIX + name


def set_plan(plan: SweepPlan) -> None:
    """Set every widget (before they are drawn) to a validated plan's values."""
    values = {
        **sweep_query(plan),
        **{f: getattr(plan.base, f) for f in FIXED_FIELDS},
        "xs": ", ".join(value_list(plan.xs).split(",")),
        "ys": ", ".join(value_list(plan.ys).split(",")),
        "steps": plan.steps,
        "seeds": plan.seeds,
        "seed": plan.base.seed,
    }
    st.session_state[STORE] = values
    for name, value in values.items():
        st.session_state[key(name)] = value


def _defaults_text(axis: str) -> str:
    return ", ".join(value_list(AXES[axis].defaults).split(","))


def _axis_changed(changed: str) -> None:
    """A new axis gets its default values; y moves off x if they now coincide."""
    x, y = st.session_state[key("x")], st.session_state[key("y")]
    if x == y:
        y = next(a for a in AXES if a != x)
        st.session_state[key("y")] = y
        st.session_state[key("ys")] = _defaults_text(y)
    axis = x if changed == "x" else y
    st.session_state[key(changed + "s")] = _defaults_text(axis)


def _axis_controls(name: str, label: str, options: list[str]) -> None:
    st.selectbox(
        label,
        options,
        format_func=lambda a: AXES[a].label,
        key=key(name),
        on_change=_axis_changed,
        args=(name,),
    )
    st.text_input(
        f"Values of {AXES[st.session_state[key(name)]].symbol}",
        key=key(name + "s"),
        help="Comma-separated, e.g. 1, 2, 5. Cells are equally spaced.",
    )


def _log_slider(name: str, label: str, cap: Cap, integer: bool = False) -> None:
    options = log_options(cap, st.session_state[key(name)], integer)
    fmt = "{:,}".format if integer else "{:g}".format
    st.select_slider(label, options, format_func=fmt, key=key(name))


FIXED_WIDGETS = {
    "n": lambda: st.slider("Students n", 1, int(APP_CAPS["n"].high), key=key("n")),
    "sigma": lambda: _log_slider("sigma", "Initial scale σ", APP_CAPS["sigma"]),
    "eta": lambda: _log_slider("eta", "Step size η", APP_CAPS["eta"]),
    "d": lambda: st.number_input(
        "Dimension d", 1, int(APP_CAPS["d"].high), step=1, key=key("d")
    ),
}


def sidebar_controls(max_steps: int) -> dict:
    """Draw the sidebar; return its raw values (a sweep link's names and values)."""
    store = st.session_state[STORE]
    for name, value in store.items():
        # Streamlit drops the state of a widget not drawn last run (a swept field).
        st.session_state.setdefault(key(name), value)
    with st.sidebar:
        st.markdown("**Sweep**")
        _axis_controls("x", "Across (x)", list(AXES))
        x = st.session_state[key("x")]
        _axis_controls("y", "Down (y)", [a for a in AXES if a != x])
        st.selectbox(
            "Colour by",
            list(SUMMARIES),
            format_func=lambda s: SUMMARIES[s].label,
            key=key("summary"),
        )
        st.markdown("**Every run**")
        for field, widget in FIXED_WIDGETS.items():
            if field not in (x, st.session_state[key("y")]):
                widget()
        _log_slider("steps", "Steps T", Cap(MIN_STEPS, max_steps), integer=True)
        st.number_input("Seeds per cell", 1, MAX_SEEDS, step=1, key=key("seeds"))
        st.number_input("First seed", 0, 2**32 - 1, step=1, key=key("seed"))
    for name in store:
        store[name] = st.session_state[key(name)]
    return dict(store)

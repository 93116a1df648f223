"""Sidebar controls of a run: widget state <-> RunConfig field values.

Widgets hold exactly the app's allowed values (ui.params.APP_CAPS); log sliders
carry a link's off-grid value as an extra stop, so it is honoured exactly.
"""

from collections.abc import Mapping

import streamlit as st

from core import RunConfig
from ui import classroom
from ui.params import (
    APP_CAPS,
    NO_PRESET,
    QUERY_FIELDS,
    SEEDS_CAP,
    log_options,
    matching_preset,
)
from ui.presets import PRESETS

PREFIX = "explore_"
PRESET_KEY = PREFIX + "preset"
STORE = PREFIX + "values"
SEEDS_STORE = PREFIX + "seeds_value"  # K outlives its widget, like STORE
METHOD_LABELS = {"gd": "GD", "flow": "Gradient flow", "sgd": "Finite-sample GD"}


def key(name: str) -> str:
    return PREFIX + name


def set_values(values: Mapping) -> None:
    """Set field values (before the widgets are created): store and widgets.

    The store outlives widgets that are not drawn (samples and batch outside SGD),
    whose state Streamlit drops at the end of a run.
    """
    st.session_state[STORE] = {**st.session_state.get(STORE, {}), **values}
    for name, value in values.items():
        st.session_state[key(name)] = _widget_form(name, value)


def set_seeds(seeds: int) -> None:
    """Set the ensemble size K (before the widgets are created)."""
    st.session_state[SEEDS_STORE] = st.session_state[key("seeds")] = seeds


def seeds() -> int:
    """The ensemble size K: seeds seed, ..., seed + K - 1 (drawn or hidden)."""
    return st.session_state.get(SEEDS_STORE, 1)


def _sync_seeds() -> None:
    """The widget drawn last run wins over the store; a hidden one is refilled."""
    if key("seeds") in st.session_state:
        st.session_state[SEEDS_STORE] = st.session_state[key("seeds")]
    else:
        st.session_state[key("seeds")] = seeds()


def _widget_form(name: str, value):
    return (value or 0) if name == "batch" else value


def _apply_preset() -> None:
    chosen = st.session_state[PRESET_KEY]
    if chosen in PRESETS:
        set_values(PRESETS[chosen].values)


def _stored_values() -> dict:
    """Field values: widgets drawn this run win over the store."""
    store = st.session_state[STORE]
    for name in QUERY_FIELDS:
        if key(name) in st.session_state:
            store[name] = st.session_state[key(name)]
        else:
            st.session_state[key(name)] = _widget_form(name, store[name])
    store["batch"] = store["batch"] or None
    return dict(store)


def _log_slider(name: str, label: str, help_text: str, integer: bool = False):
    options = log_options(APP_CAPS[name], st.session_state[key(name)], integer)
    fmt = "{:,}".format if integer else "{:g}".format
    return st.select_slider(
        label, options, format_func=fmt, key=key(name), help=help_text
    )


def sidebar_controls() -> RunConfig:
    """Draw the controls in the sidebar and return the config they describe."""
    config = RunConfig(**_stored_values())
    _sync_seeds()
    st.session_state[PRESET_KEY] = matching_preset(config) or NO_PRESET
    with st.sidebar:
        st.selectbox(
            "Preset",
            [NO_PRESET, *PRESETS],
            format_func=lambda k: PRESETS[k].label if k in PRESETS else "Custom",
            key=PRESET_KEY,
            on_change=_apply_preset,
            help="\n\n".join(
                f"**{p.label}**: {p.description}" for p in PRESETS.values()
            ),
        )
        # Classroom mode shows the story's controls only; hidden ones keep their
        # values (the store refills their state on every run).
        advanced = not classroom.active()
        if advanced:
            st.segmented_control(
                "Method",
                list(METHOD_LABELS),
                format_func=METHOD_LABELS.get,
                key=key("method"),
                required=True,
            )
        st.slider("Students n", 1, int(APP_CAPS["n"].high), key=key("n"))
        if advanced:
            st.number_input(
                "Dimension d",
                1,
                int(APP_CAPS["d"].high),
                step=1,
                key=key("d"),
                help="Costs the same for any d: the run lives in span{v, wᵢ(0)}.",
            )
        _log_slider("sigma", "Initial scale σ", "W₀ = σ · N(0, I), log scale.")
        _log_slider("eta", "Step size η", "GD diverges above about η = 4/n.")
        _log_slider("steps", "Steps T", "Log scale, up to 1e8.", integer=True)
        if advanced:
            st.number_input("Seed", 0, 2**32 - 1, step=1, key=key("seed"))
            st.slider(
                "Seeds K (median and band)",
                int(SEEDS_CAP.low),
                int(SEEDS_CAP.high),
                key=key("seeds"),
                help="Seeds seed, …, seed + K − 1 of this run: their median and "
                "10–90 % band on the loss charts, computed in the background.",
            )
            _log_slider("teacher_norm", "Teacher norm ‖v‖", "v = ‖v‖ e₁.")
        if advanced and st.session_state[key("method")] == "sgd":
            samples = st.number_input(
                "Samples",
                1,
                int(APP_CAPS["samples"].high),
                step=100,
                key=key("samples"),
            )
            st.session_state[key("batch")] = min(
                st.session_state[key("batch")], samples
            )
            st.number_input(
                "Batch (0 = full batch)", 0, samples, step=10, key=key("batch")
            )
    return RunConfig(**_stored_values())

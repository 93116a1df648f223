"""Widget state <-> URL for the story pages (Streamlit glue over ui.url_fields).

Before its widgets, a page calls `start`: a link that arrived (a URL naming this
page's controls that the page did not write itself) sets the widgets; otherwise
the widgets keep their session values (`persist_state="session"` keeps them across
page switches). After its widgets, `publish` writes every control into the URL.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from ui import classroom
from ui.params import log_options
from ui.url_fields import (
    CUSTOM,
    PRESET,
    Field,
    matching_preset,
    read_query,
    write_query,
)


def key(page: str, name: str) -> str:
    """Widget key of control `name` on `page` (unique across pages)."""
    return f"{page}_{name}"


def _written(page: str) -> str:
    return f"{page}__written"


def _warnings(page: str) -> str:
    return f"{page}__warnings"


def set_values(page: str, values: Mapping[str, Any]) -> None:
    """Set widget values before the widgets are drawn (a link, a preset)."""
    for name, value in values.items():
        st.session_state[key(page, name)] = value


def start(
    page: str,
    fields: Sequence[Field],
    presets: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    """Apply an arriving link, fill missing widget values, show link warnings."""
    presets = presets or {}
    query = {k: v for k, v in st.query_params.to_dict().items() if k != classroom.KEY}
    if query and query != st.session_state.get(_written(page)):
        values, preset, warnings = read_query(query, fields, presets)
        set_values(page, values)
        if presets:  # a page without presets may use "preset" as a field
            st.session_state[key(page, PRESET)] = preset
        st.session_state[_warnings(page)] = warnings
    for f in fields:
        st.session_state.setdefault(key(page, f.name), f.default)
    for warning in st.session_state.get(_warnings(page), ()):
        st.warning(warning, icon="⚠️")


def values(page: str, fields: Sequence[Field]) -> dict[str, Any]:
    """Current value of every control (drawn or hidden in classroom mode)."""
    return {f.name: st.session_state[key(page, f.name)] for f in fields}


def preset_select(
    page: str,
    fields: Sequence[Field],
    presets: Mapping[str, Mapping[str, Any]],
    labels: Mapping[str, str],
) -> None:
    """A preset selector: picking one sets its values; it shows the matching one."""
    preset_key = key(page, PRESET)
    st.session_state[preset_key] = matching_preset(values(page, fields), presets)

    def apply() -> None:
        chosen = st.session_state[preset_key]
        if chosen in presets:
            set_values(page, presets[chosen])

    st.selectbox(
        "Preset",
        [*presets, CUSTOM],
        format_func=lambda name: labels.get(name, "Custom"),
        key=preset_key,
        on_change=apply,
    )


def log_sliders(page: str, specs) -> None:
    """Select sliders on a log grid: specs are (name, label, Cap, integral); the
    current value stays selectable even off the grid (a link's exact value)."""
    for name, label, cap, integral in specs:
        st.select_slider(
            label,
            log_options(cap, st.session_state[key(page, name)], integral),
            format_func="{:,}".format if integral else "{:g}".format,
            key=key(page, name),
            persist_state="session",
        )


def publish(
    page: str,
    fields: Sequence[Field],
    presets: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, str]:
    """Write every control (defaults included) and the mode into the URL."""
    query = write_query(values(page, fields), fields, presets or {})
    st.session_state[_written(page)] = query
    full = {**query, **classroom.query()}
    if st.query_params.to_dict() != full:
        st.query_params.from_dict(full)
    return full

"""A page's controls drawn from its fields (ui.fields), returning plain values:
one log slider, one preset select, one share-link box.

Widget state lives under `key(page, name)` with persist_state="session", so a
value survives page switches and widgets not drawn (classroom mode, samples
outside finite-sample GD). Before drawing, the values are settled into their
ranges (Page.settle), so no widget holds a value that its link would refuse, and
no combination (d = 10 000, then n = 50 for finite-sample GD) can stop the page.
"""

import math
from collections.abc import Mapping

import streamlit as st

from ui import links
from ui.form import Page
from ui.links import CUSTOM
from ui.schema import Field


def key(page: Page, name: str) -> str:
    """Widget key of parameter `name` on `page` (unique across pages)."""
    return f"{page.key}_{name}"


def _form(field: Field, value):
    """A value as its widget holds it (a list in a text box: "1, 2, 5")."""
    if field.widget == "text":
        return ", ".join(field.text(value).split(","))
    return value


def set_values(page: Page, values: Mapping) -> None:
    """Set widgets (before they are drawn) to these values: a link, a preset."""
    given = {**page.defaults(), **values}
    for name, value in values.items():
        here = page.field(name).at(given)
        st.session_state[key(page, name)] = _form(here or page.field(name), value)


def current(page: Page) -> tuple[dict, list[str]]:
    """Every value the widgets hold (drawn or not), and warnings for typed text
    that a link would refuse too (then the last good value stays)."""
    values, warnings = page.defaults(), []
    for declared in page.fields:
        here = declared.at(values) or declared
        state = st.session_state.setdefault(
            key(page, declared.name), _form(here, here.default)
        )
        if here.widget == "text":
            warnings += links.read_field(page, here, state, values)
        else:
            values[declared.name] = state
    return values, warnings


def log_options(field: Field, value, integer: bool | None = None) -> list:
    """Slider stops 1, 2, 5 per decade over the field's range, plus `value` off
    the grid: a link's exact value is kept as a stop, honoured, not rounded."""
    integer = field.kind == "int" if integer is None else integer
    low, high = math.floor(math.log10(field.low)), math.ceil(math.log10(field.high))
    # 12 significant digits turn 2 * 10.0**-3 = 0.0020000000000000005 into 0.002.
    stops = {
        float(f"{m * 10.0**e:.12g}") for e in range(low, high + 1) for m in (1, 2, 5)
    }
    stops = {s for s in stops if field.low <= s <= field.high} | {field.low, field.high}
    if integer:
        return sorted({round(s) for s in stops} | {value})
    return sorted(stops | {value})


def preset_select(page: Page, values: Mapping) -> None:
    """The page's presets: picking one sets its values; it shows the matching one."""
    preset_key = key(page, links.PRESET)
    st.session_state[preset_key] = links.matching_preset(page, values)

    def apply() -> None:
        chosen = st.session_state[preset_key]
        if chosen in page.presets:
            set_values(page, page.presets[chosen].values)

    about = [
        f"**{p.label}**: {p.description}"
        for p in page.presets.values()
        if p.description
    ]
    st.selectbox(
        "Preset",
        [*page.presets, CUSTOM],
        format_func=lambda name: (
            page.presets[name].label if name in page.presets else "Custom"
        ),
        key=preset_key,
        on_change=apply,
        help="\n\n".join(about) or None,
    )


def _reset(page: Page, name: str) -> None:
    """After `name` changed: the fields it resets go back to their defaults."""
    values, _ = current(page)
    set_values(page, page.resets(name, values))


def draw(page: Page, field: Field) -> None:
    """One widget for `field` (already given the values before it)."""
    options = {"key": key(page, field.name), "help": field.help or None}
    options |= {"persist_state": "session"}
    if field.resets:
        options |= {"on_change": _reset, "args": (page, field.name)}
    name = field.names.get if field.names else str
    if field.widget == "log":
        value = st.session_state[key(page, field.name)]
        stops = log_options(field, value)
        fmt = "{:,}".format if field.kind == "int" else "{:g}".format
        st.select_slider(field.label, stops, format_func=fmt, **options)
    elif field.widget in ("slider", "number"):
        # Floats step by 1/100 of the range (α by 0.02), integers by 1.
        cast = int if field.kind == "int" else float
        low, high = cast(field.low), cast(field.high)
        step = 1 if cast is int else (high - low) / 100
        widget = st.slider if field.widget == "slider" else st.number_input
        fmt = {} if cast is int else {"format": "%g"}
        widget(field.label, low, high, step=step, **fmt, **options)
    elif field.widget == "multiselect":
        chosen = st.session_state[key(page, field.name)]
        choices = sorted(set(field.options) | set(chosen))
        fmt = "{:,}".format
        st.multiselect(
            field.label, choices, max_selections=field.most, format_func=fmt, **options
        )
    elif field.widget == "text":
        st.text_input(field.label, **options)
    else:
        widget = {
            "select": st.selectbox,
            "segmented": st.segmented_control,
            "radio": st.radio,
        }
        required = {"required": True} if field.widget == "segmented" else {}
        widget[field.widget](
            field.label, list(field.options), format_func=name, **required, **options
        )


def controls(page: Page, classroom: bool, settled: bool = False) -> dict:
    """Settle the values (once per rerun: not again when a link has just set them,
    `settled`), draw the sidebar, return the values it describes.

    Classroom mode draws the story's controls only; hidden ones keep their values.
    """
    values, warnings = current(page)
    notes = []
    if not settled:
        values, notes = page.settle(values)
        set_values(page, values)
    for note in [*warnings, *notes]:
        st.warning(note, icon="⚠️")
    with st.sidebar:
        if page.presets:
            preset_select(page, values)
        group = ""
        for declared in page.fields:
            here = declared.at(values)
            shown = here is not None and here.widget and not here.unused
            if shown and not (here.advanced and classroom):
                if here.group not in ("", group):  # a heading where a group starts
                    group = here.group
                    st.markdown(f"**{group}**")
                draw(page, here)
    values, _ = current(page)
    return values


def share_link(url: str, what: str) -> None:
    """The page's full link (every parameter) in the sidebar, to copy or open.

    A plain link, not st.code: its copy button made every visit load and run
    Streamlit's 1.5 MB syntax-highlighter chunk ahead of the charts (warm
    Explore visits, median of three: 5.1 s with it, 4.3 s without)."""
    with st.sidebar:
        st.markdown(f"**Link to this {what}** (every parameter: copy it)")
        st.caption(f"<{url}>")

"""Query string <-> a page's values (ui.fields), and back to a share link.

`read` turns a link into values and warnings that name the parameter, the value,
what is allowed and the safe value used instead; `write` gives every parameter,
defaults included, so a link reproduces the view. Every key and value that came
from outside is shown as literal text (`literal`) and cut to a sane length. The
Streamlit glue below keeps a page's widgets, its URL and the classroom flag in step.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from neuronlab import RunConfig
from neuronlab.config import ConfigError
from ui import fields
from ui.form import Page
from ui.schema import Field, FieldError

PRESET, CUSTOM, CLASSROOM = "preset", "custom", "classroom"
ON, OFF = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")
SHOWN_CHARS = 40  # of one outside value or key: a pasted page must not flood ours
SHOWN_KEYS = 5  # unknown keys listed by name; the rest are counted
# Text that no Markdown, KaTeX, directive or autolink rule reads: words, numbers.
_PLAIN = re.compile(r"(?:[^\W_]|[ ,.+\-…])*")


def literal(raw, quote: bool = True) -> str:
    """Outside text, cut, as Markdown that shows exactly its characters: plain
    text as it is (quoted), anything else in a code span, where Streamlit reads no
    Markdown, KaTeX, directive or autolink (escapes would not stop the latter)."""
    text = "".join(
        " " if unicodedata.category(c)[0] in "CZ" and c != " " else c for c in str(raw)
    )
    text = text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"
    if _PLAIN.fullmatch(text) and not re.search(r"(?i)www\.|^\s|\s$", text):
        return f"'{text}'" if quote else text
    fence = "`" * (1 + max(map(len, re.findall("`+", text)), default=0))
    return f"{fence} {text} {fence}"


@dataclass(frozen=True)
class Link:
    """What a URL asks of a page: every value (defaults where it said nothing or
    something refused), the preset those values match, the warnings, and whether
    it named any of the page's parameters."""

    values: dict
    preset: str
    warnings: tuple[str, ...]
    named: bool


def _warning(field: Field, raw, reason: str, safe) -> str:
    return (
        f"Ignored {field.name} = {literal(raw)} from the link: {reason}; using "
        f"{field.name} = {field.text(safe)}."
    )


def read(page: Page, query: Mapping[str, str]) -> Link:
    """Validate a link field by field, in declaration order; a refused value keeps
    its safe one (the preset's, else the default)."""
    values, warnings, preset = page.defaults(), [], {}
    if page.presets and PRESET in query:
        chosen = Field(PRESET, CUSTOM, "choice", options=(*page.presets, CUSTOM))
        try:
            name = chosen.parse(query[PRESET])
        except FieldError as error:
            reason = f"preset must be {error}"
            warnings.append(_warning(chosen, query[PRESET], reason, CUSTOM))
        else:
            preset = page.presets[name].values if name in page.presets else {}
            values |= preset
    for declared in page.fields:
        here = declared.at(values)
        if here is not None and declared.name not in {**query, **preset}:
            values[declared.name] = here.default  # as the values before it say
        if here is not None and declared.name in query and here.unused:
            reason = f"{here.name} {here.unused}"
            warnings.append(_warning(here, query[here.name], reason, here.default))
        elif here is not None and declared.name in query:
            warnings += read_field(page, here, query[declared.name], values)
    values, notes = page.settle(values)
    warnings += notes
    known = [f.name for f in page.fields] + ([PRESET] if page.presets else [])
    unknown = sorted(set(query) - set(known) - {CLASSROOM})
    if unknown:
        shown = ", ".join(literal(key, quote=False) for key in unknown[:SHOWN_KEYS])
        more = len(unknown) - SHOWN_KEYS
        warnings.append(
            f"Ignored unknown link parameter(s) {shown}"
            + (f" and {more:,} more" if more > 0 else "")
            + f": this page reads {', '.join(known)} and classroom."
        )
    named = bool(set(query) & set(known))
    return Link(values, matching_preset(page, values), tuple(warnings), named)


def read_field(page: Page, field: Field, raw, values: dict) -> list[str]:
    """Set values[field.name] from raw text if allowed; the warnings it gives."""
    if field.kind == "list" and field.lenient:
        good, bad = [], []
        for part in (p for p in str(raw).split(",") if p.strip()):
            try:
                good.append(field.item.parse(part))
            except FieldError:
                bad.append(literal(part.strip()))
        if good:
            values[field.name] = sorted(set(good))
        if not bad:
            return []
        item, using = field.item, field.text(values[field.name])
        reason = f"{item.name} must be {item.allowed()}"
        return [
            f"Ignored {', '.join(bad)} in {field.name}: {reason}; using {field.name} = {using}."
        ]
    try:
        value = field.parse(raw)
        if field.config:  # the engine's own checks (combinations of fields)
            RunConfig(**page.config_values({**values, field.name: value}))
    except FieldError as error:
        return [
            _warning(field, raw, f"{field.name} must be {error}", values[field.name])
        ]
    except ConfigError as error:
        return [_warning(field, raw, str(error), values[field.name])]
    values[field.name] = value
    return []


def write(page: Page, values: Mapping) -> dict[str, str]:
    """Every parameter of the page, defaults included, so a link pins the view."""
    query = {
        f.name: here.text(values[f.name])
        for f in page.fields
        if (here := f.at(values)) is not None and not here.unused
    }
    if page.presets:
        query[PRESET] = matching_preset(page, values)
    return query


PRESET_MEANING = "a named set of the values above"


def matching_preset(page: Page, values: Mapping) -> str:
    """The preset whose every value equals the current one, else "custom"."""
    for name, preset in page.presets.items():
        if all(values.get(k) == v for k, v in preset.values.items()):
            return name
    return CUSTOM


def link_reference(pages=None) -> pd.DataFrame:
    """One row per (page, URL name): meaning, allowed values, default; every page
    of ui.fields by default. Every cell is filled."""
    rows = []
    for page in pages or fields.PAGES.values():
        defaults = page.defaults()  # given the values before each (Beyond's knobs)
        for f in page.fields:
            here = f.at(defaults) or f
            meaning = f.meaning or f.label or f.help or f.name
            reasons = "".join(f"; {why}" for why in (f.why, here.unused) if why)
            allowed, default = here.range_text() + reasons, here.text(defaults[f.name])
            rows.append((page.title, f.name, meaning, allowed, default))
        if page.presets:
            options = ", ".join([*page.presets, CUSTOM])
            default = matching_preset(page, defaults)
            rows.append((page.title, PRESET, PRESET_MEANING, options, default))
    meaning = "1: classroom mode (fewer controls, projector fonts, guided steps)"
    rows.append(("every page", CLASSROOM, meaning, "0, 1", "0"))
    return pd.DataFrame(rows, columns=["page", "name", "meaning", "allowed", "default"])


# The Streamlit side: the URL of the page in view, its warnings, the classroom flag.


def arrive(page: Page, query: Mapping[str, str] | None = None) -> Link | None:
    """The link that just arrived for `page` (a first visit, or a URL `query`
    naming its parameters that the page did not write itself), else None. Its
    warnings stay on screen until another link arrives. `query`: the URL's own
    parameters unless given (a classroom step's)."""
    if query is None:
        query = {k: v for k, v in st.query_params.to_dict().items() if k != CLASSROOM}
    if left_behind(page, query):
        query = {}
    written = st.session_state.get(f"{page.key}__written")
    link = None
    if written is None or (query and query != written):
        link = read(page, query)
        st.session_state[f"{page.key}__warnings"] = link.warnings
    for warning in st.session_state.get(f"{page.key}__warnings", ()):
        st.warning(warning, icon="⚠️")
    return link


def publish(page: Page, values: Mapping, arrived: bool = False) -> str:
    """Write every parameter (and the classroom flag) into the URL; the link.
    `arrived`: write it even if the script's copy holds it already (a link to
    the page on screen reaches the script without the address bar changing)."""
    query = write(page, values)
    st.session_state[f"{page.key}__written"] = query
    full = query | classroom_query()
    if arrived or st.query_params.to_dict() != full:
        st.query_params.from_dict(full)
    return f"{st.context.url or ''}?{urlencode(full)}"


def left_behind(page: Page, query: Mapping[str, str]) -> bool:
    """Whether `query` is the URL another page of this tab last wrote itself.
    Streamlit can send it with this page's run when Back (or the menu) leaves
    that page while its live job redraws (seen in a browser test: Phases then
    read Landscape's n, d and steps, and warned of its `point`). A link to this
    page never carries another page's own last URL, so it is not read as one."""
    mine = f"{page.key}__written"
    return bool(query) and any(
        key.endswith("__written") and key != mine and written == query
        for key, written in st.session_state.items()
    )


def sync_classroom(page_path: str) -> None:
    """Read `classroom` from the URL when present, else keep the session's; a bad
    value warns on the page it arrived with until the user leaves it."""
    raw = st.query_params.get(CLASSROOM)
    warning = st.session_state.get("classroom__warning")
    if warning is not None and warning[0] != page_path:
        del st.session_state["classroom__warning"]
    if raw is None:
        return
    if raw.strip().lower() in ON + OFF:
        st.session_state[CLASSROOM] = raw.strip().lower() in ON
    else:
        flag = Field(CLASSROOM, "0", "choice", options=("1", "0"))
        reason = "classroom must be 1 (on) or 0 (off)"
        message = _warning(flag, raw, reason, str(int(classroom_on())))
        st.session_state["classroom__warning"] = (page_path, message)


def classroom_on() -> bool:
    return bool(st.session_state.get(CLASSROOM, False))


def keep_classroom() -> None:
    """Put classroom=1 back into the URL (page switches clear the query string)."""
    if classroom_on() and st.query_params.get(CLASSROOM) != "1":
        st.query_params[CLASSROOM] = "1"


def classroom_query() -> dict[str, str]:
    """What every page URL and link carries so the mode survives navigation."""
    return {CLASSROOM: "1"} if classroom_on() else {}


def classroom_warning() -> str | None:
    found = st.session_state.get("classroom__warning")
    return found[1] if found else None

"""URL query <-> control values for the story pages (Compare, Phases, Toy cases).

Each page declares its controls as `Field`s (URL name, default, parser, allowed
range). A bad value never stops a page: it becomes a warning naming the parameter,
the value, the allowed range and the safe default used instead. Pure functions,
no Streamlit (the widget glue is ui.page_state).
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ui.params import MAX_SHOWN_CHARS

PRESET, CUSTOM = "preset", "custom"
# Names any page may carry without a warning: the mode, not a control.
GLOBAL_NAMES = frozenset({"classroom"})


@dataclass(frozen=True)
class Field:
    """One control: `parse` turns URL text into a value or raises ValueError."""

    name: str
    default: Any
    parse: Callable[[str], Any]
    allowed: str

    def text(self, value: Any) -> str:
        """Exact URL text: floats by repr (round-trips), lists comma-separated."""
        if isinstance(value, list | tuple):
            return ",".join(self.text(v) for v in value)
        return repr(value) if isinstance(value, float) else str(value)


def _number(text: str) -> float:
    number = float(text.strip())
    if not math.isfinite(number):
        raise ValueError
    return number


def integer(name: str, default: int, low: int, high: int) -> Field:
    """An integer in [low, high]; "1e5" is accepted for 100000."""

    def parse(text: str) -> int:
        number = _number(text)
        if not (number.is_integer() and low <= number <= high):
            raise ValueError
        return int(number)

    return Field(name, default, parse, f"an integer in [{low:,}, {high:,}]")


def number(name: str, default: float, low: float, high: float) -> Field:
    """A real number in [low, high]."""

    def parse(text: str) -> float:
        value = _number(text)
        if not low <= value <= high:
            raise ValueError
        return value

    return Field(name, default, parse, f"a number in [{low:g}, {high:g}]")


def choice(name: str, default: Any, options: Sequence[Any]) -> Field:
    """One of `options`, matched by its text. A '+' in a URL arrives as a space
    (form encoding): "toy3 eps" is read as "toy3+eps"."""
    by_text = {str(option): option for option in options}

    def parse(text: str) -> Any:
        value = text.strip().replace(" ", "+")
        if value not in by_text:
            raise ValueError
        return by_text[value]

    return Field(name, default, parse, "one of " + ", ".join(by_text))


def integer_list(
    name: str, default: list[int], low: int, high: int, most: int
) -> Field:
    """Comma-separated distinct integers in [low, high], at most `most`, sorted."""
    item = integer(name, low, low, high).parse

    # A list, like the multiselect widget's value and the presets' (equality).
    def parse(text: str) -> list[int]:
        values = sorted({item(part) for part in text.split(",") if part.strip()})
        if not 1 <= len(values) <= most:
            raise ValueError
        return values

    allowed = f"1 to {most} comma-separated integers in [{low:,}, {high:,}]"
    return Field(name, default, parse, allowed)


def _shown(raw: str) -> str:
    return raw if len(raw) <= MAX_SHOWN_CHARS else raw[:MAX_SHOWN_CHARS] + "…"


def read_query(
    query: Mapping[str, str],
    fields: Sequence[Field],
    presets: Mapping[str, Mapping[str, Any]],
) -> tuple[dict[str, Any], str, list[str]]:
    """(values, preset, warnings) from a URL: preset first, then each field.

    A field absent from the URL takes the preset's value, else its default. A page
    without presets may declare a field named "preset" (the Toy cases do).
    """
    values = {f.name: f.default for f in fields}
    warnings = []
    preset = CUSTOM
    if presets and PRESET in query:
        preset_field = choice(PRESET, CUSTOM, [*presets, CUSTOM])
        try:
            preset = preset_field.parse(query[PRESET])
        except ValueError:
            warnings.append(_warning(preset_field, query[PRESET], CUSTOM))
        values.update(presets.get(preset, {}))
    for field in fields:
        if field.name not in query:
            continue
        try:
            values[field.name] = field.parse(query[field.name])
        except ValueError:
            warnings.append(_warning(field, query[field.name], values[field.name]))
    known = {f.name for f in fields} | ({PRESET} if presets else set()) | GLOBAL_NAMES
    unknown = sorted(set(query) - known)
    if unknown:
        warnings.append(
            f"Ignored link parameter(s) {', '.join(map(_shown, unknown))}: this page "
            f"reads only {', '.join(sorted(known - GLOBAL_NAMES))} and classroom."
        )
    return values, matching_preset(values, presets), warnings


def _warning(field: Field, raw: str, safe: Any) -> str:
    return (
        f"Ignored {field.name} = '{_shown(str(raw))}' from the link: {field.name} "
        f"must be {field.allowed}; using {field.name} = {field.text(safe)}."
    )


def matching_preset(
    values: Mapping[str, Any], presets: Mapping[str, Mapping[str, Any]]
) -> str:
    """The preset whose every value equals the current one, else CUSTOM."""
    for name, preset in presets.items():
        if all(values.get(k) == v for k, v in preset.items()):
            return name
    return CUSTOM


def write_query(
    values: Mapping[str, Any],
    fields: Sequence[Field],
    presets: Mapping[str, Mapping[str, Any]],
) -> dict[str, str]:
    """Every control, defaults included, so a link pins the view exactly."""
    query = {f.name: f.text(values[f.name]) for f in fields}
    if presets:
        query[PRESET] = matching_preset(values, presets)
    return query

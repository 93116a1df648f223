"""What a page parameter is: one `Field` (URL name, parser, range, label, help,
widget kind, default) and one `Page` (its fields and presets); ui.fields declares
them all. Pure: links, widgets and the Theory page's reference read these.

A field's range may depend on the values before it (`given`: n * d <= 20 000 for
finite-sample GD tightens d once n is known), and every path applies the same:
a link's value is refused, a widget cannot reach it, `settle` pulls it back.
"""

import dataclasses
import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import RunConfig
from core.config import ConfigError

# ASCII only: float() also reads "١٢" and "1_000", which a link must not smuggle in.
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
KINDS = ("int", "float", "choice", "list")


class FieldError(ValueError):
    """A raw value this field refuses; the message is what is allowed."""


@dataclass(frozen=True)
class Field:
    """One parameter of a page, in the URL and (if `widget`) in the sidebar.

    kind : "int" | "float" | "choice" | "list" (comma-separated `item`s).
    low, high : inclusive range of numbers (of a list's items: see `item`).
    options : a choice's values, a list widget's suggestions; names: their labels.
    widget : "slider" | "log" | "number" | "select" | "segmented" | "radio" |
        "multiselect" | "text" | "" (link only).
    config : a RunConfig field (the page's config is built from these).
    advanced : hidden in classroom mode.  none : text for None (batch: "full").
    most, lenient : a list's longest length; drop bad items rather than the list.
    given(field, values) -> field : this field as the values before it shape it.
    why : what tightened the range (set by `given`), quoted in messages.
    resets : fields that go back to their defaults when this one changes.
    group : the sidebar heading it is drawn under ("Model", "Optimiser").
    unused : why this run does not read it (set by `given`: beta under plain
        GD): then it is not drawn, not linked, not passed to RunConfig, and a
        link that sets it is warned with this reason.
    """

    name: str
    default: Any
    kind: str
    low: float | None = None
    high: float | None = None
    options: tuple = ()
    label: str = ""
    help: str = ""
    widget: str = ""
    config: bool = False
    advanced: bool = False
    none: str = ""
    most: int = 1
    lenient: bool = False
    item: "Field | None" = None
    names: Mapping = field(default_factory=dict)
    given: Callable | None = None
    why: str = ""
    meaning: str = ""
    resets: tuple = ()
    group: str = ""
    unused: str = ""

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind

    def at(self, values: Mapping) -> "Field | None":
        """This field given the values before it (ranges, options, visibility);
        None where it is no parameter at all (Sweeps: the swept fields)."""
        return self if self.given is None else self.given(self, values)

    def but(self, **changes) -> "Field":
        """The same field with some declarations changed (another page's range)."""
        return dataclasses.replace(self, **changes)

    def narrowed(self, high: float, why: str) -> "Field":
        """The same field with a lower top of range, and the reason for it."""
        return self.but(high=min(self.high, high), why=why)

    def range_text(self) -> str:
        """The allowed values, short: "[1, 50]", "one of gd, flow, sgd"."""
        if self.kind == "choice":
            return "one of " + ", ".join(map(str, self.options))
        if self.kind == "list":
            each = self.item.allowed() if self.item else "a value of the field named"
            return f"1 to {self.most:,} comma-separated, each {each}"
        if self.kind == "int":
            span = f"[{self.low:,}, {self.high:,}]"
            return span + (f" or {self.none}" if self.none else "")
        return f"[{self.low:g}, {self.high:g}]"

    def allowed(self) -> str:
        """What a message says this field must be."""
        kind = {"int": "an integer in ", "float": "a number in "}.get(self.kind, "")
        return kind + self.range_text() + (f" ({self.why})" if self.why else "")

    def text(self, value: Any) -> str:
        """Exact URL text: floats by repr (round-trips), lists comma-separated."""
        if value is None:
            return self.none
        if isinstance(value, list | tuple):
            return ",".join(map((self.item or self).text, value))
        return repr(value) if isinstance(value, float) else str(value)

    def parse(self, raw: Any) -> Any:
        """The value of raw URL or widget text; FieldError(allowed) if refused."""
        text = str(raw).strip()
        if self.kind == "list":
            try:
                items = [self.item.parse(p) for p in text.split(",") if p.strip()]
            except FieldError:
                raise FieldError(self.allowed()) from None
            value = sorted(set(items))
        elif self.kind == "choice":
            # A '+' in a URL arrives as a space (form encoding): "toy3 eps".
            value = self._option(text.replace(" ", "+"))
        elif self.none and text.lower() in ("", "none", self.none):
            value = None
        else:
            value = self._number(text)
        if not self.admits(value):
            raise FieldError(self.allowed())
        return value

    def admits(self, value: Any) -> bool:
        """Whether a typed value lies in this field's range."""
        if self.kind == "list":
            good = isinstance(value, list) and 1 <= len(value) <= self.most
            return good and all(self.item.admits(v) for v in value)
        if self.kind == "choice":
            return value in self.options
        if value is None:
            return bool(self.none)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return number and self.low <= value <= self.high

    def clamp(self, value: Any) -> Any:
        """The nearest value in range (a choice or list out of range: the default)."""
        if self.kind in ("int", "float") and value is not None:
            return type(value)(min(max(value, self.low), self.high))
        return value if self.admits(value) else self.default

    def _option(self, text: str) -> Any:
        by_text = {str(option).lower(): option for option in self.options}
        if text.lower() not in by_text:
            raise FieldError(self.allowed())
        return by_text[text.lower()]

    def _number(self, text: str) -> float | int:
        if not NUMBER.fullmatch(text):
            raise FieldError(self.allowed())
        number = float(text)
        if not math.isfinite(number):
            raise FieldError(self.allowed())
        if self.kind == "float":
            return number
        if not number.is_integer():
            raise FieldError(self.allowed())
        return int(number)


def config(name: str, kind: str, low=None, high=None, **declared) -> Field:
    """A RunConfig field: its default and named choices come from RunConfig (its
    help is the engine's, with the engine's ranges: the app declares its own)."""
    choices = RunConfig.__dataclass_fields__[name].metadata.get("choices", ())
    default = getattr(RunConfig(), name)
    return Field(
        name, default, kind, low, high, config=True, **{"options": choices} | declared
    )


@dataclass(frozen=True)
class Preset:
    """A named set of field values, with a one-line reason to pick it."""

    label: str
    values: Mapping
    description: str = ""


PRESETS = Path(__file__).with_name("presets.toml")


def presets(page: str) -> dict[str, Preset]:
    """The presets of `page` in ui/presets.toml, in file order."""
    with PRESETS.open("rb") as file:
        table = tomllib.load(file).get(page, {})
    return {name: Preset(**preset) for name, preset in table.items()}


@dataclass(frozen=True)
class Page:
    """A page's parameters in link order, and its presets (name -> Preset)."""

    key: str  # widget-key prefix
    title: str  # as the navigation names it
    fields: tuple[Field, ...]
    presets: Mapping[str, Preset] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Each preset's values complete: plus the defaults of the fields they
        reset (an experiment's knobs), unless the preset names them."""
        full = {}
        for name, preset in self.presets.items():
            values = dict(preset.values)
            for key in preset.values:
                values = self.resets(key, values) | values
            full[name] = dataclasses.replace(preset, values=values)
        object.__setattr__(self, "presets", full)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def defaults(self) -> dict:
        """Each field's default given the defaults before it (an experiment's
        knobs take that experiment's values)."""
        values = {}
        for f in self.fields:
            values[f.name] = f.default
            values[f.name] = (f.at(values) or f).default
        return values

    def config_values(self, values: Mapping) -> dict:
        """The RunConfig fields among `values` that the run reads."""
        return {
            f.name: values[f.name]
            for f in self.fields
            if f.config and not (f.at(values) or f).unused
        }

    def resets(self, name: str, values: Mapping) -> dict:
        """The defaults of the fields that field `name` resets, given `values`."""
        out = {}
        for reset in self.field(name).resets:
            out[reset] = self.field(reset).at({**values, **out}).default
        return out

    def settle(self, values: Mapping) -> tuple[dict, list[str]]:
        """Each value inside its range given the values before it, and a note for
        each one that had to move (a widget left d at 10 000, then n went to 50)."""
        settled, notes = dict(values), []
        for declared in self.fields:
            name, current = declared.name, settled[declared.name]
            here = declared.at(settled)
            if here is not None and not here.unused and not here.admits(current):
                settled[name] = here.clamp(current)
                settled |= self.resets(name, settled)
                notes.append(
                    f"{name} = {here.text(current)} is outside what this app allows "
                    f"here: {name} must be {here.allowed()}; using {name} = "
                    f"{here.text(settled[name])}."
                )
        return self._engine_settle(settled, notes)

    def _engine_settle(self, settled: dict, notes: list) -> tuple[dict, list[str]]:
        """What the engine refuses of a combination no field's range caught
        (Gauss-Newton at n = 50): the field it names back to its default."""
        for _ in self.fields:
            try:
                RunConfig(**self.config_values(settled))
                break
            except ConfigError as error:
                name = error.field
                here = self.field(name).at(settled) if name in settled else None
                default = here.default if here else None
                if here is None or settled[name] == default:
                    return self.defaults(), [*notes, f"{error}; using the defaults."]
                settled[name] = default
                notes.append(f"{error}; using {name} = {here.text(default)}.")
        return settled, notes

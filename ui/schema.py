"""What a page parameter is: one `Field` (URL name, parser, range, label, help,
widget kind, default); ui.form puts fields together as a page. Pure: links,
widgets and the Theory page's reference read these.

A field's range may depend on the values before it (`given`: n * d <= 20 000 for
finite-sample GD tightens d once n is known), and every path applies the same:
a link's value is refused, a widget cannot reach it, `settle` pulls it back.
"""

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from neuronlab import RunConfig
from neuronlab.params import params_of, parse_number

# The engine's declarations of RunConfig's fields (neuronlab.config.PARAMS).
RUN_PARAMS = params_of(RunConfig)
KINDS = ("int", "float", "choice", "list")


class FieldError(ValueError):
    """A raw value this field refuses; the message is what is allowed."""


@dataclass(frozen=True)
class Field:
    """One parameter of a page, in the URL and (if `widget`) in the sidebar."""

    name: str
    default: Any
    kind: str  # "int" | "float" | "choice" | "list" (comma-separated `item`s)
    low: float | None = None  # inclusive range of numbers (a list's: see `item`)
    high: float | None = None
    options: tuple = ()  # a choice's values, a list widget's suggestions
    label: str = ""
    help: str = ""
    # "slider" | "log" | "number" | "select" | "segmented" | "radio" |
    # "multiselect" | "text" | "" (link only)
    widget: str = ""
    config: bool = False  # a RunConfig field (the page's config is built from these)
    advanced: bool = False  # hidden in classroom mode
    none: str = ""  # text for None (batch: "full")
    most: int = 1  # a list's longest length
    lenient: bool = False  # a list drops bad items rather than the whole list
    item: "Field | None" = None
    names: Mapping = field(default_factory=dict)  # labels of the options
    # given(field, values) -> field: this field as the values before it shape it
    given: Callable | None = None
    why: str = ""  # what tightened the range (set by `given`), quoted in messages
    meaning: str = ""  # the link reference's words, if not the label
    resets: tuple = ()  # fields back to their defaults when this one changes
    group: str = ""  # the sidebar heading it is drawn under ("Model", "Optimiser")
    # Why this run does not read it (set by `given`: beta under plain GD): then it
    # is not drawn, linked or passed to RunConfig, and a link setting it is warned.
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
        """The engine's one number parser: what a flag accepts, a link accepts."""
        number = parse_number(text)
        if number is None or (self.kind == "int" and not isinstance(number, int)):
            raise FieldError(self.allowed())
        return float(number) if self.kind == "float" else number


def config(name: str, low=None, high=None, **declared) -> Field:
    """A RunConfig field as the app offers it: its kind, default, choices, range
    and help are the engine's declaration (neuronlab.config.PARAMS); the app
    declares only its own: label, widget, and a narrower range (an engine range
    open at an end, like eta's (0, 10], needs the app's closed one)."""
    param = RUN_PARAMS[name]
    # The help without the engine's range: a widget shows the app's own.
    engine = {"options": param.choices, "help": param.help, "none": param.none}
    low = param.low if low is None else low
    high = param.high if high is None else high
    return Field(name, param.default, param.kind, low, high, config=True,
                 **engine | declared)  # fmt: skip

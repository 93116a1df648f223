"""A run's parameters, each declared once: type, range, help, and which runs read it.

RunConfig's fields, their validation, the CLI's flags and help, the sweep axes and
the app's fields are all generated from these declarations; the app adds only
what is its own (labels, widgets, narrower limits). One number parser serves
every entry point, so a link, a widget and the CLI accept and refuse the same
strings.
"""

import dataclasses
import functools
import math
import re
from dataclasses import dataclass
from typing import Any

# ASCII digits only, no '_' separators, hex or words: float() reads "١٢", "1_0",
# "0x1p-3" (fromhex aside) and "inf", which a link or a flag must not smuggle in.
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


class ConfigError(ValueError):
    """A bad config value; `field` names the offending field (for flags, widgets)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def parse_number(text: str) -> int | float | None:
    """The number a text writes, or None where it is none: ASCII decimal or
    exponent notation, finite; integral text ("3", "1e6", "3.0") as an int, so
    messages show what was typed."""
    text = text.strip()
    if not NUMBER.fullmatch(text):
        return None
    number = float(text)
    if not math.isfinite(number):
        return None
    integral = number.is_integer() and abs(number) < 2**53
    return int(number) if integral else number


def fail(name: str, value: Any, allowed: str) -> ConfigError:
    return ConfigError(
        name, f"{name} = {value!r} is not allowed: {name} must be {allowed}"
    )


@dataclass(frozen=True)
class Param:
    """One RunConfig field: `kind` "int" | "float" | "choice"; numbers lie in
    [low, high] (open at an end where `open_low` / `open_high`); `none` is the
    text that means None (batch: the full batch); `read_with` = (switch, values):
    only runs whose `switch` field takes one of `values` read it."""

    name: str
    default: Any
    kind: str
    help: str
    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False
    choices: tuple[str, ...] = ()
    none: str = ""
    read_with: tuple[str, tuple[str, ...]] | None = None

    def range_text(self, high: float | None = None) -> str:
        """'an integer in [1, 1,000]', 'a number in (0, 10]', 'one of a, b'."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        high = self.high if high is None else high
        if self.kind == "int":
            return f"an integer in [{self.low:,}, {high:,}]"
        left, right = "(" if self.open_low else "[", ")" if self.open_high else "]"
        return f"a number in {left}{self.low:g}, {high:g}{right}"

    def check(self, value: Any, high: float | None = None) -> Any:
        """The value as its type, or ConfigError naming what is allowed
        (`high`: a top narrowed by the values of other fields)."""
        if value is None and self.none:
            return None
        allowed = self.range_text(high)
        if self.kind == "choice":
            if value not in self.choices:
                raise fail(self.name, value, allowed)
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(self.name, value, allowed)
        high = self.high if high is None else high
        fractional = isinstance(value, float) and not (
            math.isfinite(value) and value.is_integer()
        )
        if self.kind == "int" and fractional:
            raise fail(self.name, value, allowed)
        above = value > self.low if self.open_low else value >= self.low
        below = value < high if self.open_high else value <= high
        if not (math.isfinite(value) and above and below):
            raise fail(self.name, value, allowed)
        return int(value) if self.kind == "int" else float(value)

    def parse(self, raw: Any) -> Any:
        """A raw value (text from a URL, a flag, JSON) as the value `check` judges."""
        if not isinstance(raw, str):
            return raw
        text = raw.strip()
        if self.kind == "choice":
            return text.lower()
        if self.none and text.lower() in ("", "none", self.none):
            return None
        number = parse_number(text)
        if number is None:
            raise fail(self.name, raw, self.range_text())
        return number

    def reads(self, values: dict) -> bool:
        """Whether a run with these field values reads this parameter."""
        return self.read_with is None or values[self.read_with[0]] in self.read_with[1]

    def why_unused(self, values: dict) -> str:
        """'applies only with activation = leaky_relu (here 'relu')'."""
        switch, readers = self.read_with
        return (
            f"applies only with {switch} {' or '.join(readers)} (here "
            f"{values[switch]!r}): leave {self.name} at its default "
            f"{self.default!r} or choose {' or '.join(readers)}"
        )

    def full_help(self) -> str:
        """The help with its range (the CLI's flag help, the app's tooltip)."""
        if self.kind == "choice":
            return self.help
        extra = f" or {self.none}" if self.none else ""
        return f"{self.help} ({self.range_text()}{extra})"

    def field(self) -> Any:
        """This parameter as a dataclass field of RunConfig."""
        metadata = {"param": self, "help": self.full_help()}
        if self.choices:
            metadata["choices"] = self.choices
        return dataclasses.field(default=self.default, metadata=metadata)


@functools.cache
def params_of(cls) -> dict[str, Param]:
    """The declarations behind a dataclass's fields, by name (per class: a
    subclass that adds a field adds its declaration)."""
    return {f.name: f.metadata["param"] for f in dataclasses.fields(cls)}

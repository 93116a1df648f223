"""A page's parameters together: a `Page` (its fields in link order and its
presets, from ui/presets.toml) and what they mean as one: the defaults given the
values before each, every value settled into its range, the engine's refusals.
"""

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from neuronlab import RunConfig
from neuronlab.config import ConfigError
from ui.schema import Field


@dataclass(frozen=True)
class Preset:
    """A named set of field values, with a one-line reason to pick it."""

    label: str
    values: Mapping
    description: str = ""


def presets(page: str) -> dict[str, Preset]:
    """The presets of `page` in ui/presets.toml, in file order."""
    with Path(__file__).with_name("presets.toml").open("rb") as file:
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
                return settled, notes
            except ConfigError as error:
                name = error.field
                here = self.field(name).at(settled) if name in settled else None
                if here is None or settled[name] == here.default:
                    return self.defaults(), [*notes, f"{error}; using the defaults."]
                settled[name] = here.default
                notes.append(f"{error}; using {name} = {here.text(here.default)}.")
        return settled, notes

"""A parameter is declared once, in the engine (neuronlab.config.PARAMS): a
throwaway field, added by one declaration, is validated, parsed, becomes a CLI
flag with its range in the help and a sweep axis, and an app field with the
engine's kind, default, range and reader, with no other edit."""

import dataclasses

import pytest

from neuronlab import RunConfig
from neuronlab.cli import commands
from neuronlab.params import ConfigError, Param, params_of
from ui import run_fields, schema

KNOB = Param(
    "knob",
    0.5,
    "float",
    "a throwaway knob",
    0.0,
    1.0,
    open_low=True,
    read_with=("optimizer", ("momentum",)),
)


@dataclasses.dataclass(frozen=True)
class Extended(RunConfig):
    knob: float = KNOB.field()  # the one declaration


def test_the_declaration_validates_and_parses():
    assert Extended(optimizer="momentum", knob=0.25).knob == 0.25
    with pytest.raises(ConfigError, match=r"knob must be a number in \(0, 1\]") as bad:
        Extended(optimizer="momentum", knob=0.0)
    assert bad.value.field == "knob"
    with pytest.raises(ConfigError, match="applies only with optimizer momentum"):
        Extended(knob=0.25)  # plain GD does not read it
    parsed = Extended.from_mapping({"optimizer": "momentum", "knob": " 2.5e-1"})
    assert parsed.knob == 0.25
    assert Extended().replace(optimizer="gd").knob == 0.5
    # Adding it changed nothing for the fields that were there.
    assert Extended(n=5).to_dict().items() > RunConfig(n=5).to_dict().items()


def test_the_declaration_is_a_flag_with_its_range_and_a_sweep_axis(monkeypatch):
    fields = dataclasses.fields(Extended)
    monkeypatch.setattr(commands, "FIELDS", fields)
    monkeypatch.setattr(commands, "AXES", fields)
    parser = commands._parser()
    run = parser._subparsers._group_actions[0].choices["run"]
    (knob,) = [a for a in run._actions if a.dest == "knob"]
    assert knob.help == "a throwaway knob (a number in (0, 1])"
    args = parser.parse_args(["sweep", "--knob", "0.2,0.4", "--out", "x.csv"])
    assert args.knob == "0.2,0.4"


def test_the_declaration_is_an_app_field_with_one_line(monkeypatch):
    monkeypatch.setattr(schema, "RUN_PARAMS", params_of(Extended))
    monkeypatch.setattr(run_fields, "RUN_PARAMS", params_of(Extended))
    field = schema.config("knob", 0.01, label="Knob", widget="slider").but(
        given=run_fields.read_by_the_run
    )  # the app's one line: its label, widget and closed range
    assert (field.kind, field.default, field.high, field.help) == (
        "float",
        0.5,
        1.0,
        "a throwaway knob",
    )
    assert field.parse("0.3") == 0.3
    unused = field.at({"optimizer": "gd", "method": "gd"})
    assert unused.unused == "applies only with optimizer momentum"
    assert field.at({"optimizer": "momentum", "method": "gd"}).unused == ""

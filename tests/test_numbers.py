"""One number parser: a link, a widget and the CLI accept and refuse the same
strings, and read the same number from each (neuronlab.params.parse_number).

The expected column is written here by hand from what the strings mean (ASCII
decimal or exponent notation, finite, integral for integer fields), not from
the parser; each path is then asked on its own.
"""

import pytest

from neuronlab.cli.commands import _parser
from neuronlab.cli.inputs import InputError, run_inputs
from ui import links
from ui.fields import EXPLORE
from ui.schema import FieldError

REFUSED = None
# (text, n, eta, steps): what each field must read, or REFUSED.
TABLE = [
    ("4", 4, 4.0, 4),
    (" 4", 4, 4.0, 4),
    ("+3", 3, 3.0, 3),
    ("3.0", 3, 3.0, 3),
    ("1e1", 10, 10.0, 10),
    ("2E1", 20, REFUSED, 20),  # eta above 10
    ("1e6", REFUSED, REFUSED, 1_000_000),  # n above the app's 50
    (".5", REFUSED, 0.5, REFUSED),
    ("0.05", REFUSED, 0.05, REFUSED),
    ("1_0", REFUSED, REFUSED, REFUSED),  # float() reads it: a separator, not ASCII
    ("1_0e-2", REFUSED, REFUSED, REFUSED),
    ("\u0663", REFUSED, REFUSED, REFUSED),  # Arabic-Indic 3
    ("\uff13", REFUSED, REFUSED, REFUSED),  # fullwidth 3
    ("0x1p-3", REFUSED, REFUSED, REFUSED),  # hexadecimal float
    ("inf", REFUSED, REFUSED, REFUSED),
    ("-inf", REFUSED, REFUSED, REFUSED),
    ("nan", REFUSED, REFUSED, REFUSED),
    ("1e400", REFUSED, REFUSED, REFUSED),  # overflows to inf
    ("1e-400", REFUSED, REFUSED, REFUSED),  # underflows to 0: below every range
    ("", REFUSED, REFUSED, REFUSED),
    ("3 4", REFUSED, REFUSED, REFUSED),
    ("0", REFUSED, REFUSED, REFUSED),
    ("-2", REFUSED, REFUSED, REFUSED),
    ("e5", REFUSED, REFUSED, REFUSED),
]
CASES = [
    pytest.param(field, text, row[column], id=f"{field}={text!r}")
    for row in TABLE
    for column, field in ((1, "n"), (2, "eta"), (3, "steps"))
    for text in [row[0]]
]


def by_link(field: str, text: str):
    link = links.read(EXPLORE, {field: text})
    return REFUSED if link.warnings else link.values[field]


def by_widget(field: str, text: str):
    """What a typed value goes through before it reaches a widget's state (the
    text widgets' path, ui.widgets.current -> links.read_field -> Field.parse)."""
    here = EXPLORE.field(field).at(EXPLORE.defaults())
    try:
        return here.parse(text)
    except FieldError:
        return REFUSED


def by_cli(field: str, text: str):
    args = _parser().parse_args(["run", f"--{field}={text}", "--out", "x.csv"])
    try:
        config, _, _ = run_inputs(args)
    except InputError:
        return REFUSED
    return getattr(config, field)


@pytest.mark.parametrize(("field", "text", "expected"), CASES)
def test_a_link_a_widget_and_the_cli_read_a_string_alike(field, text, expected):
    answers = {
        "link": by_link(field, text),
        "widget": by_widget(field, text),
        "cli": by_cli(field, text),
    }
    assert answers == dict.fromkeys(answers, expected)
    if expected is not REFUSED:
        assert {type(a) for a in answers.values()} == {type(expected)}

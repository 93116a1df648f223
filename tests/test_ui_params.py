"""URL query <-> RunConfig: every value validated, bad ones named, links exact."""

import pytest

from core import RunConfig
from ui.link_reference import link_reference
from ui.params import (
    APP_CAPS,
    check_app_caps,
    log_options,
    matching_preset,
    parse_query,
    to_query,
)
from ui.presets import PRESETS


def test_empty_query_gives_the_defaults_without_warnings():
    parsed = parse_query({})
    assert parsed.config == RunConfig()
    assert parsed.warnings == ()
    assert not parsed.from_link


@pytest.mark.parametrize(
    "config",
    [
        RunConfig(),
        RunConfig(n=7, d=123, sigma=0.0123, eta=0.0777, steps=123_457, seed=42),
        RunConfig(method="flow", sigma=1e-7, eta=3.3, teacher_norm=2.5),
        RunConfig(method="sgd", samples=500, batch=32, d=20),
    ],
    ids=["defaults", "off-grid", "flow", "sgd"],
)
def test_a_link_reproduces_its_config_exactly(config):
    query = to_query(config)
    parsed = parse_query(query)
    assert parsed.config == config
    assert parsed.warnings == ()
    assert parsed.from_link


def test_link_writes_every_parameter_even_defaults():
    query = to_query(RunConfig())
    assert set(query) >= {"n", "d", "sigma", "eta", "steps", "seed", "method"}
    assert {"teacher_norm", "samples", "batch", "preset"} <= set(query)
    assert query["batch"] == "full"


@pytest.mark.parametrize(
    ("name", "raw", "allowed"),
    [
        ("n", "abc", "n must be"),
        ("n", "51", "[1, 50]"),
        ("d", "20000", "[1, 10,000]"),
        ("sigma", "nan", "sigma must be"),
        ("eta", "-1", "eta must be"),
        ("steps", "1e9", "[1, 100,000,000]"),
        ("steps", "9" * 400, "steps must be"),
        ("seed", "1.5", "seed must be"),
        ("method", "adam", "gd, flow, sgd"),
        ("teacher_norm", "inf", "teacher_norm must be"),
    ],
    ids=lambda v: v[:12],
)
def test_a_bad_value_warns_with_name_value_and_range_and_falls_back(name, raw, allowed):
    parsed = parse_query({name: raw, "n": "4"} if name != "n" else {name: raw})
    assert parsed.config.to_dict()[name] == RunConfig().to_dict()[name]
    (warning,) = parsed.warnings
    assert name in warning
    assert raw[:20] in warning
    assert allowed in warning
    assert len(warning) < 400  # garbage is cut, not echoed in full


def test_one_bad_value_keeps_the_good_ones():
    parsed = parse_query({"n": "5", "sigma": "zzz", "eta": "0.05"})
    assert (parsed.config.n, parsed.config.eta) == (5, 0.05)
    assert len(parsed.warnings) == 1


def test_preset_then_explicit_values_override():
    parsed = parse_query({"preset": "figure1", "n": "2"})
    assert parsed.config.n == 2
    assert parsed.config.sigma == PRESETS["figure1"].values["sigma"]
    assert parsed.preset == "figure1"


def test_unknown_preset_and_parameter_warn():
    parsed = parse_query({"preset": "nope", "foo": "1"})
    assert parsed.config == RunConfig()
    assert any("preset" in w and "figure1" in w for w in parsed.warnings)
    assert any("foo" in w for w in parsed.warnings)


def test_other_pages_names_are_not_errors():
    assert parse_query({"classroom": "1", "seeds": "3"}).warnings == ()


@pytest.mark.parametrize("key", list(PRESETS))
def test_presets_are_valid_within_the_app_caps(key):
    config = RunConfig(**{**RunConfig().to_dict(), **PRESETS[key].values})
    check_app_caps(config)
    assert matching_preset(config) == key


def test_sgd_memory_caps():
    with pytest.raises(ValueError, match="samples \\* d"):
        check_app_caps(RunConfig(method="sgd", samples=100_000, d=1000))
    with pytest.raises(ValueError, match="n \\* d"):
        check_app_caps(RunConfig(method="sgd", n=50, d=1000, samples=10))


def test_log_options_span_the_cap_and_keep_an_off_grid_value():
    options = log_options(APP_CAPS["sigma"], 0.0123)
    assert options[0] == APP_CAPS["sigma"].low
    assert options[-1] == APP_CAPS["sigma"].high
    assert 0.0123 in options
    assert 0.002 in options  # clean stops, not 0.0020000000000000005
    assert options == sorted(set(options))
    steps = log_options(APP_CAPS["steps"], 123_457, integer=True)
    assert all(isinstance(s, int) for s in steps)
    assert {1, 123_457, 10**8} <= set(steps)


@pytest.mark.parametrize(
    ("raw", "seeds", "warned"),
    [
        ("3", 3, False),
        ("20", 20, False),
        ("0", 1, True),
        ("21", 1, True),
        ("abc", 1, True),
        ("2.5", 1, True),
    ],
)
def test_seeds_from_a_link_are_checked_against_their_range(raw, seeds, warned):
    parsed = parse_query({"seeds": raw})
    assert parsed.seeds == seeds
    assert parsed.from_link
    assert bool(parsed.warnings) is warned
    if warned:
        (warning,) = parsed.warnings
        assert f"seeds = '{raw}'" in warning
        assert "[1, 20]" in warning
    assert parse_query(to_query(parsed.config, parsed.seeds)).seeds == seeds


def test_seeds_are_in_the_theory_pages_link_reference():
    table = link_reference()
    (row,) = table[(table.page == "Explore") & (table.name == "seeds")].itertuples()
    assert (row.allowed, row.default) == ("[1, 20]", "1")

"""URL query <-> Explore's values: every value validated, bad ones named, links exact."""

import pytest

from neuronlab import RunConfig
from ui import links
from ui.fields import EXPLORE
from ui.links import link_reference
from ui.widgets import log_options

PRESETS = EXPLORE.presets


def parse_query(query):
    """Explore's link: (its RunConfig, the link)."""
    link = links.read(EXPLORE, query)
    return RunConfig(**EXPLORE.config_values(link.values)), link


def to_query(config: RunConfig, seeds: int = 1) -> dict[str, str]:
    return links.write(EXPLORE, config.to_dict() | {"seeds": seeds})


def test_empty_query_gives_the_defaults_without_warnings():
    config, link = parse_query({})
    assert config == RunConfig()
    assert link.warnings == ()
    assert not link.named


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
    parsed, link = parse_query(to_query(config))
    assert parsed == config
    assert link.warnings == ()
    assert link.named


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
        ("n", "0", "[1, 50]"),  # the app's range, not the engine's [1, 1,000]
        ("n", "١٢", "[1, 50]"),  # Arabic-Indic digits: ASCII only
        ("d", "20000", "[1, 10,000]"),
        ("sigma", "nan", "sigma must be"),
        ("sigma", "１０", "sigma must be"),  # full-width digits: float() reads 10
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
    config, link = parse_query({name: raw, "n": "4"} if name != "n" else {name: raw})
    assert config.to_dict()[name] == RunConfig().to_dict()[name]
    (warning,) = link.warnings
    assert name in warning
    assert raw[:20] in warning
    assert allowed in warning
    assert len(warning) < 400  # garbage is cut, not echoed in full


def test_one_bad_value_keeps_the_good_ones():
    config, link = parse_query({"n": "5", "sigma": "zzz", "eta": "0.05"})
    assert (config.n, config.eta) == (5, 0.05)
    assert len(link.warnings) == 1


def test_preset_then_explicit_values_override():
    config, link = parse_query({"preset": "figure1", "n": "2"})
    assert config.n == 2
    assert config.sigma == PRESETS["figure1"].values["sigma"]
    assert link.preset == "custom"  # n = 2 is no longer the preset's
    assert parse_query({"preset": "figure1"})[1].preset == "figure1"


def test_unknown_preset_and_parameter_warn():
    config, link = parse_query({"preset": "nope", "foo": "1"})
    assert config == RunConfig()
    assert any("preset" in w and "figure1" in w for w in link.warnings)
    assert any("foo" in w for w in link.warnings)


def test_the_mode_and_the_ensemble_size_are_not_errors():
    assert parse_query({"classroom": "1", "seeds": "3"})[1].warnings == ()


def test_many_unknown_keys_are_summarised():
    (warning,) = parse_query({f"k{i}": "1" for i in range(300)})[1].warnings
    assert "and 295 more" in warning
    assert warning.count("k1") <= 5
    assert len(warning) < 600


@pytest.mark.parametrize("key", list(PRESETS))
def test_presets_are_valid_within_the_app_caps(key):
    values = EXPLORE.defaults() | PRESETS[key].values
    assert EXPLORE.settle(values) == (values, [])
    link = links.read(EXPLORE, links.write(EXPLORE, values))
    assert link.warnings == ()
    assert link.preset == key


def test_sgd_memory_caps_name_the_apps_product_limits():
    big = {"method": "sgd", "samples": "100000", "d": "1000"}
    (warning,) = parse_query(big)[1].warnings
    assert "samples = '100000'" in warning
    assert "samples * d ≤ 10,000,000" in warning
    (warning,) = parse_query({"method": "sgd", "n": "50", "d": "1000"})[1].warnings
    assert "n * d ≤ 20,000" in warning
    assert "[1, 400]" in warning  # not the engine's "at most 4,000"


def test_log_options_span_the_cap_and_keep_an_off_grid_value():
    sigma, steps = EXPLORE.field("sigma"), EXPLORE.field("steps")
    options = log_options(sigma, 0.0123)
    assert options[0] == sigma.low
    assert options[-1] == sigma.high
    assert 0.0123 in options
    assert 0.002 in options  # clean stops, not 0.0020000000000000005
    assert options == sorted(set(options))
    stops = log_options(steps, 123_457, integer=True)
    assert all(isinstance(s, int) for s in stops)
    assert {1, 123_457, 10**8} <= set(stops)


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
    config, link = parse_query({"seeds": raw})
    assert link.values["seeds"] == seeds
    assert link.named
    assert bool(link.warnings) is warned
    if warned:
        (warning,) = link.warnings
        assert f"seeds = '{raw}'" in warning
        assert "[1, 20]" in warning
    assert parse_query(to_query(config, seeds))[1].values["seeds"] == seeds


def test_seeds_are_in_the_theory_pages_link_reference():
    table = link_reference()
    (row,) = table[(table.page == "Explore") & (table.name == "seeds")].itertuples()
    assert (row.allowed, row.default) == ("[1, 20]", "1")

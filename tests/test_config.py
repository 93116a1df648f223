"""RunConfig validates every field at construction (DESIGN §4, api_spec).

Each bad value raises a ValueError whose message names the field; edge values inside
the documented ranges are accepted.
"""

import dataclasses
import math

import pytest

from neuronlab import RunConfig

BASE = {"n": 3, "d": 10, "sigma": 0.01, "eta": 0.1, "steps": 1000, "seed": 0}
SGD = {**BASE, "method": "sgd", "samples": 100}
NAN, INF = math.nan, math.inf


def above(x: float) -> float:
    """The next double above x: the smallest value outside a closed upper bound."""
    return math.nextafter(x, INF)


BAD_INT = ["3", 2.5, True, NAN, INF, None]
BAD_POSITIVE_REAL = ["0.1", True, NAN, INF, -INF, None, 0.0, -0.1]

BAD = [
    *[("n", value, BASE) for value in [*BAD_INT, 0, -1, 1001]],
    *[("d", value, BASE) for value in [*BAD_INT, 0, -1, 1_000_001]],
    *[("sigma", value, BASE) for value in [*BAD_POSITIVE_REAL, above(100.0)]],
    *[("eta", value, BASE) for value in [*BAD_POSITIVE_REAL, above(10.0)]],
    *[("steps", value, BASE) for value in [*BAD_INT, 0, -1, 10**10 + 1]],
    ("steps", 10**9 + 1, SGD),
    ("steps", 10**11 + 1, {**BASE, "method": "flow"}),
    *[("seed", value, BASE) for value in [*BAD_INT, -1, 2**32]],
    *[("teacher_norm", value, BASE) for value in [*BAD_POSITIVE_REAL, above(1000.0)]],
    *[("method", value, BASE) for value in ["adam", "", 1, True, None]],
    *[("samples", value, SGD) for value in [*BAD_INT, 0, -1, 10**6 + 1]],
    *[("batch", value, SGD) for value in ["5", 2.5, True, NAN, INF, 0, -1, 101]],
]


@pytest.mark.parametrize(
    ("field", "value", "base"),
    BAD,
    ids=[f"{field}={value!r}-{base.get('method', 'gd')}" for field, value, base in BAD],
)
def test_bad_value_is_rejected_naming_the_field(field, value, base):
    with pytest.raises(ValueError, match=rf"\b{field}\b"):
        RunConfig(**{**base, field: value})


@pytest.mark.parametrize(("n", "d"), [(1000, 50_001), (51, 1_000_000)])
def test_n_times_d_is_bounded(n, d):
    with pytest.raises(ValueError, match=r"\b[nd]\b"):
        RunConfig(**{**BASE, "n": n, "d": d})


GOOD = {
    "n=1": {"n": 1},
    "n=1000": {"n": 1000, "d": 1},
    "d=1": {"d": 1},
    "d=1e6": {"n": 50, "d": 1_000_000},
    "n*d=5e7": {"n": 1000, "d": 50_000},
    "sigma=100": {"sigma": 100.0},
    "sigma=tiny": {"sigma": 1e-300},
    "eta=10": {"eta": 10.0},
    "eta=tiny": {"eta": 1e-300},
    "steps=1": {"steps": 1},
    "steps=1e10-gd": {"steps": 10**10},
    "steps=1e11-flow": {"steps": 10**11, "method": "flow"},
    "seed=0": {"seed": 0},
    "seed=2^32-1": {"seed": 2**32 - 1},
    "teacher_norm=1000": {"teacher_norm": 1000.0},
    "teacher_norm=tiny": {"teacher_norm": 1e-300},
    "sgd-samples=1-batch=1": {"method": "sgd", "samples": 1, "batch": 1},
    "sgd-samples=1e6-batch=1e6": {"method": "sgd", "samples": 10**6, "batch": 10**6},
    "sgd-batch=None": {"method": "sgd", "samples": 10**6, "batch": None},
    "flow": {"method": "flow"},
    # SGD steps cost batch*n*d each, so its cap is 1e9 (GD 1e10, flow 1e11).
    "steps=1e9-sgd": {"steps": 10**9, "method": "sgd"},
}


@pytest.mark.parametrize("changes", [pytest.param(c, id=k) for k, c in GOOD.items()])
def test_edge_values_are_accepted(changes):
    config = RunConfig(**{**BASE, **changes})
    assert config.to_dict() == {**config.to_dict(), **changes}


def test_replace_revalidates():
    config = RunConfig(**BASE)
    with pytest.raises(ValueError, match=r"\bsigma\b"):
        dataclasses.replace(config, sigma=-1.0)


def test_config_is_frozen():
    config = RunConfig(**BASE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.n = 4  # type: ignore[misc]


def test_from_mapping_parses_strings():
    raw = {key: str(value) for key, value in SGD.items()}
    assert RunConfig.from_mapping(raw) == RunConfig(**SGD)


@pytest.mark.parametrize(
    ("field", "text"),
    [("n", "abc"), ("n", "2.5"), ("sigma", "nan"), ("eta", "-1"), ("method", "adam")],
    ids=["n=abc", "n=2.5", "sigma=nan", "eta=-1", "method=adam"],
)
def test_from_mapping_rejects_bad_strings_naming_the_field(field, text):
    raw = {key: str(value) for key, value in BASE.items()}
    with pytest.raises(ValueError, match=rf"\b{field}\b"):
        RunConfig.from_mapping({**raw, field: text})

"""RunConfig's fields beyond the paper's setting (DESIGN §4): named choices,
ranges, combinations that make no sense refused with both fields named, and a
value that a run would ignore refused instead of ignored."""

import math

import pytest

from neuronlab import RunConfig
from neuronlab.config import ConfigError

BASE = {"n": 3, "d": 10, "steps": 100}
NAN, INF = math.nan, math.inf

BAD = [
    *[("activation", v) for v in ["tanh", "", "ReLU ", 1, None]],
    *[("init", v) for v in ["normal", "", 0, None]],
    *[("optimizer", v) for v in ["sgd", "lbfgs", "", None]],
    *[("damping", v) for v in ["sqrt", "", None]],
    *[("teachers", v) for v in [0, -1, 11, 2.5, True, NAN, "2", None]],
    *[("alpha", v) for v in [NAN, INF, -1.0000001, 1.0000001, "0.2", True, None]],
    *[("beta", v) for v in [1.0, -0.1, NAN, "0.9", None]],
    *[("beta2", v) for v in [1.0, -0.1, NAN]],
    *[("eps", v) for v in [0.0, -1e-8, 2.0, NAN]],
    *[("lam", v) for v in [0.0, -1.0, 1e7, INF, NAN]],
]


@pytest.mark.parametrize(("field", "value"), BAD, ids=[f"{f}={v!r}" for f, v in BAD])
def test_bad_value_is_refused_naming_the_field(field, value):
    with pytest.raises(ConfigError, match=rf"\b{field}\b") as caught:
        RunConfig(**{**BASE, field: value})
    assert caught.value.field == field


def test_defaults_are_the_papers_setting():
    config = RunConfig()
    assert (config.activation, config.alpha, config.teachers, config.init) == (
        "relu",
        0.0,
        1,
        "gaussian",
    )
    assert config.optimizer == "gd"
    assert not config.runs_in_full_space


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"alpha": 0.2}, "alpha"),  # relu ignores alpha
        ({"beta": 0.5}, "beta"),  # gd ignores beta
        ({"beta2": 0.9}, "beta2"),
        ({"eps": 1e-6}, "eps"),
        ({"lam": 2.0}, "lam"),
        ({"damping": "fixed"}, "damping"),
    ],
)
def test_a_value_the_run_would_ignore_is_refused(changes, field):
    with pytest.raises(ConfigError, match=r"applies only with") as caught:
        RunConfig(**{**BASE, **changes})
    assert caught.value.field == field


def test_replace_resets_what_the_new_run_does_not_use():
    """Varying one field never trips on a parameter that no longer applies;
    the values it does use are kept."""
    config = RunConfig(**BASE)
    assert config.replace(n=5).n == 5
    assert config.replace(sigma=0.5).to_dict() == {**config.to_dict(), "sigma": 0.5}


def test_field_metadata_gives_help_and_choices():
    import dataclasses

    fields = {f.name: f for f in dataclasses.fields(RunConfig)}
    assert all(f.metadata.get("help") for f in fields.values())
    assert fields["activation"].metadata["choices"] == (
        "relu",
        "leaky_relu",
        "erf",
        "quadratic",
    )
    assert "gauss_newton" in fields["optimizer"].metadata["choices"]


def test_from_mapping_reads_choices_case_insensitively():
    config = RunConfig.from_mapping({"activation": " ReLU ", "teachers": "1"})
    assert config.activation == "relu"
    assert config.teachers == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"activation": "leaky_relu", "alpha": -1.0},
        {"activation": "leaky_relu", "alpha": 1.0},
        {"activation": "erf"},
        {"activation": "quadratic"},
        {"teachers": 10},
        {"init": "sphere"},
        {"init": "student_t"},
        {"init": "orthogonal"},
        {"init": "uniform"},
    ],
    ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()),
)
def test_every_model_teacher_count_and_init_is_accepted(changes):
    config = RunConfig(**{**BASE, **changes})
    assert all(getattr(config, k) == v for k, v in changes.items())


def test_orthogonal_init_with_more_students_than_dimensions_names_init_n_and_d():
    with pytest.raises(ConfigError, match=r"init.*n = 11.*d = 10") as caught:
        RunConfig(**{**BASE, "n": 11, "init": "orthogonal"})
    assert caught.value.field == "init"


def test_replace_drops_the_old_optimisers_parameters():
    momentum = RunConfig(**BASE, optimizer="momentum", beta=0.5)
    assert momentum.replace(optimizer="gd").beta == 0.9  # reset to the default
    assert momentum.replace(optimizer="adam").beta == 0.5  # adam reads beta too
    with pytest.raises(ConfigError, match="beta"):
        momentum.replace(optimizer="gd", beta=0.5)  # asked for explicitly: refused


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov", "adam", "gauss_newton"])
def test_flow_takes_plain_gd_only(optimizer):
    with pytest.raises(ConfigError, match=r"optimizer.*method") as caught:
        RunConfig(**BASE, method="flow", optimizer=optimizer)
    assert caught.value.field == "optimizer"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"n": 20, "d": 30}, "n"),  # (n k)^2 system, k = min(d, n + 1) = 21
        ({"n": 5, "d": 80, "method": "sgd", "samples": 100}, "n"),  # k = d on samples
        ({"n": 5, "d": 40, "method": "sgd", "samples": 1000}, "batch"),
    ],
)
def test_gauss_newton_caps_name_the_limit(changes, field):
    with pytest.raises(ConfigError, match=r"at most") as caught:
        RunConfig(**{**BASE, **changes, "optimizer": "gauss_newton"})
    assert caught.value.field == field


def test_adam_runs_in_full_space_under_the_sgd_cap():
    assert RunConfig(optimizer="adam").runs_in_full_space
    with pytest.raises(ConfigError, match=r"R\^d"):
        RunConfig(optimizer="adam", n=100, d=5000)

"""The Landscape page through AppTest: each kind of point by link, what it
reports against expectations independent of the page (the flat-minimum claim
(n - 1) d, Safran & Shamir's 0.0215 at k = 8), and a bad value warned."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_explore_apptest import settle

APP = str(Path(__file__).resolve().parents[1] / "router.py")
pytestmark = pytest.mark.usefixtures("app_session")


def open_landscape(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = str(value)
    return settle(at.switch_page("views/landscape.py").run(), timeout=120.0)


def kind(at: AppTest) -> str:
    (found,) = [h.value for h in at.subheader if h.value.startswith("Kind: ")]
    return found.removeprefix("Kind: ")


def metric(at: AppTest, label: str) -> str:
    (found,) = [m for m in at.metric if m.label == label]
    return found.value


@pytest.mark.parametrize(("n", "d"), [(1, 4), (3, 5)])
def test_a_run_end_is_a_global_minimum_flat_in_n_minus_1_times_d(n, d):
    at = open_landscape(point="run", n=n, d=d, steps=5000)
    assert not at.exception
    assert not at.warning
    assert kind(at) == "global minimum"
    assert metric(at, "Zero modes") == str((n - 1) * d)
    assert metric(at, "Index") == "0"
    assert float(metric(at, "‖∇L‖")) <= 1e-12
    assert len(at.get("plotly_chart")) == 2  # spectrum and slice: no escape


def test_a_stuck_seed_is_certified_and_its_split_point_escapes():
    at = open_landscape(point="stuck", k=8, seed=9, seeds=1)
    assert not at.exception
    assert kind(at) == "local minimum"
    assert any("L = 0.0215080371715 " in c.value for c in at.caption)
    (table,) = at.dataframe
    assert table.value["loss"].tolist() == ["0.021508037172"]
    at = open_landscape(point="split", k=8, seed=9, seeds=1)
    assert kind(at) == "saddle"
    assert len(at.get("plotly_chart")) == 3  # spectrum, slice, escape


def test_a_bad_value_is_warned_and_replaced():
    at = open_landscape(point="run", n=99, steps=2000)
    assert not at.exception
    assert any("n" in w.value for w in at.warning)
    assert at.query_params["n"] == "3"


def test_a_made_up_point_is_warned_literally_and_the_default_drawn():
    at = open_landscape(point="<b>nowhere</b>")
    assert not at.exception
    (warning,) = at.warning
    assert "<b>nowhere</b>" in warning.value
    assert at.query_params["point"] == "run"
    assert kind(at) == "global minimum"

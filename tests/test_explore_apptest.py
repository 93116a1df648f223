"""Explore page through Streamlit's AppTest: defaults, presets, links, widgets."""

import base64
import json
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from neuronlab import RunConfig
from ui import tasks
from ui.cache import job_registry
from ui.fields import EXPLORE

PRESETS = EXPLORE.presets
APP = str(Path(__file__).resolve().parents[1] / "router.py")


pytestmark = pytest.mark.usefixtures("app_session")


def open_page(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for name, value in query.items():
        at.query_params[name] = value
    return at.run()


def charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


def settle(at: AppTest, timeout: float = 30.0) -> AppTest:
    """Rerun until a live run has finished (the browser's fragment timer's job)."""
    deadline = time.monotonic() + timeout
    while any(b.label == "Stop" and not b.disabled for b in at.button):
        assert time.monotonic() < deadline, "run did not finish"
        time.sleep(0.3)
        at.run()
    return at


def button(at: AppTest, label: str):
    (found,) = [b for b in at.button if b.label.startswith(label)]
    return found


def test_defaults_draw_every_chart_and_write_the_full_link():
    at = settle(open_page())
    assert not at.exception
    assert not at.warning
    assert charts(at) == 8  # the hero and the seven charts of the run
    assert at.query_params["n"] == "3"
    assert at.query_params["batch"] == "full"
    assert len(at.get("download_button")) == 3  # CSV, run JSON, all figures (HTML)


@pytest.mark.parametrize("key", [k for k in PRESETS if k != "long"])
def test_each_short_preset_from_a_link_runs(key):
    at = settle(open_page(preset=key))
    assert not at.exception
    assert charts(at) == 8  # the hero and the seven charts of the run
    assert at.selectbox(key="explore_preset").value == key


def test_choosing_a_long_preset_waits_for_run_with_an_estimate():
    at = settle(open_page())
    at.selectbox(key="explore_preset").set_value("long").run()
    assert not at.exception
    assert any("press Run" in i.value for i in at.info)
    assert button(at, "Run (about").label.endswith(" s)")
    assert charts(at) == 8  # the previous run (and its hero) stay on screen
    button(at, "Run (about").click().run()
    assert not at.exception
    assert not button(at, "Stop").disabled
    button(at, "Stop").click().run()
    assert not at.exception


def test_good_link_values_are_honoured_exactly_even_off_grid():
    at = settle(open_page(n="4", sigma="0.0123", steps="1234", eta="0.0777"))
    assert not at.warning
    assert at.slider(key="explore_n").value == 4
    assert at.select_slider(key="explore_sigma").value == 0.0123
    assert at.select_slider(key="explore_steps").value == 1234
    assert at.query_params["eta"] == "0.0777"
    assert charts(at) == 8  # the hero and the seven charts of the run


def test_bad_link_values_warn_stay_and_fall_back():
    at = settle(open_page(n="abc", steps="1e12", sigma="nan", method="adam"))
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    for name, raw in [
        ("n", "abc"),
        ("steps", "1e12"),
        ("sigma", "nan"),
        ("method", "adam"),
    ]:
        assert f"{name} = '{raw}'" in text
    assert "must be" in text
    assert charts(at) == 8  # the hero and the seven charts of the run
    at.slider(key="explore_n").set_value(2).run()
    assert len(at.warning) == 4  # the warnings stay on screen


def test_a_slider_change_reruns_and_updates_the_link():
    at = settle(open_page())
    at.slider(key="explore_n").set_value(5).run()
    at = settle(at)
    assert not at.exception
    assert at.query_params["n"] == "5"
    assert charts(at) == 8  # the hero and the seven charts of the run


@pytest.mark.parametrize("method", ["flow", "sgd"])
def test_other_methods_run(method):
    at = settle(open_page(method=method, steps="300", d="5"))
    assert not at.exception
    # Finite samples have no fair n = 1 contrast, hence no hero chart.
    assert charts(at) == (7 if method == "sgd" else 8)


def test_divergence_shows_a_banner_with_the_step_size_hint():
    at = settle(open_page(n="3", eta="5", steps="2000"))
    assert not at.exception
    (banner,) = at.error
    assert "Diverged at step" in banner.value
    assert "4/n" in banner.value
    assert charts(at) == 8  # the hero and the seven charts of the run


def test_a_run_past_the_live_slots_waits_visibly_for_one():
    runs = job_registry()
    slots = range(101, 101 + runs.limits.max_live)
    long = [RunConfig(n=3, d=4, steps=10**8, seed=s) for s in slots]
    busy = [runs.submit(tasks.run(config)) for config in long]
    at = open_page(steps="100000000", seed=str(slots.stop))
    assert not at.exception
    assert any("Waiting for a free slot" in i.value for i in at.info)
    for job in busy:
        job.stop()


def test_new_seed_starts_a_new_run_and_the_link_follows():
    at = settle(open_page())
    button(at, "New seed").click().run()
    at = settle(at)
    assert not at.exception
    assert at.query_params["seed"] != "0"
    assert charts(at) == 8  # the hero and the seven charts of the run


def figure(at: AppTest, title: str) -> dict:
    """The chart whose title contains `title`, as the page sent it (plotly JSON)."""
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    (found,) = [f for f in figures if title in f["layout"]["title"]["text"]]
    return found


def values(array) -> np.ndarray:
    """A plotly JSON array: a list, or base64 bytes with a dtype."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), array["dtype"])
    return np.asarray(array, float)


def filled_traces(at: AppTest, title: str = "Loss L") -> list[dict]:
    """Traces of a chart that fill an area: a band."""
    return [t for t in figure(at, title)["data"] if t.get("fill") == "tonexty"]


def settle_band(at: AppTest, timeout: float = 60.0) -> AppTest:
    """Rerun until the extra seeds are in (the progress fragment's timer's job)."""
    deadline = time.monotonic() + timeout
    while not (charts(at) and filled_traces(at)):
        assert time.monotonic() < deadline, "the band did not appear"
        time.sleep(0.3)
        at.run()
    return at


def test_seeds_from_a_link_draw_a_band_under_the_chosen_seed():
    at = settle_band(settle(open_page(seeds="3")))
    assert not at.exception
    assert not at.warning
    assert at.slider(key="explore_seeds").value == 3
    assert at.query_params["seeds"] == "3"
    assert charts(at) == 8  # the hero and the seven charts of the run
    (loss_band,) = filled_traces(at)
    (inv_cbrt_band,) = filled_traces(at, "straight line")
    for band in (loss_band, inv_cbrt_band):
        y = values(band["y"])
        assert y.size > 10
        assert np.isfinite(y).all()
        assert (y > 0).all()
    names = [t.get("name") for t in figure(at, "Loss L")["data"]]
    assert "median of 3 seeds" in names
    assert "loss L" in names  # the chosen seed's own line stays
    assert any("seeds 0–2" in c.value for c in at.caption)


@pytest.mark.parametrize("raw", ["0", "abc"])
def test_bad_seeds_from_a_link_warn_and_fall_back_to_one(raw):
    at = settle(open_page(seeds=raw))
    assert not at.exception
    (warning,) = at.warning
    assert f"seeds = '{raw}'" in warning.value
    assert "[1, 20]" in warning.value
    assert "using seeds = 1" in warning.value
    assert at.slider(key="explore_seeds").value == 1
    assert at.query_params["seeds"] == "1"
    assert charts(at) == 8  # the hero and the seven charts of the run
    assert not filled_traces(at)


def test_step_runs_the_chosen_steps_on_from_a_stopped_run_then_pauses():
    at = open_page(preset="long")
    button(at, "Stop").click().run()
    stopped = at.session_state["explore_job"]
    assert stopped.wait(10)
    at.run()
    first = stopped.partial.state.step
    at.selectbox(key="explore_step_k").set_value(1000).run()
    button(at, "Step").click().run()
    stepped = settle(at).session_state["explore_job"]
    assert stepped is not stopped
    assert stepped.wait(10)
    assert stepped.partial.state.step == first + 1000
    at.run()
    assert any(f"paused at step {first + 1000:,}" in i.value for i in at.info)
    assert not button(at, "Step").disabled
    assert not button(at, "Continue").disabled

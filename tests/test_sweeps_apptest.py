"""Sweeps page through Streamlit's AppTest: defaults, chosen axes, limits, bad links."""

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[1] / "views" / "sweeps.py")


pytestmark = pytest.mark.usefixtures("app_session")


def open_page(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    for name, value in query.items():
        at.query_params[name] = value
    return settle(at.run())


def settle(at: AppTest, timeout: float = 60.0) -> AppTest:
    """Rerun until the sweep has finished (the browser's fragment timer's job)."""
    deadline = time.monotonic() + timeout
    while any(b.label == "Stop" for b in at.button):
        assert time.monotonic() < deadline, "sweep did not finish"
        time.sleep(0.3)
        at.run()
    return at


def heatmap(at: AppTest) -> dict:
    """The first trace of the page's one chart, as plotly JSON."""
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)["data"][0]


def test_defaults_draw_the_small_sweep_and_write_the_full_link():
    at = open_page()
    assert not at.exception
    assert not at.warning
    trace = heatmap(at)
    assert trace["type"] == "heatmap"
    assert trace["x"] == ["1", "2", "5"]
    assert trace["y"] == ["0.01", "0.1"]
    assert all(v is not None for row in trace["z"] for v in row)  # every cell drawn
    assert at.query_params["xs"] == "1,2,5"
    assert at.query_params["steps"] == "20000"
    assert at.query_params["summary"] == "final_loss"
    assert len(at.get("download_button")) == 1
    assert any("float floor" in c.value for c in at.caption)


def test_a_link_with_chosen_axes_and_summary_is_honoured():
    at = open_page(
        x="eta", xs="0.05,0.3", y="d", ys="2,100", summary="tail_exponent", steps="2000"
    )
    assert not at.exception
    assert not at.warning
    assert at.selectbox(key="sweeps_x").value == "eta"
    assert at.selectbox(key="sweeps_summary").value == "tail_exponent"
    trace = heatmap(at)
    assert trace["x"] == ["0.05", "0.3"]
    assert trace["y"] == ["2", "100"]
    assert trace["zmid"] == -3.0


def test_a_too_large_request_points_to_the_cli_with_a_scheduler():
    at = open_page(steps="1e7", seeds="100")
    assert not at.exception
    (message,) = at.info
    assert "larger than this hosted app runs" in message.value
    assert "10,000,000 steps per run" in message.value
    assert "600 runs" in message.value
    (command,) = [c.value for c in at.code if c.value.startswith("python -m neuronlab")]
    assert "--steps 10000000 --seeds 0-99 --scheduler tcp://" in command
    assert not at.get("plotly_chart")


def test_bad_link_values_warn_and_the_page_still_draws():
    at = open_page(x="mass", xs="1,abc", summary="speed", seeds="-2")
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    for shown in ("x = 'mass'", "'abc' in xs", "summary = 'speed'", "seeds = '-2'"):
        assert shown in text
    assert "must be" in text
    assert heatmap(at)["x"] == ["1"]
    at.selectbox(key="sweeps_summary").set_value("balance_final").run()
    assert len(at.warning) == 4  # link warnings stay on screen


def test_changing_the_summary_recolours_without_rerunning():
    at = open_page()
    job = at.session_state["sweeps_job"]
    at.selectbox(key="sweeps_summary").set_value("tail_C").run()
    assert at.session_state["sweeps_job"] is job
    assert heatmap(at)["colorbar"]["title"]["text"] == "C"


def test_choosing_another_axis_resets_its_values():
    at = open_page()
    at.selectbox(key="sweeps_y").set_value("eta").run()
    at = settle(at)
    assert not at.exception
    assert at.text_input(key="sweeps_ys").value == "0.05, 0.1, 0.2, 0.5, 1.0"
    assert heatmap(at)["y"] == ["0.05", "0.1", "0.2", "0.5", "1"]
    assert at.query_params["y"] == "eta"

"""app.py, the server: its lifespan starts the engine's warm-up, and the server
serves even when that fails (every page starts it again)."""

import asyncio
import importlib.util
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_app(monkeypatch):
    """app.py as a module, as `streamlit run` has uvicorn import it. st.App pins
    the process's main script path if none is set: put back after the test."""
    from streamlit import config

    monkeypatch.setattr(config, "_main_script_path", config._main_script_path)
    spec = importlib.util.spec_from_file_location("lab_server", ROOT / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def start_and_stop(lifespan) -> list[str]:
    """Run the lifespan's start and end as the ASGI server would, on an event
    loop of its own thread (a pytest worker's thread may hold Playwright's)."""
    seen = []

    async def serve():
        async with lifespan(None):
            seen.append("serving")

    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, serve()).result()
    return seen


def test_the_lifespan_starts_the_warm_up_once_then_serves(monkeypatch):
    server = load_app(monkeypatch)
    started = []
    monkeypatch.setattr(server.cache, "engine_warm_up", lambda: started.append(1))
    assert start_and_stop(server.ready_the_engine) == ["serving"]
    assert started == [1]
    served = ROOT / server.app.script_path  # relative to app.py under streamlit run
    assert served.name == "router.py"
    assert served.is_file()


def test_a_warm_up_that_cannot_start_does_not_stop_the_server(monkeypatch, caplog):
    server = load_app(monkeypatch)

    def broken():
        raise OSError("no python to start the filler with")

    monkeypatch.setattr(server.cache, "engine_warm_up", broken)
    with caplog.at_level(logging.ERROR):
        assert start_and_stop(server.ready_the_engine) == ["serving"]
    assert "warm-up did not start" in caplog.text
    assert "no python to start the filler with" in caplog.text

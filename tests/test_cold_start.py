"""A fresh server with an empty numba cache, in headless Chromium: the default
link and a Beyond link draw their charts, without a warm-up page in front of
them, and numba's disk cache fills for the next process. Times are printed,
never asserted (benchmarks/bench_cold_start.py measures them)."""

import time

import pytest

from tests.test_browser import (
    DRAWN,
    PLOT,
    TIMEOUT_MS,
    no_exception,
    serve,
)
from tests.test_browser import pytestmark as browser_marks
from tests.test_browser_live import loopback_only

pytestmark = [*browser_marks, pytest.mark.slow]
# Explore's default link: the hero chart and the run's seven, no progress left.
EXPLORE_DONE = f"""() => document.querySelectorAll('{PLOT}').length >= 8
    && document.querySelectorAll('{DRAWN}').length > 0
    && !document.querySelector('[data-testid=stProgress]')"""


@pytest.fixture
def cold_server(tmp_path, monkeypatch):
    """A server (and its cache filler) whose numba cache is an empty folder."""
    cache = tmp_path / "numba-cache"
    cache.mkdir()
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(cache))
    for url in serve(tmp_path / "cold.log"):
        yield url, cache


def test_a_fresh_server_draws_the_default_and_a_beyond_link(cold_server, browser):
    url, cache = cold_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    asked = loopback_only(context)
    page = context.new_page()
    began = time.perf_counter()
    page.goto(url)
    page.wait_for_function(EXPLORE_DONE, timeout=TIMEOUT_MS)
    explore = time.perf_counter() - began
    assert page.get_by_text("Warming up the engine").count() == 0
    no_exception(page)
    beyond = context.new_page()
    began = time.perf_counter()
    beyond.goto(f"{url}/beyond?experiment=activation")
    beyond.wait_for_selector(DRAWN, timeout=TIMEOUT_MS)
    print(
        f"\n[cold] Explore's charts {explore:.1f} s; then a Beyond link's first "
        f"chart {time.perf_counter() - began:.1f} s (empty numba cache at start)"
    )
    no_exception(beyond)
    # The kernels went to the disk cache (numba's index files), for later processes.
    assert list(cache.rglob("*.nbi"))
    hosts = {u.split("/")[2].split(":")[0] for u in asked}
    assert hosts == {"127.0.0.1"}
    context.close()

"""Live runs in headless Chromium: progress and Stop, zoom while live, ten
visitors at once, a frozen tab. Uses conftest's server and Chromium; the helpers
are tests/test_browser.py's."""

import json
import time
import urllib.parse

from tests.test_browser import (
    DRAWN,
    FIND_CHART,
    INV_CBRT,
    LOSS,
    PLOT,
    TIMEOUT_MS,
    drag_zoom,
    load,
    no_exception,
    plot_data,
    x_range,
)
from tests.test_browser import pytestmark as browser_marks

pytestmark = browser_marks


def progress_text(page) -> str:
    return page.locator("[data-testid=stProgress]").first.inner_text()


def test_a_long_run_updates_live_and_stop_stops_it(warm_server, page):
    load(page, f"{warm_server}/?n=3&steps=100000000")  # a link starts at once
    page.wait_for_selector("[data-testid=stProgress]", timeout=TIMEOUT_MS)
    first, points = progress_text(page), len(plot_data(page, LOSS)["loss L"])
    page.wait_for_function(
        f"""() => {{ const e = ({FIND_CHART})('{LOSS}');
            return e && e._fullData[0].y.length > {points}; }}""",
        timeout=TIMEOUT_MS,
    )
    # The text follows the run: it changes (a redraw may show the chart first).
    page.wait_for_function(
        """t => { const e = document.querySelector('[data-testid=stProgress]');
            return e && e.innerText !== t; }""",
        arg=first,
        timeout=TIMEOUT_MS,
    )
    page.get_by_role("button", name="Stop").click()
    page.get_by_text("stopped by the user").wait_for(timeout=TIMEOUT_MS)
    assert page.locator("[data-testid=stProgress]").count() == 0
    # The page's last redraw may still be arriving (the stopped run's final
    # record): once two reads a second apart agree, nothing moves any more.
    stopped, deadline = None, time.monotonic() + 30
    while (now := json.dumps(plot_data(page, LOSS))) != stopped:
        assert time.monotonic() < deadline, "the charts kept changing after Stop"
        stopped = now
        time.sleep(1)
    time.sleep(2)
    assert json.dumps(plot_data(page, LOSS)) == stopped


def test_zoom_survives_while_live_redraw_is_paused(warm_server, page):
    load(page, f"{warm_server}/?n=3&steps=100000000&seed=3")
    page.wait_for_selector("[data-testid=stProgress]", timeout=TIMEOUT_MS)
    page.get_by_text("Redraw charts live").click()
    # The toggle's rerun is in once the live fragment has ticked twice after it
    # (a loaded server may take seconds for the rerun).
    for _ in range(2):
        next_progress(page)
    drag_zoom(page, INV_CBRT)
    zoomed = x_range(page, INV_CBRT)
    next_progress(page)
    assert x_range(page, INV_CBRT) == zoomed
    page.get_by_role("button", name="Stop").click()


def next_progress(page) -> None:
    """Wait until the live progress text changes: one tick of the fragment."""
    page.wait_for_function(
        "p => document.querySelector('[data-testid=stProgress]').innerText !== p",
        arg=progress_text(page),
        timeout=TIMEOUT_MS,
    )


def loopback_only(context) -> list[str]:
    """Abort every request of `context` that would leave 127.0.0.1; the URLs
    it asked for, for the test to check."""
    asked: list[str] = []

    def route(route) -> None:
        asked.append(route.request.url)
        host = urllib.parse.urlsplit(route.request.url).hostname
        route.continue_() if host == "127.0.0.1" else route.abort()

    context.route("**/*", route)
    return asked


# In each tab, from its navigation on: when the first chart drew, whether the
# page ever said 'waiting' (a MutationObserver: no polling latency in the numbers).
WATCH = f"""window.__seen = {{}};
new MutationObserver(() => {{
    if (!window.__seen.drawn && document.querySelector('{DRAWN}'))
        window.__seen.drawn = performance.now();
    if ((document.body.textContent || '').includes('Waiting for a free slot'))
        window.__seen.waiting = true;
}}).observe(document, {{subtree: true, childList: true, characterData: true}});"""
SESSIONS = 10
SESSION_STATE = f"""() => ({{
    text: (document.querySelector('[data-testid=stMain]') || {{}}).innerText || '',
    drawn: document.querySelectorAll('{DRAWN}').length,
    charts: document.querySelectorAll('{PLOT}').length,
    live: document.querySelectorAll('[data-testid=stProgress]').length }})"""


def test_ten_concurrent_sessions_share_the_cores_and_all_finish(warm_server, browser):
    """Ten tabs at once on a bounded run (1e5 steps at n = 10, ~1 s alone) share
    the server's cores: none waits in a queue (ten runs fit the live slots), every
    one ends with its charts, none blank, none 'stopped polling'."""
    contexts = [
        browser.new_context(viewport={"width": 1280, "height": 900})
        for _ in range(SESSIONS)
    ]
    asked = [loopback_only(c) for c in contexts]
    pages = [c.new_page() for c in contexts]
    for page in pages:
        page.add_init_script(WATCH)
    for seed, page in enumerate(pages):
        page.goto(
            f"{warm_server}/?n=10&steps=100000&eta=0.02&seed={seed + 50}",
            wait_until="commit",
        )
    done = set()
    deadline = time.monotonic() + 480  # ten tabs of Chromium share the cores too
    while len(done) < SESSIONS:
        assert time.monotonic() < deadline, f"{len(done)} of {SESSIONS} finished"
        for i, page in enumerate(pages):
            state = page.evaluate(SESSION_STATE)  # at once: no waiting for elements
            assert "stopped polling" not in state["text"]
            if (
                state["charts"] >= 7
                and not state["live"]
                and "Waiting" not in state["text"]
            ):
                done.add(i)
        time.sleep(0.25)
    for page in pages:
        no_exception(page)
    seen = [page.evaluate("window.__seen") for page in pages]
    times = sorted(s["drawn"] / 1000 for s in seen)
    waited = sum(bool(s.get("waiting")) for s in seen)
    print(
        f"\n[sessions] {SESSIONS} at once: first chart p50 {times[len(times) // 2]:.1f}"
        f" s, p95 {times[int(0.95 * (SESSIONS - 1))]:.1f} s from each tab's "
        f"navigation; 'waiting' shown in {waited} tabs"
    )
    assert not waited  # no visitor is held behind another's whole run
    hosts = {urllib.parse.urlsplit(u).hostname for a in asked for u in a}
    assert hosts == {"127.0.0.1"}
    for context in contexts:
        context.close()


def test_a_frozen_tab_keeps_its_run_alive(warm_server, page):
    """Poll liveness must not depend on redraws: a tab whose timers are frozen
    (no fragment reruns for 15 s, more than the 10 s poll timeout) but whose
    websocket is open keeps its run; it is never 'stopped polling'."""
    load(page, f"{warm_server}/?n=3&steps=100000000&seed=11")
    page.wait_for_selector("[data-testid=stProgress]", timeout=TIMEOUT_MS)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setWebLifecycleState", {"state": "frozen"})
    time.sleep(15)
    cdp.send("Page.setWebLifecycleState", {"state": "active"})
    page.wait_for_function(
        "p => document.querySelector('[data-testid=stProgress]').innerText !== p",
        arg=progress_text(page),
        timeout=TIMEOUT_MS,
    )
    assert "stopped polling" not in page.locator("[data-testid=stMain]").inner_text()
    page.get_by_role("button", name="Stop").click()


# Beyond the paper: the page from the navigation, each experiment by link, and
# Explore with the new knobs, in a real browser.

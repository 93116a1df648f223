"""A shared link on a fresh server and on a warm one, side by side in one run.

Run from the repository root:  python -m benchmarks.bench_cold_start

Measured as a visitor would: `streamlit run app.py` on 127.0.0.1 with an empty
numba cache (NUMBA_CACHE_DIR a new temporary folder), headless Chromium, seconds
from a tab's navigation (performance.now()) until the page has drawn:

- Explore's default link: its eight charts drawn, no progress bar left;
- a Beyond link (the activation experiment): its first chart;
each on a fresh server (a server of its own, its cache empty), then on the same
server warm (the same link again in a new tab, and a new seed: a run computed
with the kernels already loaded), then on a restarted server whose disk cache the
first one's filler process filled (a kept container). Also: the server's start
to healthy, how long its filler took, and whether the page said it was compiling
(or loading) the kernels.
Last, the floor under all of these: a page of only a title and 0, 1 or 8 of
Explore's charts, already built (benchmarks/floor_page.py), so the browser's own
part of a visit (Streamlit's bundle, Plotly's chunk, drawing the charts).
"""

import argparse
import os
import platform
import statistics
import tempfile
import time

from tests.reliability import children, chromium, cpu_seconds, loopback_page, served

EXPLORE_DONE = """() => document.querySelectorAll('.js-plotly-plot').length >= 8
    && document.querySelectorAll('.js-plotly-plot .scatterlayer .trace').length > 0
    && !document.querySelector('[data-testid=stProgress]')"""
FIRST_CHART = "() => !!document.querySelector('.js-plotly-plot .scatterlayer .trace')"
NOTE = "the engine's kernels for this server"  # compiling (or loading) them
SEEN_NOTE = f"""window.__note = false;
new MutationObserver(() => {{
    if ((document.body.textContent || '').includes("{NOTE}")) window.__note = true;
}}).observe(document, {{subtree: true, childList: true, characterData: true}});"""
BEYOND = "beyond?experiment=activation"
FLOOR_PAGE = "benchmarks/floor_page.py"
FLOOR_TITLE = "() => (document.querySelector('h1') || {}).textContent === 'Floor'"
FLOOR_CHARTS = """() => document.querySelectorAll('.js-plotly-plot').length >= {count}
    && document.querySelectorAll('.js-plotly-plot .scatterlayer .trace').length > 0"""
FLOOR_VISITS = 3
TARGETS = "targets: Explore cold <= 8 s, Beyond cold <= 15 s, Explore warm <= 2 s"


def visit(browser, url: str, pid: int, path: str, done: str) -> tuple:
    """Seconds from navigation until `done` holds in a new tab, the server's CPU
    seconds meanwhile, and whether the compiling note showed on the way."""
    used = cpu_seconds(pid)
    page, _ = loopback_page(browser)
    page.add_init_script(SEEN_NOTE)
    page.goto(f"{url}/{path}", wait_until="commit")
    page.wait_for_function(done, timeout=300_000, polling=100)
    seconds = page.evaluate("performance.now()") / 1000
    note = page.evaluate("window.__note")
    page.context.close()
    return seconds, cpu_seconds(pid) - used, note


def wait_for_filler(pid: int, since: float) -> float:
    """Seconds from `since` until the server `pid` has no child process left."""
    while children(pid):
        time.sleep(0.5)
    return time.monotonic() - since


class fresh:
    """A server whose numba cache is `folder` (a new empty one by default)."""

    def __init__(self, folder: str | None = None):
        self.folder = folder or tempfile.mkdtemp(prefix="numba-cold-")

    def __enter__(self):
        os.environ["NUMBA_CACHE_DIR"] = self.folder
        began = time.monotonic()
        self._served = served()
        url, pid = self._served.__enter__()
        return url, pid, began, time.monotonic() - began

    def __exit__(self, *exc):
        self._served.__exit__(*exc)


def row(label: str, seconds: float, cpu: float | None = None, note=False) -> None:
    """Wall seconds; the server's CPU seconds (load-independent), if measured."""
    used = f"  server CPU {cpu:5.1f} s" if cpu is not None else ""
    said = "  (said it readies the kernels)" if note else ""
    load = f"  load {os.getloadavg()[0]:4.1f}"
    print(f"  {label:<52} {seconds:6.1f} s{used}{load}{said}", flush=True)


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    print(f"{platform.node()}: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    print(TARGETS)
    with chromium() as browser:
        with fresh() as (url, pid, began, start):
            folder = os.environ["NUMBA_CACHE_DIR"]
            row("fresh server A: start to healthy", start)
            row("A cold: Explore default link, eight charts", *visit(
                browser, url, pid, "", EXPLORE_DONE))  # fmt: skip
            row("A warm: the same link in a new tab", *visit(
                browser, url, pid, "", EXPLORE_DONE))  # fmt: skip
            row("A warm: Explore with a new seed (a new run)", *visit(
                browser, url, pid, "?seed=7", EXPLORE_DONE))  # fmt: skip
            row("A: its filler process done, from the server's start",
                wait_for_filler(pid, began))  # fmt: skip
            row("A warm, cache filled: Beyond link, first chart", *visit(
                browser, url, pid, BEYOND, FIRST_CHART))  # fmt: skip
        with fresh() as (url, pid, began, start):
            row("fresh server B: start to healthy", start)
            row("B cold: Beyond link, first chart", *visit(
                browser, url, pid, BEYOND, FIRST_CHART))  # fmt: skip
            row("B: then Explore default link, eight charts", *visit(
                browser, url, pid, "", EXPLORE_DONE))  # fmt: skip
        with fresh(folder) as (url, pid, began, start):
            row("server C (A's filled disk cache): start to healthy", start)
            row("C: Explore default link, eight charts", *visit(
                browser, url, pid, "", EXPLORE_DONE))  # fmt: skip
            row("C: Beyond link, first chart", *visit(
                browser, url, pid, BEYOND, FIRST_CHART))  # fmt: skip
        with served(FLOOR_PAGE) as (url, pid):
            floor(browser, url, pid)


def floor(browser, url: str, pid: int) -> None:
    """The browser's part alone: benchmarks/floor_page.py, a title and N of
    Explore's default charts already built, no run (median of FLOOR_VISITS)."""
    visit(browser, url, pid, "?charts=8", FLOOR_CHARTS.format(count=8))  # builds them
    for count in (0, 1, 8):
        done = FLOOR_TITLE if count == 0 else FLOOR_CHARTS.format(count=count)
        label = f"floor: a page with {count} of Explore's charts, no run"
        times = [visit(browser, url, pid, f"?charts={count}", done)[0]
                 for _ in range(FLOOR_VISITS)]  # fmt: skip
        row(f"{label} (median)", statistics.median(times))
        print(f"    each: {', '.join(f'{t:.2f} s' for t in times)}")


if __name__ == "__main__":
    main()

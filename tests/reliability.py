"""The README's reliability figures (issues 13 and 14), measured on a real server.

    python -m tests.reliability fuzz      # 300 random links over every page
    python -m tests.reliability sessions  # 10 browser sessions at once: short, long runs
    python -m tests.reliability tabs      # a closed tab: its job's end, its slot freed
    python -m tests.reliability memory    # server RSS: 100 runs, 20 closed sessions

Not a test (pytest does not collect it): it prints numbers, it asserts nothing.
A server is started on 127.0.0.1 (as the browser suite does) and every browser
request that would leave the machine is aborted.
"""

import random
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from tests.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CREATED,
    DRAWN,
    PLOT,
    WATCH,
    serve,
)

ROOT = Path(__file__).resolve().parents[1]
PAGES = {  # URL path -> the names its links may carry
    "": ("n", "d", "sigma", "eta", "steps", "seed", "seeds", "method", "samples",
         "activation", "alpha", "teachers", "init", "optimizer", "beta", "lam"),
    "compare": ("along", "values", "ns", "n", "seeds", "d", "sigma", "eta", "steps",
                "preset"),
    "phases": ("n", "d", "sigma", "eta", "steps", "seed", "at", "preset"),
    "toy_cases": ("preset", "n"),
    "theory": (),
    "sweeps": ("x", "xs", "y", "ys", "summary", "steps", "seeds", "n", "eta"),
    "beyond": ("experiment", "seeds", "n", "sigma", "steps", "k", "preset"),
}  # fmt: skip
MARK = "zq"  # in every payload, in no message of the app's own
VALUES = (
    "3",
    "0",
    "-1",
    "1e12",
    "nan",
    "inf",
    "١٢",
    "１０",
    "2.5",
    "abc",
    "",
    " ",
    "1,2,x",
    "toy3 eps",
    "gd",
    "flow",
    "sgd",
    "adam",
    "gauss_newton",
    "leaky_relu",
    "optimizer",
    "teachers",
    "9" * 400,
    "A" * 10_240,
    f"[{MARK}](http://evil.example)",
    f"![{MARK}](http://evil.example/i.png)",
    f"**{MARK}**",
    f":red[{MARK}]",
    rf"$\href{{http://evil.example}}{{{MARK}}}$",
    f"<img src=x onerror=alert(1)>{MARK}",
    f"[{MARK}](javascript:alert(1))",
    f"www.{MARK}.example",
    f"a@{MARK}.example",
    f"`{MARK}`",
)
CODE_SPAN = re.compile(r"(`+) (.*?) \1")


def links(count: int, seed: int = 0) -> list[tuple[str, dict]]:
    """Random links: a page, some of its names (or other keys), random values."""
    rng, out = random.Random(seed), []
    for _ in range(count):
        path = rng.choice(list(PAGES))
        names = [*PAGES[path], "classroom", f"k{MARK}", f"[{MARK}](x)"]
        chosen = rng.sample(names, rng.randint(1, min(4, len(names))))
        out.append((path, {name: rng.choice(VALUES) for name in chosen}))
    return out


def named(message: str, query: dict) -> bool:
    """A message names what it ignored: one of the link's keys, or says 'unknown'."""
    return message.startswith("Ignored") and (
        "unknown link parameter" in message
        or any(f"{key} = " in message or f"in {key}:" in message for key in query)
    )


def literal(message: str) -> bool:
    """Outside code spans, a payload stands only as a plain word."""
    outside = CODE_SPAN.sub("", message)
    return all(
        re.fullmatch(r"'?\w+…?'?[:,.]?", w) for w in outside.split() if MARK in w
    )


def fuzz(count: int = 300, in_browser: int = 30) -> None:
    from streamlit.testing.v1 import AppTest

    from ui.cache import engine_warm_up, job_registry

    engine_warm_up().wait(120)
    exceptions = unnamed = injected = 0
    sample = links(count)
    for path, query in sample:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for name, value in query.items():
            at.query_params[name] = value
        at.switch_page(f"views/{path or 'explore'}.py").run()
        exceptions += len(at.exception)
        messages = [w.value for w in at.warning]
        unnamed += sum(not named(m, query) for m in messages)
        injected += sum(not literal(m) for m in messages)
        job_registry().stop_all()
    print(
        f"fuzz: {count} links in AppTest: {exceptions} exceptions, {unnamed} "
        f"unnamed messages, {injected} messages with outside text not literal"
    )
    with served() as (url, _), chromium() as browser:
        page, asked = loopback_page(browser)
        elements = 0
        for path, query in sample[:in_browser]:
            page.goto(f"{url}/{path}?{urllib.parse.urlencode(query)}")
            page.wait_for_selector("h1", timeout=120_000)
            page.wait_for_timeout(1500)
            elements += len(page.evaluate(CREATED))
        hosts = {urllib.parse.urlsplit(u).hostname for u in asked}
        print(
            f"fuzz: {in_browser} of them in Chromium: {elements} elements created "
            f"inside alerts, requests to {sorted(hosts)}"
        )


class served:
    """A server and its process id, for the length of a `with`."""

    def __enter__(self):
        log = Path(tempfile.mkdtemp()) / "streamlit.log"
        processes: list = []
        self._serving = serve(log, processes)
        return next(self._serving), processes[0].pid

    def __exit__(self, *_):
        next(self._serving, None)


class chromium:
    def __enter__(self):
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        return self._playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )

    def __exit__(self, *_):
        self._playwright.stop()


def loopback_page(browser, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    asked: list[str] = []

    def route(route) -> None:
        asked.append(route.request.url)
        local = urllib.parse.urlsplit(route.request.url).hostname == "127.0.0.1"
        route.continue_() if local else route.abort()

    context.route("**/*", route)
    return context.new_page(), asked


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in ticks


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def sessions() -> None:
    with served() as (url, _), chromium() as browser:
        for label, steps in (("short", 100_000), ("long", 3_000_000)):
            pages = [loopback_page(browser)[0] for _ in range(10)]
            for page in pages:
                page.add_init_script(WATCH)
            for seed, page in enumerate(pages):
                query = f"n=10&eta=0.02&steps={steps}&seed={seed + 100}"
                page.goto(f"{url}/?{query}", wait_until="commit")
            for page in pages:  # done: seven charts, no progress bar left
                page.wait_for_function(
                    f"document.querySelectorAll('{PLOT}').length >= 7 && !document"
                    ".querySelector('[data-testid=stProgress]')",
                    timeout=600_000,
                )
            seen = [page.evaluate("window.__seen") for page in pages]
            first = sorted(s["drawn"] / 1000 for s in seen)
            waited = sum(bool(s.get("waiting")) for s in seen)
            print(
                f"sessions ({label}, {steps:,} steps at n = 10): first chart p50 "
                f"{first[len(first) // 2]:.1f} s, p95 {first[-1]:.1f} s (from each "
                f"tab's navigation); 'waiting' shown in {waited} of 10"
            )
            for page in pages:
                page.context.close()


def busy_until_idle(pid: int, since: float, idle: float = 0.2) -> float:
    """Seconds from `since` until the server's CPU falls below `idle` of a core
    (over 1 s) and stays there for 2 s."""
    quiet_from, last, previous = None, time.monotonic(), cpu_seconds(pid)
    while True:
        time.sleep(1.0)
        now, used = time.monotonic(), cpu_seconds(pid)
        rate, last, previous = (used - previous) / (now - last), now, used
        if rate < idle:
            quiet_from = quiet_from or now - 1.0
            if now - quiet_from >= 2.0:
                return quiet_from - since
        else:
            quiet_from = None


def tabs() -> None:
    with served() as (url, pid), chromium() as browser:
        long_run = "n=3&steps=100000000"
        first, _ = loopback_page(browser)
        first.goto(f"{url}/?{long_run}&seed=1")
        first.wait_for_selector("[data-testid=stProgress]", timeout=120_000)
        time.sleep(3)
        closed = time.monotonic()
        first.context.close()
        print(
            f"tabs: closed tab to its job's end (server idle): "
            f"{busy_until_idle(pid, closed):.1f} s"
        )
        holders = [loopback_page(browser)[0] for _ in range(3)]
        for seed, page in enumerate(holders):
            page.goto(f"{url}/?{long_run}&seed={seed + 10}")
        holders[2].get_by_text("Waiting for a free slot").wait_for(timeout=120_000)
        closed = time.monotonic()
        holders[0].context.close()
        holders[2].locator("[data-testid=stProgress]").wait_for(timeout=120_000)
        print(
            f"tabs: closed tab to the queued tab's run starting (slot freed): "
            f"{time.monotonic() - closed:.1f} s"
        )
        for page in holders[1:]:
            page.context.close()


def memory() -> None:
    with served() as (url, pid), chromium() as browser:
        page, _ = loopback_page(browser)
        page.goto(url)
        page.wait_for_selector(DRAWN, timeout=120_000)
        print(f"memory: after one run {rss_mb(pid):.0f} MB")
        for seed in range(100):
            page.goto(f"{url}/?steps=20000&seed={seed + 1000}")
            page.wait_for_selector(DRAWN, timeout=120_000)
        page.context.close()
        time.sleep(15)
        print(f"memory: after 100 distinct runs (tabs closed) {rss_mb(pid):.0f} MB")
        before = rss_mb(pid)
        for seed in range(20):
            tab, _ = loopback_page(browser)
            tab.goto(f"{url}/?method=sgd&samples=100000&d=100&steps=200&seed={seed}")
            tab.wait_for_selector(DRAWN, timeout=120_000)
            if seed == 19:
                print(
                    f"memory: with the 20th finite-sample session open "
                    f"{rss_mb(pid):.0f} MB (before them {before:.0f} MB)"
                )
            tab.context.close()
        for after, wait in ((15, 15), (60, 45)):
            time.sleep(wait)
            print(
                f"memory: {after} s after closing 20 finite-sample sessions "
                f"{rss_mb(pid):.0f} MB"
            )
    print(f"memory: threads in this process at the end: {threading.active_count()}")


if __name__ == "__main__":
    chosen = sys.argv[1:] or ["fuzz", "sessions", "tabs", "memory"]
    for name in chosen:
        {"fuzz": fuzz, "sessions": sessions, "tabs": tabs, "memory": memory}[name]()

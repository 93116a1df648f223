"""The README's reliability figures (issues 13 and 14), measured on a real server.

    python -m tests.reliability fuzz      # 300 random links over every page
    python -m tests.reliability sessions  # 10 visitors at once: short, long runs
    python -m tests.reliability tabs      # a closed tab: its job's end, its core freed
    python -m tests.reliability memory    # server RSS: 400 runs on every page

Not a test: it prints numbers, it asserts nothing. A server is started on
127.0.0.1. The fuzz opens links in Chromium (requests that would leave the
machine are aborted); the others visit through Streamlit's websocket
(tests/ws_client.py): ten visitors must not take the server's cores.
"""

import asyncio
import contextlib
import os
import random
import re
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, serve
from tests.test_browser_links import CREATED
from tests.ws_client import Visit, visits
from ui.run_fields import LIMITS

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
DISTINCT_RUNS = 400  # memory: enough to show the server's RSS flat
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
        at = AppTest.from_file(str(ROOT / "router.py"), default_timeout=60)
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
    """A server of the app (or of another `script`) and its process id, for the
    length of a `with`."""

    def __init__(self, script: str = "app.py"):
        self.script = script

    def __enter__(self):
        log = Path(tempfile.mkdtemp()) / "streamlit.log"
        processes: list = []
        self._serving = serve(  # job_nice=None: as deployed
            log, processes, job_nice=None, script=self.script
        )
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
    return cpu_seconds_of(Path(f"/proc/{pid}/stat"))


def cpu_seconds_of(stat: Path) -> float:
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in ticks


def children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (from /proc), zombies left out."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":  # a zombie has ended
            found.append(int(stat.parent.name))
    return found


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def sessions() -> None:
    """Ten visitors at once, short and long runs at n = 10: first chart p50/p95,
    each run's time shared over the same run's time alone."""
    with served() as (url, pid):
        visits(url, [("", "steps=1000&seed=1")])  # kernels loaded, cost measured
        for label, steps in (("short", 100_000), ("long", 3_000_000)):
            link = f"n=10&eta=0.02&steps={steps}&seed="
            (alone,) = visits(url, [("", f"{link}99")])
            began = cpu_seconds(pid)
            shared = visits(url, [("", f"{link}{100 + k}") for k in range(10)])
            first = sorted(v.first for v in shared)
            slow = sorted(v.done / alone.done for v in shared)
            shared_s = f"{min(v.done for v in shared):.1f}-{slow[-1] * alone.done:.1f}"
            print(
                f"sessions ({label}, {steps:,} steps at n = 10): first chart p50 "
                f"{first[4]:.1f} s, p95 {first[-1]:.1f} s; the run alone "
                f"{alone.done:.1f} s, ten at once {shared_s} s (a run ends at the "
                f"{LIMITS.jobs.max_seconds:g} s cap): slowdown p50 {slow[4]:.1f}x, "
                f"max {slow[-1]:.1f}x; server CPU {cpu_seconds(pid) - began:.0f} s, "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )


def thread_cpu(pid: int) -> dict[int, float]:
    """CPU seconds of each thread of `pid`, by thread id."""
    out = {}
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        with contextlib.suppress(OSError):
            out[int(stat.parent.name)] = cpu_seconds_of(stat)
    return out


def tabs() -> None:
    """A closed tab: seconds from closing it until the thread that computed its
    run (the server's busiest thread meanwhile) has ended: its core freed."""
    with served() as (url, pid):

        async def close_after_first_chart() -> tuple[float, int]:
            visit = Visit()
            running = asyncio.ensure_future(
                visit.run(url, "", "n=3&steps=100000000", 7)
            )
            while visit.first is None:
                await asyncio.sleep(0.1)
            before = thread_cpu(pid)
            await asyncio.sleep(3)
            after = thread_cpu(pid)
            busiest = max(after, key=lambda t: after[t] - before.get(t, after[t]))
            closed = time.monotonic()
            await visit.close()
            await running
            return closed, busiest

        closed, busiest = asyncio.run(close_after_first_chart())
        while busiest in thread_cpu(pid) and time.monotonic() - closed < 60:
            time.sleep(0.1)
        print(
            f"tabs: closed tab to its run's thread ended: {time.monotonic() - closed:.1f} s"
        )


def memory() -> None:
    """Server RSS over 400 distinct runs on every page and 20 finite-sample ones."""
    with served() as (url, pid):
        visits(url, [("", "steps=1000&seed=1")], charts=1)
        print(f"memory: after one run {rss_mb(pid):.0f} MB")
        for start in range(0, DISTINCT_RUNS, 20):  # past the cache's 64 entries
            for k in range(start, start + 20):
                visits(url, [distinct_link(k)], charts=1)
            print(f"memory: after {start + 20} distinct runs {rss_mb(pid):.0f} MB")
        before, sgd = rss_mb(pid), "method=sgd&samples=100000&d=100&steps=200&seed="
        for seed in range(20):  # one after another, each tab closed after
            visits(url, [("", f"{sgd}{seed}")], charts=1)
        print(
            f"memory: 20 finite-sample runs done {rss_mb(pid):.0f} MB (before {before:.0f})"
        )
        for after in (15, 60):  # seconds after the last tab closed
            time.sleep(after - (after > 15) * 15)
            print(f"memory: {after} s after {rss_mb(pid):.0f} MB")


def distinct_link(k: int) -> tuple[str, str]:
    """The k-th of DISTINCT_RUNS distinct small runs (each its own step count),
    cycling over every page that runs."""
    steps = 20_000 + k
    return [
        ("", f"steps={steps}&seed={k}&activation=erf"),
        ("", f"steps={steps}&seed={k}&optimizer=adam&eta=0.01"),
        ("compare", f"ns=2&seeds=2&steps={steps}"),
        ("phases", f"n=2&steps={steps}&seed={k}"),
        ("beyond", f"experiment=activation&seeds=1&steps={steps}"),
    ][k % 5]


if __name__ == "__main__":
    chosen = sys.argv[1:] or ["fuzz", "sessions", "tabs", "memory"]
    for name in chosen:
        {"fuzz": fuzz, "sessions": sessions, "tabs": tabs, "memory": memory}[name]()

"""The real app in headless Chromium (Playwright): load, redraw, links, live runs.

Starts `streamlit run app.py` on a free 127.0.0.1 port once per session. Timings
are printed (run with -s to see them), never asserted: the machine is shared.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots"))
# Generous: a shared 2-core CI machine may be running the engine tests alongside.
TIMEOUT_MS = 120_000
PLOT = ".js-plotly-plot"
DRAWN = ".js-plotly-plot .scatterlayer .trace"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("CI") != "true",
        reason="needs /usr/bin/chromium (under CI=true these tests always run)",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def serve(log_path, processes: list | None = None):
    """`streamlit run app.py` on 127.0.0.1 and a free port, logging to log_path;
    yields its base URL once healthy, stops it after (`processes` gets its Popen)."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    command += ["--server.headless", "true"]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        if processes is not None:
            processes.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not healthy(url):
            assert process.poll() is None, "streamlit exited"
            assert time.monotonic() < deadline, "streamlit did not become healthy"
            time.sleep(0.2)
        yield url
        process.terminate()
        process.wait(timeout=20)


# The visible chart whose title contains a text (Streamlit keeps hidden copies of
# a chart in the DOM while it remounts one, so positions are not reliable).
FIND_CHART = """t => Array.from(document.querySelectorAll('.js-plotly-plot')).find(e =>
    e.getBoundingClientRect().width > 0 && e.layout && e.layout.title.text.includes(t))"""
LOSS, ANGLES, INV_CBRT = "Loss L", "Angles", "straight line"


def plot_data(page, title: str) -> dict:
    """Trace name -> y values of a visible chart, as Plotly drew them."""
    page.wait_for_function(f"t => ({FIND_CHART})(t)", arg=title)
    script = f"""t => Object.fromEntries(({FIND_CHART})(t)
        ._fullData.map(d => [d.name, Array.from(d.y)]))"""
    return page.evaluate(script, title)


def x_range(page, title: str) -> list:
    page.wait_for_function(f"t => ({FIND_CHART})(t)", arg=title)
    return page.evaluate(f"t => ({FIND_CHART})(t).layout.xaxis.range", title)


def drag_zoom(page, title: str) -> None:
    """Box-zoom with the mouse, as a user would."""
    box = page.evaluate(
        f"""t => {{ const r = ({FIND_CHART})(t).querySelector('.nsewdrag')
            .getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }}""",
        title,
    )
    x0, y0 = box[0] + 0.2 * box[2], box[1] + 0.3 * box[3]
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 60, y0 + 40, steps=3)
    page.mouse.move(x0 + 150, y0 + 100, steps=3)
    page.mouse.up()


def load(page, url: str) -> float:
    """Open url; seconds until the first chart has drawn a line."""
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(DRAWN, timeout=TIMEOUT_MS)
    return time.perf_counter() - start


def test_first_load_draws_the_charts(warm_server, page):
    seconds = load(page, warm_server)
    print(f"\n[timing] first chart on a warm server: {seconds:.2f} s (fresh browser)")
    seconds = load(page, warm_server)
    print(f"[timing] first chart on a warm server: {seconds:.2f} s (cached browser)")
    page.wait_for_function(f"document.querySelectorAll('{PLOT}').length >= 7")
    visible = page.evaluate(
        f"""Array.from(document.querySelectorAll('{PLOT}')).filter(e => {{
            const r = e.getBoundingClientRect();
            return r.width > 0 && r.top < 3 * window.innerHeight; }}).length"""
    )
    assert visible >= 3  # no tab to click
    assert "loss L" in plot_data(page, LOSS)


def test_a_slider_change_redraws_the_charts(warm_server, page):
    load(page, warm_server)
    assert "w₄" not in plot_data(page, ANGLES)
    start = time.perf_counter()
    page.get_by_role("slider", name="Students n").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"""() => {{ const e = ({FIND_CHART})('{ANGLES}');
            return e && e._fullData.some(d => d.name === 'w₄'); }}""",
        timeout=TIMEOUT_MS,
    )
    seconds = time.perf_counter() - start
    print(f"\n[timing] redraw after n 3 -> 4 (1e5 steps): {seconds:.2f} s")
    assert "n=4" in page.url


def test_a_shared_link_reproduces_the_same_picture(warm_server, page, browser):
    load(page, f"{warm_server}/?n=4&sigma=0.0123&eta=0.0777&steps=20000&seed=7")
    link = page.locator("[data-testid=stCode] code").first.inner_text()
    assert "sigma=0.0123" in link
    assert "batch=full" in link  # every parameter, defaults included
    original = plot_data(page, LOSS)
    other = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    other.set_default_timeout(TIMEOUT_MS)
    load(other, link.replace("\n", ""))
    assert plot_data(other, LOSS) == original
    other.context.close()


def test_a_bad_link_warns_and_still_draws(warm_server, page):
    load(page, f"{warm_server}/?n=abc&steps=1e12")
    alerts = page.locator("[data-testid=stAlert]").all_inner_texts()
    text = " ".join(alerts)
    assert "n = 'abc'" in text
    assert "steps = '1e12'" in text
    assert "must be" in text
    assert "Traceback" not in page.content()
    page.wait_for_function(f"document.querySelectorAll('{PLOT}').length >= 7")


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
    page.wait_for_timeout(1500)
    drag_zoom(page, INV_CBRT)
    zoomed, progress = x_range(page, INV_CBRT), progress_text(page)
    page.wait_for_function(
        "p => document.querySelector('[data-testid=stProgress]').innerText !== p",
        arg=progress,
        timeout=TIMEOUT_MS,
    )
    assert x_range(page, INV_CBRT) == zoomed
    page.get_by_role("button", name="Stop").click()


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1280, 720)])
def test_screenshots_at_desktop_and_laptop_widths(warm_server, browser, width, height):
    """Saved for a human to look at; checked here only for horizontal overflow."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    load(page, warm_server)
    page.wait_for_function(f"document.querySelectorAll('{DRAWN}').length >= 7")
    time.sleep(1)  # let the last charts finish their layout
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"explore_{width}x{height}.png")
    overflow = page.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot')).filter("
        "e => e.getBoundingClientRect().right > window.innerWidth + 1).length"
    )
    assert overflow == 0
    context.close()


def test_the_sweeps_page_opens_from_the_navigation_and_draws(warm_server, page):
    load(page, warm_server)
    navigate(page, "Sweeps")
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).some(e =>
            (e._fullData || []).some(d => d.type === 'heatmap' && d.z.length > 0
                && Array.from(d.z, row => Array.from(row)).flat()
                    .every(v => Number.isFinite(v))))""",
        timeout=TIMEOUT_MS,
    )
    assert "x=n" in page.url
    assert page.locator("[data-testid=stException]").count() == 0
    assert "Traceback" not in page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "sweeps_from_navigation_1440x900.png")


STORY_PAGES = {  # navigation label -> (URL path, whether the page draws a chart)
    "Compare": ("compare", True),
    "Phases": ("phases", True),
    "Toy cases": ("toy_cases", True),
    "Theory": ("theory", False),
}


NAV = ".st-key-navigation"  # the app's menu (ui.navigation)


def navigate(page, label: str) -> None:
    """Click `label` in the app's menu in the sidebar."""
    page.locator(NAV).get_by_role("link", name=label, exact=True).click()


def no_exception(page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0
    assert "Traceback" not in page.content()


def open_from_navigation(page, label: str) -> None:
    """Click `label` in the sidebar navigation; wait for its title (and a chart)."""
    path, draws = STORY_PAGES[label]
    navigate(page, label)
    page.wait_for_url(f"**/{path}*", timeout=TIMEOUT_MS)
    page.locator("h1").filter(has_text=label.split()[0]).wait_for(timeout=TIMEOUT_MS)
    if draws:
        page.wait_for_selector(DRAWN, timeout=TIMEOUT_MS)


@pytest.mark.parametrize("label", list(STORY_PAGES))
def test_story_pages_open_from_the_navigation(warm_server, page, label):
    """Each story page from the sidebar: no exception, its charts drawn, every
    control in the URL; screenshots at desktop and (resized) laptop sizes."""
    # Start on a light page (no engine run), then click through the sidebar.
    start = "toy_cases?preset=toy2" if label == "Theory" else "theory"
    page.goto(f"{warm_server}/{start}")
    page.locator("h1").first.wait_for(timeout=TIMEOUT_MS)
    open_from_navigation(page, label)
    path, draws = STORY_PAGES[label]
    if draws:
        assert "preset=" in page.url  # the page wrote its controls
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1440, 900), (1280, 720)):
        page.set_viewport_size({"width": width, "height": height})
        time.sleep(1)  # let the charts finish their layout at this width
        no_exception(page)
        page.screenshot(path=SHOTS / f"story_{path}_nav_{width}x{height}.png")


def test_classroom_mode_survives_navigation(warm_server, page):
    """A guided step is a link; the sidebar navigation clears the query string,
    yet the next page is still in classroom mode and says so in its URL."""
    page.goto(f"{warm_server}/compare?classroom=1")
    page.wait_for_selector(DRAWN, timeout=TIMEOUT_MS)
    # The sidebar is collapsed in classroom mode: Next sits in the page.
    page.get_by_role("link", name="Next: 4. Why: the three phases").click()
    page.wait_for_url("**/phases?*", timeout=TIMEOUT_MS)
    page.wait_for_selector(DRAWN, timeout=TIMEOUT_MS)
    assert "preset=theorem" in page.url
    page.locator("[data-testid=stExpandSidebarButton]").click()
    open_from_navigation(page, "Toy cases")
    page.wait_for_function(
        "location.search.includes('classroom=1')", timeout=TIMEOUT_MS
    )
    assert page.get_by_text("Classroom: step by step").count() == 1
    no_exception(page)
    page.screenshot(path=SHOTS / "story_classroom_toy_cases_1440x900.png")


@pytest.fixture
def fresh_server(tmp_path):
    """A second server that no page has run on yet (Streamlit's multipage state
    is per process: a deep link as the very first request is a case of its own)."""
    yield from serve(tmp_path / "fresh.log")


def test_a_deep_link_as_a_fresh_servers_first_request_goes_through_the_router(
    fresh_server, page
):
    """A fresh server's first request by a deep link runs through app.py (the
    router): the pages live in views/, because Streamlit serves a pages/ folder
    as a v1 multipage app, each page alone, until st.navigation has run once."""
    page.goto(f"{fresh_server}/toy_cases?preset=remark26&classroom=1")
    page.wait_for_selector(DRAWN, timeout=TIMEOUT_MS)
    navigation = page.locator(NAV).inner_text()
    assert "Toy cases" in navigation  # the router's titles, not file names
    assert "toy_cases" not in navigation
    assert page.get_by_text("Classroom: step by step").count() == 1
    no_exception(page)


def test_seeds_from_a_link_draw_a_band(warm_server, page):
    """?seeds=3: the loss chart gains a filled band (SVG) and a median line."""
    load(page, f"{warm_server}/?seeds=3")
    page.wait_for_function(
        f"""() => {{ const e = ({FIND_CHART})('{LOSS}');
            return e && e._fullData.some(d => d.fill === 'tonexty')
                && e.querySelector('.scatterlayer .fills path'); }}""",
        timeout=TIMEOUT_MS,
    )
    assert "median of 3 seeds" in plot_data(page, LOSS)
    assert "seeds=3" in page.url
    no_exception(page)
    time.sleep(1)  # let the last charts finish their layout
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "explore_seeds.png")


# A link cannot inject content (issue 13.1): every payload, as a value and as a
# key, on every page; the alerts' DOM and every request the page makes.
EVIL = "evil.example"
INJECTIONS = (
    f"[text](http://{EVIL}/link)",
    f"![x](http://{EVIL}/image.png)",
    "**bold** __under__",
    ":red[red] :material/warning: :smile:",
    rf"$\href{{http://{EVIL}/katex}}{{text}}$",
    f"<img src=http://{EVIL}/raw.png onerror=alert(1)><b>x</b>",
    f"[x](javascript:alert(1)) www.{EVIL} a@{EVIL} <http://{EVIL}/auto>",
    "A" * 10_240,
)
# Each page's parameters a payload is a bad value for (classroom: every page's).
CARRIERS = {
    "": ("n", "d", "sigma", "eta", "steps", "seed", "seeds", "classroom"),
    "compare": ("ns", "seeds", "d", "sigma", "classroom"),
    "phases": ("n", "d", "sigma", "eta", "steps", "seed", "at", "classroom"),
    "toy_cases": ("preset", "n", "classroom"),
    "theory": ("classroom",),
    "sweeps": ("x", "xs", "ys", "summary", "d", "eta", "steps", "classroom"),
}
# Inside an alert's text: paragraphs and code spans, nothing else.
CREATED = """() => Array.from(document.querySelectorAll(
    '[data-testid=stAlert] [data-testid=stMarkdownContainer] *'))
    .filter(e => !['P', 'CODE'].includes(e.tagName)).map(e => e.outerHTML)"""


def injection_links() -> list[tuple[str, dict]]:
    """(page path, query): every payload as a value of some parameter of every
    page, and as a key, 4 keys a link (a warning names the first 5 unknown keys)."""
    links = []
    for path, carriers in CARRIERS.items():
        for start in range(0, len(INJECTIONS), len(carriers)):
            chunk = INJECTIONS[start : start + len(carriers)]
            links.append((path, dict(zip(carriers, chunk, strict=False))))
        for start in (0, 4):
            links.append((path, dict.fromkeys(INJECTIONS[start : start + 4], "1")))
    return links


def test_no_link_can_inject_content_into_any_page(warm_server, page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    # Nothing leaves the machine, whatever a page tries: loopback only.
    page.route(
        "**/*",
        lambda route: (
            route.abort()
            if "127.0.0.1" not in route.request.url.split("/")[2]
            else route.continue_()
        ),
    )
    checked = 0
    for path, query in injection_links():
        page.goto(f"{warm_server}/{path}?{urllib.parse.urlencode(query)}")
        page.wait_for_selector("[data-testid=stAlert]", timeout=TIMEOUT_MS)
        page.wait_for_function(  # Markdown's plugins load lazily behind a skeleton
            "!document.querySelector('[data-testid=stAlert] [data-testid=stSkeleton]')"
        )
        page.wait_for_timeout(200)  # time for any image or font to be fetched
        no_exception(page)
        assert page.evaluate(CREATED) == [], query
        assert page.locator("[data-testid=stAlert] .katex").count() == 0
        assert page.locator("a[href^='javascript']").count() == 0
        texts = page.locator("[data-testid=stAlert]").all_inner_texts()
        assert all(len(text) < 1000 for text in texts)  # 10 kB cut, not echoed
        checked += len(texts)
    hosts = {urllib.parse.urlsplit(url).hostname for url in requests}
    print(f"\n[injection] {len(injection_links())} links, {checked} alerts checked")
    assert hosts == {"127.0.0.1"}, hosts


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


def test_ten_concurrent_sessions_all_finish_and_queued_ones_say_waiting(
    warm_server, browser
):
    """Ten tabs at once on a bounded run (5e5 steps at n = 10, ~0.8 s each) share
    the server's two slots: every one ends with its charts, none blank, none
    'stopped polling'; the queued ones showed 'waiting'."""
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
            f"{warm_server}/?n=10&steps=500000&eta=0.02&seed={seed + 50}",
            wait_until="commit",
        )
    done = set()
    deadline = time.monotonic() + 300
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
    assert waited  # two slots, ten runs: some had to queue, and said so
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

BEYOND_LINKS = {
    "activation": "Local exponent",
    "initialisation": "Balance",
    "optimiser": "wall-clock",
    "teachers": "spurious minimum",
    "output": "Local exponent",
}


def measured_rows(page) -> int:
    """The tables on the page once its measured table has drawn."""
    page.get_by_text("Measured", exact=False).first.wait_for(timeout=TIMEOUT_MS)
    page.locator("[data-testid=stDataFrame]").first.wait_for(timeout=TIMEOUT_MS)
    return page.locator("[data-testid=stDataFrame]").count()


def test_the_beyond_page_opens_from_the_navigation(warm_server, page):
    page.goto(f"{warm_server}/theory")
    page.locator("h1").first.wait_for(timeout=TIMEOUT_MS)
    navigate(page, "Beyond the paper")
    page.wait_for_url("**/beyond*", timeout=TIMEOUT_MS)
    assert measured_rows(page) == 1
    page.wait_for_function(f"t => ({FIND_CHART})(t)", arg="Local exponent")
    no_exception(page)
    assert "experiment=activation" in page.url


@pytest.mark.parametrize("experiment", list(BEYOND_LINKS))
def test_each_beyond_experiment_by_link(warm_server, page, experiment):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{warm_server}/beyond?experiment={experiment}")
    assert measured_rows(page) == 1
    page.wait_for_function(f"t => ({FIND_CHART})(t)", arg=BEYOND_LINKS[experiment])
    no_exception(page)
    for width, height in ((1400, 1000), (1024, 768)):
        page.set_viewport_size({"width": width, "height": height})
        time.sleep(1)
        page.screenshot(
            path=SHOTS / f"beyond_{experiment}_{width}x{height}.png", full_page=True
        )


@pytest.mark.parametrize(
    ("query", "in_link"),
    [
        ("activation=leaky_relu&alpha=0.5&steps=20000", "alpha=0.5"),
        ("optimizer=gauss_newton&damping=sqrt_loss&steps=100", "lam=1.0"),
        ("teachers=3&n=4&d=5&steps=20000", "teachers=3"),
        ("output=trained&steps=20000", "output=trained"),
    ],
)
def test_explore_runs_a_beyond_link(warm_server, page, query, in_link):
    load(page, f"{warm_server}/?{query}")
    no_exception(page)
    assert "loss L" in plot_data(page, LOSS)
    link = page.locator("[data-testid=stCode] code").first.inner_text()
    assert in_link in link


ALL_PAGES = {  # URL path -> whether the page draws charts
    "": True,
    "compare": True,
    "phases": True,
    "toy_cases": True,
    "theory": False,
    "sweeps": True,
    "beyond": True,
}
SIZES = [(1400, 1000), (1280, 720), (1024, 768), (390, 844)]
# Problems a reader would see, found in the DOM: a chart title or legend running
# out of its chart, a metric or caption cut (scroll width > client width), two
# annotations of one chart on top of each other.
LAYOUT_PROBLEMS = """() => {
  const problems = [], box = e => e.getBoundingClientRect();
  const seen = e => box(e).width > 0 && box(e).height > 0;
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
      && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    if (!seen(plot) || !plot.layout) continue;
    const frame = box(plot), name = (plot.layout.title || {}).text || '?';
    for (const part of plot.querySelectorAll('.gtitle, .legend')) {
      const r = box(part);
      if (r.width > 0 && (r.left < frame.left - 1 || r.right > frame.right + 1))
        problems.push(`${name}: ${part.getAttribute('class')} runs out of the chart`);
    }
    const notes = Array.from(plot.querySelectorAll('.annotation')).filter(seen);
    notes.forEach((a, i) => notes.slice(i + 1).forEach(b => {
      if (overlap(box(a), box(b)))
        problems.push(`${name}: annotations "${a.textContent}" and "${b.textContent}" overlap`);
    }));
  }
  const cut = '[data-testid=stMetric] *, [data-testid=stCaptionContainer], h1, h2, h3';
  for (const e of document.querySelectorAll(cut))
    if (seen(e) && e.scrollWidth > e.clientWidth + 1)
      problems.push(`cut: "${e.textContent.slice(0, 60)}"`);
  return problems;
}"""


@pytest.mark.parametrize(("width", "height"), SIZES, ids=lambda v: str(v))
def test_every_page_fits_at_every_size(warm_server, browser, width, height):
    """Screenshots of every page at projector, laptop, small-laptop and phone
    sizes (saved for a human to look at), each checked in the DOM: no chart title,
    legend, metric or caption clipped, no two annotations on top of each other,
    and nothing wider than the window."""
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for path, draws in ALL_PAGES.items():
        page.goto(f"{warm_server}/{path}")
        page.locator("h1").first.wait_for()
        if draws:  # Sweeps draws heatmaps, the others lines
            page.wait_for_selector(PLOT if path == "sweeps" else DRAWN)
        if path == "":
            page.wait_for_function(f"document.querySelectorAll('{DRAWN}').length >= 8")
        time.sleep(0.75)  # let the last charts finish their layout at this width
        no_exception(page)
        name = path or "explore"
        page.screenshot(path=SHOTS / f"page_{name}_{width}x{height}.png")
        page.set_viewport_size({"width": width, "height": 4 * height})
        time.sleep(0.5)
        page.screenshot(path=SHOTS / f"page_{name}_{width}x{height}_tall.png")
        found = page.evaluate(LAYOUT_PROBLEMS)
        wide = page.evaluate("document.documentElement.scrollWidth > innerWidth + 1")
        found += ["the page is wider than the window"] if wide else []
        bars = "Array.from(document.querySelectorAll('.modebar-container'))"
        shown = page.evaluate(
            f"{bars}.some(e => getComputedStyle(e).display !== 'none')"
        )
        found += ["Plotly's mode bar on a touch screen"] if phone and shown else []
        problems[name] = found
        page.set_viewport_size({"width": width, "height": height})
    context.close()
    assert not {k: v for k, v in problems.items() if v}


def test_classroom_step_one_tells_the_truth_about_one_student(warm_server, browser):
    """Classroom step 1 (n = 1) on a laptop: sidebar collapsed, Next in the page,
    the loss on log-linear axes with an exponential fit and no t⁻³ anywhere."""
    from ui.classroom import STEPS

    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    query = urllib.parse.urlencode(STEPS[0].query | {"classroom": "1"})
    page.goto(f"{warm_server}/?{query}")
    page.wait_for_function(f"document.querySelectorAll('{DRAWN}').length >= 8")
    time.sleep(1)
    names = list(plot_data(page, LOSS))
    assert any("e<sup>−" in name for name in names)
    assert not any("t<sup>−3</sup>" in name for name in names)
    axis = page.evaluate(f"t => ({FIND_CHART})(t).layout.xaxis.type", LOSS)
    assert axis == "linear"
    assert page.get_by_role("link", name="Next: 2. n = 2").is_visible()
    # Collapsed: Streamlit keeps the sidebar in the page, moved off the screen.
    box = page.locator(NAV).bounding_box()
    assert box is None or box["x"] + box["width"] <= 0
    assert page.get_by_text("Step 1 of").count() == 1  # its claim, not a prompt
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "classroom_step1_1280x720.png")
    page.set_viewport_size({"width": 1280, "height": 3600})
    time.sleep(1)
    page.screenshot(path=SHOTS / "classroom_step1_1280x720_tall.png")
    assert not page.evaluate(LAYOUT_PROBLEMS)
    context.close()


def test_each_caption_links_to_its_claim_on_the_theory_page(warm_server, page):
    load(page, warm_server)
    page.wait_for_function(f"document.querySelectorAll('{DRAWN}').length >= 8")
    links = page.evaluate(
        "Array.from(document.querySelectorAll('[data-testid=stCaptionContainer] a'))"
        ".map(a => a.href)"
    )
    claims = [link for link in links if "/theory#" in link]
    assert len(claims) == 6  # one per diagnostic chart
    anchors = {link.split("#")[1] for link in claims}
    assert anchors == {"theorems", "three-phases", "the-potential-z"}
    page.goto(claims[0])
    page.locator("h1").filter(has_text="Theory").wait_for()
    for anchor in anchors:
        assert page.locator(f"[id='{anchor}']").count() == 1
    no_exception(page)


def test_explore_with_several_teachers_shows_the_per_teacher_charts(
    warm_server, browser
):
    """m = 3 teachers: the one-teacher charts give way to their analogues."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{warm_server}/?teachers=3&n=4&d=5&steps=20000")
    page.wait_for_function(f"document.querySelectorAll('{DRAWN}').length >= 8")
    time.sleep(1)
    no_exception(page)
    titles = page.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".filter(e => e.layout).map(e => e.layout.title.text)"
    )
    for analogue in ("nearest teacher", "Share of each teacher", "Nearest teacher"):
        assert any(analogue in title for title in titles), (analogue, titles)
    assert not any("Balance" in title or "Potential" in title for title in titles)
    assert "t<sup>−3</sup>" not in str(plot_data(page, LOSS).keys())
    page.set_viewport_size({"width": 1400, "height": 4000})
    time.sleep(1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "explore_teachers3_1400x1000_tall.png")
    assert not page.evaluate(LAYOUT_PROBLEMS)
    context.close()

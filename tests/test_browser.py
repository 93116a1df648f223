"""The real app in headless Chromium (Playwright): load, redraw, links, live runs.

Starts `streamlit run app.py` on a free 127.0.0.1 port once per session. Timings
are printed (run with -s to see them), never asserted: the machine is shared.
"""

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


def serve(
    log_path,
    processes: list | None = None,
    job_nice: str | None = "5",
    script: str = "app.py",
):
    """`streamlit run app.py` (or another `script` of the repository) on 127.0.0.1
    and a free port, logging to log_path; yields its base URL once healthy, stops
    it after (`processes` gets its Popen).

    Its jobs compute 5 below the server's threads (NEURONLAB_JOB_NICE=5, ui.jobs;
    job_nice=None: the app's default of 10, as tests/reliability.py measures it):
    here they share two cores with the other pytest worker and the browsers, all at
    nice 0, each of which outweighs a job at nice 10 tenfold (measured, the five
    Beyond links under two busy loops: 313 s at nice 10, 137 s at 0, 98 s at 5);
    at 5 the server's own threads still come first. tests/test_runner.py checks
    the default of 10."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", script]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    command += ["--server.headless", "true"]
    environment = os.environ | (
        {} if job_nice is None else {"NEURONLAB_JOB_NICE": job_nice}
    )
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=environment
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


def fail_showing(page, name: str, what: str) -> None:
    """Fail saying `what` went wrong and what the page showed instead: its text,
    and a full-page screenshot in SHOTS (a flake under CI load leaves a trace)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{name}_failed.png"
    page.screenshot(path=shot, full_page=True)
    text = page.locator("body").inner_text()[:2000]
    pytest.fail(f"{what} ({shot}); the page showed: {text}")


# The visible chart whose title contains a text (Streamlit keeps hidden copies of
# a chart in the DOM while it remounts one, so positions are not reliable).
FIND_CHART = """t => Array.from(document.querySelectorAll('.js-plotly-plot')).find(e =>
    e.getBoundingClientRect().width > 0 && e.layout && e.layout.title.text.includes(t))"""
LOSS, ANGLES, INV_CBRT = "Loss L", "Angles", "straight line"
# The sidebar's share link (ui.widgets.share_link): its href is the whole link.
SHARE_LINK = "[data-testid=stSidebar] [data-testid=stCaptionContainer] a[href*='?']"


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
    link = page.locator(SHARE_LINK).first.get_attribute("href")
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


ALL_PAGES = {  # URL path -> whether the page draws charts
    "": True,
    "compare": True,
    "phases": True,
    "toy_cases": True,
    "theory": False,
    "sweeps": True,
    "beyond": True,
}
# A desktop or projector, a small laptop and a phone. The projector's 1280x720 is
# the classroom walk's own (tests/test_navigation_browser.py): a layout that holds
# at 1400 and at 1024 holds between them, and each size costs CI ~40 s a test.
SIZES = [(1400, 1000), (1024, 768), (390, 844)]
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
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for path, draws in ALL_PAGES.items():
        name = path or "explore"
        page.goto(f"{warm_server}/{path}")
        try:
            page.locator("h1").first.wait_for()
            if draws:  # Sweeps draws heatmaps, the others lines
                page.wait_for_selector(PLOT if path == "sweeps" else DRAWN)
            if path == "":
                page.wait_for_function(
                    f"document.querySelectorAll('{DRAWN}').length >= 8"
                )
        except PlaywrightTimeout:
            fail_showing(page, f"page_{name}_{width}x{height}", f"{name} drew no chart")
        time.sleep(0.75)  # let the last charts finish their layout at this width
        no_exception(page)
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
    for anchor in anchors:  # the page draws its sections after its title
        page.locator(f"[id='{anchor}']").wait_for(state="attached")
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

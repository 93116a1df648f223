"""Links in headless Chromium: a fresh server's first deep link, seeds from a
link, no link can inject content, every Beyond experiment by its link. Uses
conftest's server and Chromium; the helpers are tests/test_browser.py's."""

import time
import urllib.parse

import pytest

from tests.test_browser import (
    DRAWN,
    FIND_CHART,
    LOSS,
    NAV,
    SHARE_LINK,
    SHOTS,
    TIMEOUT_MS,
    load,
    navigate,
    no_exception,
    plot_data,
    serve,
)
from tests.test_browser import pytestmark as browser_marks

pytestmark = browser_marks


@pytest.fixture
def fresh_server(tmp_path):
    """A second server that no page has run on yet (Streamlit's multipage state
    is per process: a deep link as the very first request is a case of its own)."""
    yield from serve(tmp_path / "fresh.log")


def test_a_deep_link_as_a_fresh_servers_first_request_goes_through_the_router(
    fresh_server, page
):
    """A fresh server's first request by a deep link runs through router.py
    (st.navigation): the pages live in views/, because Streamlit serves a pages/ folder
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
    link = page.locator(SHARE_LINK).first.get_attribute("href")
    assert in_link in link

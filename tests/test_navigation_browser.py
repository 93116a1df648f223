"""The browser's own controls and the classroom path, in headless Chromium:
Next through every classroom step, Back and Forward between every pair of
pages, a reload mid-run, and rapid clicks on Explore's run buttons.

Uses tests/test_browser.py's server and browser (one per session)."""

import itertools
import re
import time
import urllib.parse

import pytest

from tests.test_browser import (  # noqa: F401 (fixtures)
    DRAWN,
    FIND_CHART,
    LOSS,
    NAV,
    SHOTS,
    TIMEOUT_MS,
    browser,
    navigate,
    no_exception,
    pytestmark,
    server,
    warm_server,
)
from ui.classroom import STEPS
from ui.navigation import PAGES

SIZES = [(1400, 1000), (1280, 720), (1024, 768), (390, 844)]
CHARTS = {"views/theory.py": False}  # every other step's page draws a chart
# The step's marked link: ui/classroom.css gives it (and only it) a background.
MARKED = """() => Array.from(document.querySelectorAll(
    '.st-key-classroom_steps [data-testid=stPageLink-NavLink]')).map(a =>
    getComputedStyle(a).backgroundColor !== 'rgba(0, 0, 0, 0)')"""


def new_page(browser, width=1280, height=720):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def step_header(page, number: int):
    """The claim of step `number` (1-based), once on screen."""
    text = f"Step {number} of {len(STEPS)}"
    claim = page.locator("[data-testid=stMarkdownContainer]", has_text=text).first
    claim.wait_for(timeout=TIMEOUT_MS)
    return claim


def first_chart_box(page) -> dict:
    page.wait_for_selector(DRAWN, timeout=TIMEOUT_MS)
    return page.evaluate(
        """() => { const e = Array.from(document.querySelectorAll('.js-plotly-plot'))
            .find(e => e.getBoundingClientRect().width > 0);
            const r = e.querySelector('.nsewdrag').getBoundingClientRect();
            return {top: r.top, bottom: r.bottom}; }"""
    )


@pytest.mark.slow
def test_the_classroom_path_walks_every_step_with_next(warm_server, browser):  # noqa: F811
    """From /?classroom=1: step 1, then Next through every step in order. On each:
    Next names the following step, only this step is marked in the list, and on a
    1280x720 projector the claim and the plotting area of the step's first chart
    are on screen without scrolling."""
    page = new_page(browser)
    page.goto(f"{warm_server}/?classroom=1")
    below = []  # steps whose first chart needs a scroll
    for number, step in enumerate(STEPS, start=1):
        claim = step_header(page, number)
        assert step.says in claim.inner_text()
        if step.page == "views/explore.py":
            wanted = {k: [str(v)] for k, v in step.query.items()}
            shown = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
            assert wanted.items() <= shown.items()
        page.wait_for_function(f"({MARKED})().filter(x => x).length === 1")
        assert page.evaluate(MARKED).index(True) == number - 1
        assert "move n" not in page.content()  # no prompt that Next contradicts
        if CHARTS.get(step.page, True):
            page.wait_for_selector(DRAWN, timeout=TIMEOUT_MS)
        time.sleep(1.5)  # the charts' layout at this size
        page.screenshot(path=SHOTS / f"classroom_walk_step{number}_1280x720.png")
        if CHARTS.get(step.page, True) and first_chart_box(page)["bottom"] > 720:
            below.append(number)
        assert claim.bounding_box()["y"] >= 0
        no_exception(page)
        if number < len(STEPS):
            following = STEPS[number]
            name = f"Next: {number + 1}. {following.label}"
            page.get_by_role("link", name=name).click()
    assert page.get_by_role("link", name=re.compile("^Next:")).count() == 0
    assert not below
    page.context.close()


@pytest.mark.slow
@pytest.mark.parametrize(("width", "height"), SIZES, ids=str)
def test_classroom_steps_at_every_size(warm_server, browser, width, height):  # noqa: F811
    """Each step by its link at four sizes, screenshots for a person to look at;
    on the three wide ones the claim is on screen at the top."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page(browser, width, height)
    for number, step in enumerate(STEPS, start=1):
        query = urllib.parse.urlencode(step.query | {"classroom": "1"})
        path = step.page.removeprefix("views/").removesuffix(".py")
        page.goto(f"{warm_server}/{'' if path == 'explore' else path}?{query}")
        claim = step_header(page, number)
        if CHARTS.get(step.page, True):
            page.wait_for_selector(DRAWN, timeout=TIMEOUT_MS)
        time.sleep(1.5)
        box = claim.bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= height
        no_exception(page)
        page.screenshot(path=SHOTS / f"classroom_step{number}_{width}x{height}.png")
    page.context.close()

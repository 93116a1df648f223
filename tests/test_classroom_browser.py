"""The classroom path in headless Chromium: Next through every step from
/?classroom=1 on a 1280x720 projector, and each step by its link at the other
sizes. Its own file so that CI's two workers (one file each at a time) share
the browser suite more evenly."""

import re
import time
import urllib.parse

import pytest

from tests.polling import wait_until
from tests.test_browser import DRAWN, SHOTS, TIMEOUT_MS, no_exception
from tests.test_navigation_browser import (
    CHARTS,
    MARKED,
    PROGRESS,
    SIZES,
    first_chart_box,
    new_page,
    query_of,
    step_header,
)
from ui.classroom import STEPS


@pytest.mark.slow
def test_the_classroom_path_walks_every_step_with_next(warm_server, browser):
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
        if step.page == "views/explore.py":  # the page writes its link
            wanted = {k: [str(v)] for k, v in step.query.items()}
            wait_until(lambda w=wanted: w.items() <= query_of(page.url).items())
        page.wait_for_function(f"({MARKED})().filter(x => x).length === 1")
        assert page.evaluate(MARKED).index(True) == number - 1
        assert "move n" not in page.content()  # no prompt that Next contradicts
        if CHARTS.get(step.page, True):
            page.wait_for_selector(DRAWN, timeout=TIMEOUT_MS)
        # Measured as drawn once computed (a progress bar stands above meanwhile).
        page.wait_for_function(f"() => !document.querySelector('{PROGRESS}')")
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
@pytest.mark.parametrize(("width", "height"), [s for s in SIZES if s != (1280, 720)])
def test_classroom_steps_at_every_size(warm_server, browser, width, height):
    """Each step by its link at the other three sizes (the walk above covers the
    projector's), screenshots for a person to look at; the claim is on screen."""
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
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= height
        no_exception(page)
        page.screenshot(path=SHOTS / f"classroom_step{number}_{width}x{height}.png")
    page.context.close()

"""The Landscape page in headless Chromium: the default point (a run's end, the
flat minimum beside n = 1) and a split point (a saddle and its escape) at three
sizes, screenshots saved for a human, the layout checked in the DOM."""

import time

import pytest

from tests.test_browser import (
    DRAWN,
    LAYOUT_PROBLEMS,
    SHOTS,
    SIZES,
    TIMEOUT_MS,
    no_exception,
)

pytestmark = pytest.mark.browser
POINTS = {"run": "landscape", "split": "landscape?point=split&k=8&seed=9&seeds=1"}


@pytest.mark.parametrize(("width", "height"), SIZES, ids=lambda v: str(v))
def test_landscape_points_fit_at_every_size(warm_server, browser, width, height):
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    (SHOTS / "land").mkdir(parents=True, exist_ok=True)
    problems = {}
    for name, path in POINTS.items():
        page.goto(f"{warm_server}/{path}")
        page.locator("h1").first.wait_for()
        page.wait_for_selector(DRAWN)
        charts = 3 if name == "split" else 2
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot').length >= {charts}"
        )
        time.sleep(1.0)  # the last charts' layout at this width
        no_exception(page)
        assert page.get_by_text("Kind: ").first.is_visible()
        shot = SHOTS / "land" / f"{name}_{width}x{height}"
        page.screenshot(path=f"{shot}.png")
        # Streamlit scrolls inside its own container: a tall window shows it all.
        page.set_viewport_size({"width": width, "height": 4 * height})
        time.sleep(0.75)
        page.screenshot(path=f"{shot}_tall.png")
        found = page.evaluate(LAYOUT_PROBLEMS)
        if page.evaluate("document.documentElement.scrollWidth > innerWidth + 1"):
            found.append("the page is wider than the window")
        problems[name] = found
        page.set_viewport_size({"width": width, "height": height})
    context.close()
    assert not {k: v for k, v in problems.items() if v}


def test_the_step_size_question_draws_on_the_beyond_page(warm_server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    (SHOTS / "land").mkdir(parents=True, exist_ok=True)
    page.goto(f"{warm_server}/beyond?experiment=stepsize&seeds=1&steps=20000")
    page.get_by_text("Does the step size matter?").first.wait_for()
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 2")
    page.get_by_text("Measured").first.wait_for()
    time.sleep(1.0)
    no_exception(page)
    page.set_viewport_size({"width": 1400, "height": 3000})
    time.sleep(0.75)
    page.screenshot(path=SHOTS / "land" / "beyond_stepsize_1400x1000_tall.png")
    assert not page.evaluate(LAYOUT_PROBLEMS)
    context.close()

"""In headless Chromium: Explore's top tells the truth for settings outside the
paper's, downloads open as users expect (plain CSV, an HTML file whose ticks are
not clipped), labels never wrap inside a word, the geometry player's controls
never overlap the chart. Screenshots go to SHOTS for a human to look at.

Reuses tests/test_browser.py's server and browser (one server per session).
"""

import time

import pandas as pd
import pytest

from neuronlab import RunConfig, simulate
from tests.test_browser import (
    CHROMIUM,
    DRAWN,
    SHOTS,
    SIZES,
    TIMEOUT_MS,
)
from ui.figures.pages import explore_figures, html_page
from ui.figures.top import run_title

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]
SHOTS_TRUTH = SHOTS / "truth"


def _settled(page, url: str, charts: int = 8) -> None:
    """Open url and wait until the run is over and its charts are drawn."""
    page.goto(url)
    page.wait_for_function(f"document.querySelectorAll('{DRAWN}').length >= {charts}")
    stop = page.get_by_role("button", name="Stop", exact=True)
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while stop.count() and stop.first.is_enabled():
        assert time.monotonic() < deadline, "the run did not finish"
        time.sleep(0.5)
    time.sleep(1.5)  # the final rerun draws the hero and the top


@pytest.fixture
def sized(browser):
    contexts = []

    def open_page(width: int, height: int):
        context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


# (query, what the top must say, what it must not)
TOPS = {
    "teachers=3": (
        [
            "3 orthonormal teachers",
            "for one teacher",
            "Here:",
            "3 teachers, n students",
        ],
        ["two or more learn it only like t⁻³"],
    ),
    "optimizer=gauss_newton": (
        ["Gauss–Newton", "no t⁻³ slow-down", "reaches the rounding floor"],
        ["two or more learn it only like t⁻³"],
    ),
    "activation=erf": (
        ["erf students", "Not every student turns toward it", "rad"],
        ["two or more learn it only like t⁻³"],
    ),
}


@pytest.mark.parametrize("query", list(TOPS))
def test_explores_top_is_true_for_the_setting_on_screen(warm_server, sized, query):
    page = sized(1400, 1000)
    _settled(page, f"{warm_server}/?{query}")
    SHOTS_TRUTH.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS_TRUTH / f"top_{query.replace('=', '_')}.png")
    main = page.locator("[data-testid=stMain]").inner_text()
    top = main.split("How fast")[0]
    must, must_not = TOPS[query]
    for words in must:
        assert words in top, words
    for words in must_not:
        assert words not in top, words


def test_the_downloaded_metrics_csv_is_plain(warm_server, sized, tmp_path):
    page = sized(1400, 1000)
    _settled(page, f"{warm_server}/?n=2&d=4&steps=2000&activation=erf")
    with page.expect_download() as caught:
        page.get_by_role("button", name="Metrics (CSV)").click()
    path = tmp_path / "metrics.csv"
    caught.value.save_as(path)
    frame = pd.read_csv(path)  # no options: no comment lines, one header
    expected = simulate(RunConfig(n=2, d=4, steps=2000, activation="erf"))
    assert list(frame.columns) == list(expected.metrics.columns)
    assert frame["step"].tolist() == expected.steps.tolist()
    pd.testing.assert_series_equal(frame["loss"], expected.metrics["loss"])


# Every tick label and axis title of every chart, in page pixels, against its SVG.
OUTSIDE = """() => {
  const out = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const frame = plot.querySelector('svg.main-svg').getBoundingClientRect();
    const parts = plot.querySelectorAll(
      '.xtick text, .ytick text, .g-xtitle text, .g-ytitle text, .g-y2title text');
    for (const part of parts) {
      const r = part.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < frame.left - 0.5 || r.right > frame.right + 0.5 ||
          r.top < frame.top - 0.5 || r.bottom > frame.bottom + 0.5)
        out.push(`${plot.layout.title.text}: "${part.textContent}"`);
    }
  }
  return out;
}"""


def test_the_html_file_keeps_every_tick_label_inside_its_chart(browser, tmp_path):
    """The "All figures" file, opened from disk: no tick label or axis title
    outside its chart's SVG (10⁻³ used to show as "-3"), and a readable title."""
    config = RunConfig(n=3, d=5, steps=3000)
    run = simulate(config)
    title = f"Explore: {run_title(config)}"
    file = tmp_path / "figures.html"
    file.write_text(html_page(explore_figures(run), title, {"responsive": True}))
    page = browser.new_page(viewport={"width": 900, "height": 800})
    page.goto(file.as_uri())
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 6")
    time.sleep(1.0)
    SHOTS_TRUTH.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS_TRUTH / "figures_html.png", full_page=True)
    outside = page.evaluate(OUTSIDE)
    assert page.title() == title
    assert "{" not in page.title()
    ticks = page.evaluate("document.querySelectorAll('.ytick text').length")
    page.close()
    assert ticks > 20  # the check saw the charts' ticks
    assert not outside


# Words broken across lines: a line break between two letters of one word.
MID_WORD = """(selector) => {
  const broken = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();  // skip a collapsed sidebar's labels
    if (box.width < 8 || box.right <= 0 || box.left >= innerWidth) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent, range = document.createRange();
      let top = null;
      for (let i = 0; i < text.length; i++) {
        range.setStart(node, i); range.setEnd(node, i + 1);
        const r = range.getClientRects()[0];
        if (!r) continue;
        if (top !== null && r.top > top + 2 && i > 0 && /\\S/.test(text[i - 1])
            && /\\S/.test(text[i]) && !/[\\/\\-–]/.test(text[i - 1]))
          broken.push(text);
        top = r.top;
      }
    }
  }
  return broken;
}"""
LABELS = "[data-testid=stMetricLabel], [data-testid=stWidgetLabel], button p"


@pytest.mark.parametrize(("width", "height"), SIZES, ids=lambda v: str(v))
def test_phases_labels_never_break_inside_a_word(warm_server, sized, width, height):
    page = sized(width, height)
    page.goto(f"{warm_server}/phases")
    page.wait_for_selector(DRAWN)
    page.locator("[data-testid=stMetricLabel]").first.wait_for()
    time.sleep(1.0)
    SHOTS_TRUTH.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS_TRUTH / f"phases_{width}x{height}.png")
    assert not page.evaluate(MID_WORD, LABELS)
    metrics = page.locator("[data-testid=stMetric]").all_inner_texts()
    assert not [m for m in metrics if "0.985000" in m]


# The player's buttons, the slider's tick labels and value, and the x axis
# title: no two of them overlap.
PLAYER_OVERLAPS = """() => {
  const plot = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .find(p => p.querySelector('.slider-container'));
  const boxes = sel => Array.from(plot.querySelectorAll(sel))
    .map(e => e.getBoundingClientRect()).filter(r => r.width > 0);
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0
      && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0;
  const buttons = boxes('.updatemenu-button');
  const slider = boxes('.slider-label, .slider-current-value, .slider-rail');
  const title = boxes('.g-xtitle text, .xtick text');
  const found = [];
  for (const b of buttons) for (const s of [...slider, ...title])
    if (overlap(b, s)) found.push('button over slider or axis');
  for (const s of slider) for (const t of title)
    if (overlap(s, t)) found.push('slider over the x axis');
  return [buttons.length, found];
}"""


@pytest.mark.parametrize(("width", "height"), SIZES, ids=lambda v: str(v))
def test_the_geometry_player_overlaps_nothing(warm_server, sized, width, height):
    page = sized(width, height)
    _settled(page, f"{warm_server}/")
    player = page.locator(".js-plotly-plot", has=page.locator(".slider-container"))
    player.scroll_into_view_if_needed()
    time.sleep(0.5)
    SHOTS_TRUTH.mkdir(parents=True, exist_ok=True)
    player.screenshot(path=SHOTS_TRUTH / f"player_{width}x{height}.png")
    buttons, found = page.evaluate(PLAYER_OVERLAPS)
    assert buttons == 2
    assert not found

"""Shared pytest setup: one hypothesis profile for the whole suite, and the
fixture every AppTest module uses (`pytestmark = usefixtures("app_session")`)."""

import sys

import pytest
from hypothesis import settings

# deadline=None: the first engine call may compile numba kernels (seconds) on a shared
# 2-core machine; derandomize=True: the same examples on every run and every machine.
settings.register_profile("engine", deadline=None, derandomize=True, max_examples=60)
settings.load_profile("engine")

# The longest files first (minutes each: a browser, a fresh clone, a venv). The
# test command's workers take files in collection order, so one of these started
# last would run alone at the end of the run.
LONGEST_FILES = (
    "test_navigation_browser.py",
    "test_browser.py",
    "test_browser_live.py",
    "test_browser_links.py",
    "test_readme.py",
    "test_browser_truth.py",
    "test_package.py",
    "test_landscape_browser.py",
    "test_cold_start.py",
)


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(LONGEST_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable


@pytest.fixture
def app_session():
    """Kernels compiled before a page asks; every job stopped and joined after.
    AppTest leaves router.py as __main__: a process pool spawned later (neuronlab.runs.sweep)
    would run the app's script again in every child, so it is put back."""
    from ui.cache import engine_warm_up, job_registry  # Streamlit: AppTest only

    main = sys.modules["__main__"]
    assert engine_warm_up().wait(120)
    yield
    job_registry().stop_all()
    sys.modules["__main__"] = main


@pytest.fixture
def registry():
    """make(alive=None, gone=None, **limits) -> a JobRegistry; every worker
    thread of every registry made is stopped and joined after the test."""
    from ui.jobs import JobLimits, JobRegistry

    made = []

    def make(alive=None, gone=None, **limits):
        made.append(JobRegistry(JobLimits(**limits), alive=alive, gone=gone))
        return made[-1]

    yield make
    for each in made:
        each.stop_all()


# The browser suite's server and Chromium, defined here once: a module that
# imported them from tests.test_browser got a second session instance, and a
# second Playwright in one thread fails ("Sync API inside the asyncio loop").
@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app's server for the whole session; yields its base URL."""
    from tests.test_browser import serve

    yield from serve(tmp_path_factory.mktemp("server") / "streamlit.log")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def warm_server(server, browser):
    """One full load first, so timings below are those of a warm server."""
    from tests.test_browser import DRAWN, TIMEOUT_MS

    page = browser.new_page()
    page.goto(server)
    page.wait_for_selector(DRAWN, timeout=TIMEOUT_MS)
    page.close()
    return server


@pytest.fixture
def page(browser):
    from tests.test_browser import TIMEOUT_MS

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()

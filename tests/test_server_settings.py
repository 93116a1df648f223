"""What keeps a server's GIL for its pages and runs: the settings and the one
freeze of its imports (ui.cache.freeze_the_imports)."""

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_server_watches_no_files_and_shows_no_tracebacks():
    """A deployed lab never reloads its source: a file watcher only walks every
    loaded module after each script run (ui.cache says what it cost)."""
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["server"]["fileWatcherType"] == "none"
    assert settings["server"]["runOnSave"] is False
    assert settings["client"]["showErrorDetails"] == "none"


FIRST_PAGES = """
import gc, json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=60)
at.query_params["steps"] = "1000"
at.run()
frozen, tracked = gc.get_freeze_count(), len(gc.get_objects())
at.run()
print(json.dumps([not at.exception, frozen, tracked, gc.get_freeze_count()]))
"""


def test_the_first_page_run_freezes_the_imports_once_and_collecting_is_cheap():
    """In a fresh process, as a server starts: after a page has run, its modules
    are out of the collector's sight (a full collection visits only what was
    made since), and a second page run freezes nothing more (a frozen object
    freed leaves the count)."""
    out = subprocess.run(
        [sys.executable, "-c", FIRST_PAGES, str(ROOT / "router.py")],
        capture_output=True, text=True, timeout=300, cwd=ROOT, check=True,
    )  # fmt: skip
    ran, frozen, tracked, after = json.loads(out.stdout.splitlines()[-1])
    assert ran
    assert frozen > 100_000  # Streamlit, Plotly, pandas, numba and the app
    assert tracked < frozen / 4  # what a collection still visits
    assert after <= frozen

"""A link cannot inject content (issue 13.1), through Streamlit's AppTest.

Each payload, as a value and as a key, on every page: the warning that echoes it
holds it only inside a code span (where Streamlit reads no Markdown, KaTeX,
directive or autolink), cut to a sane length; outside code spans none of its
characters appear. The browser suite checks the rendered DOM and the requests.
"""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "router.py")
MARK = "zq"  # in every payload, and in no message of the app's own
PAYLOADS = {
    "markdown link": f"[{MARK}](http://evil.example/{MARK})",
    "image": f"![{MARK}](http://evil.example/{MARK}.png)",
    "bold": f"**{MARK}** __{MARK}__",
    "colour directive": f":red[{MARK}] :material/warning: :smile:",
    "katex href": rf"$\href{{http://evil.example}}{{{MARK}}}$",
    "raw html": f"<img src=http://evil.example/{MARK}.png><b>{MARK}</b>",
    "javascript url": f"[{MARK}](javascript:alert(1)) www.{MARK}.example a@{MARK}.x",
    "backticks": f"`` {MARK} ` {MARK} ``",
    "10 kB": MARK + "x" * 10_240,
}
# A parameter of each page that a payload is a bad value for.
PAGES = {
    "views/explore.py": "n",
    "views/compare.py": "ns",
    "views/phases.py": "sigma",
    "views/toy_cases.py": "preset",
    "views/theory.py": "classroom",
    "views/sweeps.py": "summary",
}
CODE_SPAN = re.compile(r"(`+) (.*?) \1")
# Outside code spans a payload may stand only as a plain word (letters, digits),
# quoted or not: nothing in such a word is read as Markdown.
PLAIN_WORD = re.compile(r"'?(\w+…?)'?[:,.]?")


pytestmark = pytest.mark.usefixtures("app_session")


def warnings(page: str, query: dict) -> list[str]:
    at = AppTest.from_file(APP, default_timeout=30)
    for name, value in query.items():
        at.query_params[name] = value
    at.switch_page(page).run()
    assert not at.exception
    return [w.value for w in at.warning]


def check_literal(messages: list[str], payload: str) -> None:
    (message,) = [m for m in messages if MARK in m]
    outside = CODE_SPAN.sub("", message)
    words = [w for w in outside.split() if MARK in w]
    assert all(PLAIN_WORD.fullmatch(w) for w in words), message
    shown = [m.group(2) for m in CODE_SPAN.finditer(message) if MARK in m.group(2)]
    shown += [PLAIN_WORD.fullmatch(w).group(1) for w in words]
    assert len(shown) == 1, message
    assert payload.startswith(shown[0].removesuffix("…"))  # literally, only cut
    assert len(message) < 400


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_payload_as_a_value_is_shown_literally(page, payload):
    check_literal(warnings(page, {PAGES[page]: payload}), payload)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_payload_as_a_key_is_shown_literally(page, payload):
    check_literal(warnings(page, {payload: "1"}), payload)

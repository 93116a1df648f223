"""The app's pages and its own navigation: one sidebar link per page that
carries that page's own link parameters.

Why not Streamlit's navigation menu: it opens a page with an empty query string
(one history entry), then the page writes its parameters (a second entry). Back
from there landed on the empty entry, which the page filled again (Back "did
nothing"), or, in a race, on a URL holding the other page's parameters. A link
that already holds the page's parameters makes one entry per page seen, and the
page's own: Back and Forward then show each page as the user left it.
"""

import streamlit as st

from ui import fields, links
from ui.form import Page

# (file, title, Material icon, its parameters or None): the router's order.
# Material icons: emoji need a colour font that headless browsers often lack.
PAGES = (
    ("views/explore.py", "Explore", "show_chart", fields.EXPLORE),
    ("views/compare.py", "Compare", "compare_arrows", fields.COMPARE),
    ("views/phases.py", "Phases", "timeline", fields.PHASES),
    ("views/landscape.py", "Landscape", "landscape", fields.LANDSCAPE),
    ("views/toy_cases.py", "Toy cases", "science", fields.TOY_CASES),
    ("views/theory.py", "Theory", "menu_book", None),
    ("views/sweeps.py", "Sweeps", "grid_on", fields.SWEEPS),
    ("views/beyond.py", "Beyond the paper", "explore", fields.BEYOND),
)

FIELDS = {file: page for file, _, _, page in PAGES}  # a view file's parameters


def pages() -> list:
    """The st.Page of each view, Explore the default."""
    return [
        st.Page(file, title=title, icon=f":material/{icon}:", default=i == 0)
        for i, (file, title, icon, _) in enumerate(PAGES)
    ]


def page_query(page: Page | None) -> dict[str, str]:
    """The parameters `page` last wrote in this session, else its defaults' (what
    it would write on arrival), and the classroom flag."""
    if page is None:
        return links.classroom_query()
    written = st.session_state.get(f"{page.key}__written")
    return (written or links.write(page, page.defaults())) | links.classroom_query()


def sidebar() -> None:
    """One link per page at the top of the sidebar (the current one marked)."""
    with st.sidebar, st.container(key="navigation", gap=None):
        for file, title, icon, page in PAGES:
            icon = f":material/{icon}:"
            st.page_link(file, label=title, icon=icon, query_params=page_query(page))

"""Single-Neuron Dynamics Lab: the router (page config and navigation only)."""

import streamlit as st

from ui import links
from ui.cache import engine_warm_up

st.set_page_config(
    page_title="Single-Neuron Dynamics Lab",
    page_icon="🧠",
    layout="wide",
    # Collapsed in classroom mode (Prev / Next sit in the page); "auto" collapses
    # it on phones and opens it on wider screens.
    initial_sidebar_state="collapsed"
    if st.query_params.get("classroom") == "1"
    else "auto",
)
engine_warm_up()  # starts compiling once per server, before any page asks
# Material icons: emoji need a colour font that headless browsers often lack.
page = st.navigation(
    [
        st.Page(
            "views/explore.py",
            title="Explore",
            icon=":material/show_chart:",
            default=True,
        ),
        st.Page("views/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("views/phases.py", title="Phases", icon=":material/timeline:"),
        st.Page("views/landscape.py", title="Landscape", icon=":material/landscape:"),
        st.Page("views/toy_cases.py", title="Toy cases", icon=":material/science:"),
        st.Page("views/theory.py", title="Theory", icon=":material/menu_book:"),
        st.Page("views/sweeps.py", title="Sweeps", icon=":material/grid_on:"),
        st.Page("views/beyond.py", title="Beyond the paper", icon=":material/explore:"),
    ]
)
# ?classroom=1 persists across pages: session state, and back into each URL (page
# switches clear the query string; a page may rewrite it, or stop before the end).
# Each page draws the mode itself (ui.page.begin), so AppTest sees it too.
links.sync_classroom(page.url_path)
links.keep_classroom()
page.run()
links.keep_classroom()

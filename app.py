"""Single-Neuron Dynamics Lab: the router (page config and navigation only)."""

import streamlit as st

from ui.cache import engine_warm_up, freeze_the_imports

# First of all, once per server: its compiling process starts before the app's
# imports (ui.cache imports nothing heavy; measured: half a second earlier).
engine_warm_up()

from ui import links, navigation

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
# The app's own menu (ui.navigation): each link carries its page's parameters,
# so Back and Forward return to each page as it was.
page = st.navigation(navigation.pages(), position="hidden")
# ?classroom=1 persists across pages: session state, and back into each URL (a
# page may rewrite it, or stop before the end).
# Each page draws the mode itself (ui.page.begin), so AppTest sees it too.
links.sync_classroom(page.url_path)
links.keep_classroom()
navigation.sidebar()
page.run()
links.keep_classroom()
freeze_the_imports()  # once per server: its modules are loaded now

"""Single-Neuron Dynamics Lab: the router (page config and navigation only),
the script each session runs. The server is app.py (`streamlit run app.py`)."""

import streamlit as st

from ui import links, navigation
from ui.cache import freeze_the_imports

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

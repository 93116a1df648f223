"""Single-Neuron Dynamics Lab: the router (page config and navigation only)."""

import streamlit as st

from ui.session import engine_warm_up

st.set_page_config(
    page_title="Single-Neuron Dynamics Lab",
    page_icon="🧠",
    layout="wide",
    initial_sidebar_state="expanded",
)
engine_warm_up()  # starts compiling once per server, before any page asks
page = st.navigation(
    [
        st.Page("pages/explore.py", title="Explore", icon="📈", default=True),
        st.Page("pages/sweeps.py", title="Sweeps", icon="🗺️"),
    ]
)
page.run()

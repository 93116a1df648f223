"""The floor under any page of the lab: Streamlit and Plotly in the browser alone.

`streamlit run benchmarks/floor_page.py`, then `?charts=N`: a title and N of
Explore's default charts (the hero, then its others, in turn), built once per
server from the default run, drawn exactly as the app draws them
(st.plotly_chart with the app's chart config); no run, no widget, no job.
benchmarks/bench_cold_start.py times it beside the app's own pages: what the
browser needs for N charts when the server has nothing left to do.
"""

import streamlit as st

from neuronlab import RunConfig, simulate
from ui.figures.hero import hero_figure
from ui.figures.pages import contrast_config, explore_figures
from ui.page import PLOTLY_CONFIG


@st.cache_resource(show_spinner=False)
def default_charts() -> list:
    config = RunConfig()
    run, other = simulate(config), simulate(contrast_config(config)).metrics
    charts = explore_figures(run, other, None, animate=True, follow=False)
    return [hero_figure(run.metrics, config, other), *charts.values()]


st.title("Floor")
try:
    count = int(st.query_params.get("charts", "8"))
except ValueError:
    count = 8
charts = default_charts()
for i in range(max(count, 0)):
    st.plotly_chart(charts[i % len(charts)], key=f"chart_{i}", config=PLOTLY_CONFIG)

"""Explore's run on screen: status and progress, the six charts with captions
(a band over seeds under the loss charts, if given), the data downloads.

While the run is live, a fragment redraws all of it every page.poll_seconds() (touching
the job); when the run ends it triggers one full rerun, which draws the page
statically and stops the timer.
"""

import functools

import streamlit as st

from neuronlab.export import to_csv, to_json
from ui import page, run_state
from ui.figures.captions import captions, groups
from ui.figures.pages import explore_figures, html_page
from ui.figures.style import revision_key, show_student_legend
from ui.figures.top import run_title
from ui.jobs import RUNNING, Job


def trajectory(job: Job):
    """The records so far (a finished run's whole Trajectory); None before any."""
    if job.result is not None:
        return job.result
    return job.partial.trajectory if job.partial is not None else None


def _progress(job: Job) -> None:
    """Progress; a GD or SGD run's time left at its own rate in this job."""
    config, live, done, left = job.task.subject, job.partial, "", None
    if job.phase == RUNNING and live is not None and config.method == "flow":
        done = f"t = {live.state.time:,.4g} of {config.horizon:,.4g}"
    elif job.phase == RUNNING and live is not None:
        rate = f"{live.steps_per_second:,.0f} steps/s"
        done = f"{live.state.step:,} / {config.steps:,} steps · {rate}"
        left = (config.steps - live.state.step) / max(live.steps_per_second, 1e-9)
    page.status(job, "run", done, left)


def _outcome(job: Job, shown) -> None:
    if shown is None or shown.status != "diverged":
        # What the buttons allow now (ui.run_state), never a button greyed out.
        paused = run_state.of_job(job) is run_state.State.PAUSED
        after = (
            "Continue or Step goes on from here." if paused else "Reset runs it again."
        )
        page.outcome(job, "run", after=after)
        return
    config, message = job.task.subject, shown.message
    hint = f" GD is stable for η below about 4/n = {4 / config.n:.3g} (here η = {config.eta:g})."
    st.error(
        f"{message[:1].upper()}{message[1:]}{'' if '4/n' in message else hint} "
        f"The charts show the records up to step {int(shown.steps[-1]):,}.",
        icon="⚠️",
    )


def _charts(shown, contrast, live: bool, band=None) -> None:
    def _chart(name: str, fig) -> None:
        page.chart(fig, f"explore_chart_{name}", words[name])

    # Built once per record (a live redraw reuses them), with the toggle's last value.
    follow = st.session_state.get("explore_geometry_follow", False)
    config, steps = shown.config, shown.steps
    key = (revision_key(config), len(steps), int(steps[-1]), live, follow)
    key += (band is None, contrast is None)
    if st.session_state.get("explore_figures", (None,))[0] != key:
        figures = explore_figures(shown, contrast, band, not live, follow)
        st.session_state["explore_figures"] = (key, figures)
    charts = st.session_state["explore_figures"][1]
    if not show_student_legend(config.n):
        st.caption("Students are coloured by index, dark (w₁) to light (wₙ).")
    words = captions(shown)
    for heading, names in groups(config):  # two a row (one when narrow: layout.css)
        st.subheader(heading)
        for i in range(0, len(names), 2):
            for column, name in zip(st.columns(2), names[i : i + 2], strict=True):
                with column:
                    _chart(name, charts[name])
    left, right = st.columns([3, 2], gap="medium")
    with left:  # Play / Pause in the browser over a finished run's records
        st.toggle("Axes follow the students", key="explore_geometry_follow")
        _chart("geometry", charts["geometry"])
    with right:
        _downloads(shown, charts)


def _downloads(shown, charts) -> None:
    st.markdown("**Data of this run**")
    st.caption(
        "Exactly the records drawn above: the CSV is plain (one row per record), "
        "the run's config, status and version are in the JSON. The charts' camera "
        "saves PNG (3x); in the HTML file, which works offline, it saves SVG."
    )
    title = f"Explore: {run_title(shown.config)}"
    whole = functools.partial(html_page, charts, title, page.PLOTLY_CONFIG)
    json = functools.partial(to_json, shown)
    for label, data, name, mime in (
        ("Metrics (CSV)", functools.partial(to_csv, shown), "metrics.csv", "text/csv"),
        ("Run: config, weights, records (JSON)", json, "run.json", "application/json"),
        ("All figures (HTML, works offline)", whole, "figures.html", "text/html"),
    ):
        key = f"explore_download_{name}"
        st.download_button(label, data, name, mime, key, on_click="ignore")


def _draw(job: Job, contrast, charts: bool, band=None) -> None:
    job.touch()
    if not job.finished:
        _progress(job)
    shown = trajectory(job)
    _outcome(job, shown)
    if shown is not None and charts:
        _charts(shown, contrast, live=not job.finished, band=band)


def draw_run(
    job: Job, contrast=None, redraw_live=True, band=None, finished=None
) -> None:
    """Status and charts of the page's run (captions from the run itself, by
    ui.figures.captions); a live one redraws in a fragment.

    band : median and quantiles over seeds of the loss and L^(-1/3), drawn under
    the run's own lines; or None. Streamlit remounts a Plotly chart whose figure
    changed, so zoom does not survive a live redraw: with redraw_live=False the
    charts stay as drawn (free to zoom) while only the progress keeps updating.
    finished : the page's snapshot of the job (ui.page.follow), if it took one.
    """
    live = functools.partial(_draw, contrast=contrast, charts=redraw_live)
    if page.follow(job, "run", live=live, finished=finished):
        _draw(job, contrast, charts=True, band=band)
    elif not redraw_live and (shown := trajectory(job)) is not None:
        _charts(shown, contrast, live=True)

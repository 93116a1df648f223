"""Explore's run on screen: status and progress, the six charts with captions
(a band over seeds under the loss charts, if given), the data downloads.

While the run is live, a fragment redraws all of it every POLL_SECONDS (touching
the job); when the run ends it triggers one full rerun, which draws the page
statically and stops the timer.
"""

import functools

import streamlit as st

from core.export import to_csv, to_json
from ui import figures, page
from ui.figures.style import show_student_legend
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
        after = (
            "Continue resumes it." if shown is not None else "Run or Reset starts it."
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


def _charts(shown, captions, contrast, live: bool, band=None) -> None:
    def _chart(name: str, fig) -> None:
        page.chart(fig, f"explore_chart_{name}", captions[name])

    frame, config = shown.metrics, shown.config
    if not show_student_legend(config.n):
        st.caption("Students are coloured by index, dark (w₁) to light (wₙ).")
    left, right = st.columns(2, gap="medium")
    with left:
        # t⁻³ is the population-GD law: no guide for diverged or finite-sample runs.
        fit_tail = shown.status != "diverged" and config.method != "sgd"
        _chart("loss", figures.loss_figure(frame, config, contrast, fit_tail, band))
        _chart("angles", figures.angles_figure(frame, config))
        _chart("norms", figures.norms_figure(frame, config))
    with right:
        _chart("inv_cbrt", figures.inverse_cube_root_figure(frame, config, band))
        _chart("balance", figures.balance_figure(frame, config))
        _chart("potential", figures.potential_figure(frame, config))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        _geometry(shown, captions["geometry"], animate=not live)
    with right:
        _downloads(shown)


def _geometry(shown, caption: str, animate: bool) -> None:
    """Chart 6: Play / Pause in the browser over a finished run's records."""
    follow = st.toggle("Axes follow the students", key="explore_geometry_follow")
    fig = figures.geometry_figure(
        shown.coords, shown.steps, shown.config, follow, animate
    )
    page.chart(fig, "explore_chart_geometry", caption)


def _downloads(shown) -> None:
    st.markdown("**Data of this run**")
    st.caption("Exactly the records drawn above.")
    for label, write, name, mime in (
        ("Metrics (CSV)", to_csv, "metrics.csv", "text/csv"),
        (
            "Run: config, weights, records (JSON)",
            to_json,
            "run.json",
            "application/json",
        ),
    ):
        st.download_button(
            label,
            functools.partial(write, shown),
            file_name=name,
            mime=mime,
            on_click="ignore",
            key=f"explore_download_{name}",
        )


def _draw(job: Job, captions, contrast, charts: bool, band=None) -> None:
    job.touch()
    if not job.finished:
        _progress(job)
    shown = trajectory(job)
    _outcome(job, shown)
    if shown is not None and charts:
        _charts(shown, captions, contrast, live=not job.finished, band=band)


def draw_run(job: Job, captions, contrast=None, redraw_live=True, band=None) -> None:
    """Status and charts of the page's run; a live one redraws in a fragment.

    captions : chart name -> its one-line caption (the page's words).  band : median and quantiles over seeds of the loss and L^(-1/3), drawn under
    the run's own lines; or None. Streamlit remounts a Plotly chart whose figure
    changed, so zoom does not survive a live redraw: with redraw_live=False the
    charts stay as drawn (free to zoom) while only the progress keeps updating.
    """
    live = functools.partial(_draw, captions=captions, contrast=contrast)
    if page.follow(job, "run", live=functools.partial(live, charts=redraw_live)):
        _draw(job, captions, contrast, charts=True, band=band)
    elif not redraw_live and (shown := trajectory(job)) is not None:
        _charts(shown, captions, contrast, live=True)

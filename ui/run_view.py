"""Draw one run: status, progress, the six charts with captions, the downloads.

While the run is live, a fragment redraws all of it every LIVE_REDRAW_SECONDS
(touching the job, so its worker knows the page is open); when the run ends it
triggers one full rerun, which draws the page statically and stops the timer.
"""

import functools
import math

import streamlit as st

from core.export import to_csv, to_json
from ui import classroom, figures
from ui.figures.projector import for_projector
from ui.figures.style import revision_key, show_student_legend
from ui.runner import RUNNING, WAITING

# Six SVG charts of ~200 points per line redraw comfortably at this rate.
LIVE_REDRAW_SECONDS = 0.75
PLOTLY_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    "toImageButtonOptions": {"format": "svg"},
}
CAPTIONS = {
    "loss": "n ≥ 2 bends from fast decay onto the dotted C·t⁻³ line (n = 1, dashed, "
    "falls exponentially); below, the local exponent creeps to −3, slowly.",
    "inv_cbrt": "In the slow phase L⁻¹ᐟ³ grows linearly in t (Theorem 6): "
    "a straight line here is the t⁻³ law.",
    "angles": "Each student turns toward the teacher: fast while small (phase 1), "
    "then θᵢ shrinks like 1/t.",
    "balance": "The theorems keep h_max/h_min below 2 for small σ; at large σ it "
    "can exceed 2 and t⁻³ still holds.",
    "norms": "Norms settle inside the shaded band [‖v‖/4n, 4‖v‖/n]: the implicit "
    "regularisation of Theorem 6.",
    "potential": "Z = Σ‖zᵢ − zⱼ‖, the lower bound's potential, decays like 1/t: "
    "1/Z (right) is a straight line.",
    "geometry": "Students as arrows from the origin: x along v̄, y along their main "
    "orthogonal direction u (rescaled per step). Slide through the records.",
}


def _chart(name: str, fig) -> None:
    if classroom.active():
        fig = for_projector(fig)
    st.plotly_chart(fig, key=f"explore_chart_{name}", config=PLOTLY_CONFIG)
    st.caption(CAPTIONS[name])


def _progress(job, registry) -> None:
    config, state = job.config, job.state
    if job.phase == WAITING:
        ahead = registry.queue_position(job) - 1
        st.info(
            f"Waiting for a free slot: {registry.limits.max_live} runs compute at once "
            f"on this server; {ahead} other run(s) ahead of this one."
        )
    elif job.phase == RUNNING and state is not None:
        if config.method == "flow":
            done = f"t = {state.time:,.4g} of {config.horizon:,.4g}"
        else:
            rate = f"{job.steps_per_second:,.0f} steps/s"
            done = f"{state.step:,} / {config.steps:,} steps · {rate}"
        seconds = job.seconds_left()
        left = f"about {seconds:,.0f} s left" if math.isfinite(seconds) else "starting"
        st.progress(min(state.progress, 1.0), text=f"{done} · {left}")


def _outcome(job, trajectory) -> None:
    if job.error:
        st.error(f"The engine stopped with an error: {job.error}")
    elif trajectory.status == "diverged":
        n, eta = job.config.n, job.config.eta
        hint = f" GD is stable for η below about 4/n = {4 / n:.3g} (here η = {eta:g})."
        message = trajectory.message
        st.error(
            f"{message[:1].upper()}{message[1:]}{'' if '4/n' in message else hint} "
            f"The charts show the records up to step {int(trajectory.steps[-1]):,}.",
            icon="⚠️",
        )
    elif trajectory.status == "stopped" and job.finished:
        reason = job.reason or trajectory.message
        st.info(f"{reason[:1].upper()}{reason[1:]}. Continue resumes it.")


def _charts(trajectory, contrast, live: bool, band=None) -> None:
    frame, config = trajectory.metrics, trajectory.config
    if not show_student_legend(config.n):
        st.caption("Students are coloured by index, dark (w₁) to light (wₙ).")
    left, right = st.columns(2, gap="medium")
    with left:
        # t⁻³ is the population-GD law: no guide for diverged or finite-sample runs.
        fit_tail = trajectory.status != "diverged" and config.method != "sgd"
        _chart("loss", figures.loss_figure(frame, config, contrast, fit_tail, band))
        _chart("angles", figures.angles_figure(frame, config))
        _chart("norms", figures.norms_figure(frame, config))
    with right:
        _chart("inv_cbrt", figures.inverse_cube_root_figure(frame, config, band))
        _chart("balance", figures.balance_figure(frame, config))
        _chart("potential", figures.potential_figure(frame, config))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        if live:
            last = len(trajectory.steps) - 1
            _chart(
                "geometry",
                figures.geometry_figure(
                    trajectory.coords, trajectory.steps, last, config
                ),
            )
        else:
            st.fragment(_geometry_with_slider)(trajectory)
    with right:
        _downloads(trajectory)


def _geometry_with_slider(trajectory) -> None:
    """Chart 6 with a time slider; moving it reruns only this fragment."""
    steps, config = trajectory.steps, trajectory.config
    chosen = st.select_slider(
        "Record (step)",
        list(range(len(steps))),
        value=len(steps) - 1,
        format_func=lambda i: f"{int(steps[i]):,}",
        key=f"explore_geometry_{revision_key(config)}_{len(steps)}",
    )
    _chart(
        "geometry", figures.geometry_figure(trajectory.coords, steps, chosen, config)
    )


def _downloads(trajectory) -> None:
    st.markdown("**Data of this run**")
    st.caption("Exactly the records drawn above.")
    st.download_button(
        "Metrics (CSV)",
        functools.partial(to_csv, trajectory),
        file_name="metrics.csv",
        mime="text/csv",
        on_click="ignore",
        key="explore_download_csv",
    )
    st.download_button(
        "Run: config, weights, records (JSON)",
        functools.partial(to_json, trajectory),
        file_name="run.json",
        mime="application/json",
        on_click="ignore",
        key="explore_download_json",
    )


def _status(job, registry, was_live: bool) -> None:
    job.touch()
    if was_live and job.finished:
        st.rerun()  # whole page once more: static charts, buttons, no timer
    _progress(job, registry)


def _draw(job, registry, contrast, was_live: bool, band=None) -> None:
    _status(job, registry, was_live)
    trajectory = job.trajectory()
    if trajectory is None:
        return
    _outcome(job, trajectory)
    _charts(trajectory, contrast, live=not job.finished, band=band)


def draw_run(job, registry, contrast=None, redraw_live: bool = True, band=None) -> None:
    """Status and charts of `job`; a live job redraws in a timed fragment.

    band : median and quantiles over seeds of the loss and L^(-1/3) (a finished
    job's, from ui.seed_band), drawn under the run's own lines; or None.

    Streamlit remounts a Plotly chart whose figure changed, so zoom does not
    survive a live redraw: with redraw_live=False the charts stay as drawn (free
    to zoom) while only the progress keeps updating.
    """
    if job.finished:
        _draw(job, registry, contrast, was_live=False, band=band)
        return
    live = st.fragment(run_every=LIVE_REDRAW_SECONDS)
    if redraw_live:
        live(_draw)(job, registry, contrast, was_live=True)
    else:
        live(_status)(job, registry, was_live=True)
        trajectory = job.trajectory()
        if trajectory is not None:
            _charts(trajectory, contrast, live=True)

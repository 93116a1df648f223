"""Explore's run on screen: status and progress, the six charts with captions,
the data downloads, and K seeds of the run as a median and band.

While the run is live, a fragment redraws all of it every POLL_SECONDS (touching
the job); when the run ends it triggers one full rerun, which draws the page
statically and stops the timer. The extra seeds compute as their own job, drawn
as a band once they and the run have finished.
"""

import functools

import streamlit as st

from core import analysis
from core.export import to_csv, to_json
from ui import figures, page, tasks
from ui.figures.style import revision_key, show_student_legend
from ui.jobs import RUNNING, Job

ENSEMBLE = "explore_ensemble"
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


def trajectory(job: Job):
    """The records so far (a finished run's whole Trajectory); None before any."""
    if job.result is not None:
        return job.result
    live = job.partial
    if live is None:
        return None
    drawn = st.session_state.get("explore_drawn")
    if drawn is None or drawn[0] is not live.state:  # convert each state once
        st.session_state["explore_drawn"] = (live.state, live.state.trajectory())
    return st.session_state["explore_drawn"][1]


def _progress(job: Job) -> None:
    config, live = job.task.subject, job.partial
    if job.phase != RUNNING or live is None:
        page.status(job, "run")
        return
    state = live.state
    if config.method == "flow":
        done = f"t = {state.time:,.4g} of {config.horizon:,.4g}"
    else:
        rate = f"{live.steps_per_second:,.0f} steps/s"
        done = f"{state.step:,} / {config.steps:,} steps · {rate}"
    st.progress(min(state.progress, 1.0), text=f"{done} · {page.remaining(job)}")


def _outcome(job: Job, shown) -> None:
    config = job.task.subject
    if job.error:
        st.error(f"The engine stopped with an error: {job.error}")
    elif job.released:
        st.info("This run was freed from memory when its tab closed: Reset reruns it.")
    elif shown is not None and shown.status == "diverged":
        hint = f" GD is stable for η below about 4/n = {4 / config.n:.3g} (here η = {config.eta:g})."
        message = shown.message
        st.error(
            f"{message[:1].upper()}{message[1:]}{'' if '4/n' in message else hint} "
            f"The charts show the records up to step {int(shown.steps[-1]):,}.",
            icon="⚠️",
        )
    elif job.finished and job.result is None:
        reason = job.reason or "stopped"
        after = (
            " Continue resumes it." if shown is not None else " Run or Reset starts it."
        )
        st.info(f"{reason[:1].upper()}{reason[1:]}.{after}")


def _chart(name: str, fig) -> None:
    page.chart(fig, f"explore_chart_{name}", CAPTIONS[name])


def _charts(shown, contrast, live: bool, band=None) -> None:
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
        if live:
            last = len(shown.steps) - 1
            _chart(
                "geometry",
                figures.geometry_figure(shown.coords, shown.steps, last, config),
            )
        else:
            st.fragment(_geometry_with_slider)(shown)
    with right:
        _downloads(shown)


def _geometry_with_slider(shown) -> None:
    """Chart 6 with a time slider; moving it reruns only this fragment."""
    steps, config = shown.steps, shown.config
    chosen = st.select_slider(
        "Record (step)",
        list(range(len(steps))),
        value=len(steps) - 1,
        format_func=lambda i: f"{int(steps[i]):,}",
        key=f"explore_geometry_{revision_key(config)}_{len(steps)}",
    )
    _chart("geometry", figures.geometry_figure(shown.coords, steps, chosen, config))


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


def _draw(job: Job, contrast, charts: bool, band=None) -> None:
    job.touch()
    if not job.finished:
        _progress(job)
    shown = trajectory(job)
    _outcome(job, shown)
    if shown is not None and charts:
        _charts(shown, contrast, live=not job.finished, band=band)


def draw_run(job: Job, contrast=None, redraw_live: bool = True, band=None) -> None:
    """Status and charts of the page's run; a live one redraws in a fragment.

    band : median and quantiles over seeds of the loss and L^(-1/3), drawn under
    the run's own lines; or None. Streamlit remounts a Plotly chart whose figure
    changed, so zoom does not survive a live redraw: with redraw_live=False the
    charts stay as drawn (free to zoom) while only the progress keeps updating.
    """
    if page.follow(job, "run", live=lambda j: _draw(j, contrast, redraw_live)):
        _draw(job, contrast, charts=True, band=band)
    elif not redraw_live and (shown := trajectory(job)) is not None:
        _charts(shown, contrast, live=True)


def seed_band(live: Job, seeds: int):
    """Notices for K = `seeds` and the band of the live run's config (or None):
    a core.analysis.seed_band frame once the run and its extra seeds are done."""
    if seeds < 2 and ENSEMBLE not in st.session_state:
        return None  # the default page: no ensemble, no estimate
    config = live.task.subject
    plan = tasks.ensemble_plan(config, seeds, page.LIMITS.seed_seconds)
    if plan.seeds < plan.asked:
        _capped(plan)
    if plan.seeds < 2:
        st.session_state.pop(ENSEMBLE, None)
        return None
    wait = 0.8 if plan.seconds() <= 0.5 else 0.0
    job = page.job(ENSEMBLE, tasks.ensemble(plan), wait)
    first, last = config.seed + 1, plan.last_seed
    if not page.follow(job, f"extra seeds {first}–{last}"):
        return None
    if job.error or job.reason:
        st.info(f"Extra seeds {job.error or job.reason}; no band is drawn.")
    shown = trajectory(live)
    if job.result is None or shown is None or not live.finished:
        return None
    low, high = (round(100 * q) for q in analysis.BAND)
    st.caption(
        f"Loss and L⁻¹ᐟ³ charts: shaded, the {low}–{high} % range over seeds "
        f"{config.seed}–{last} of this config, with their median; in black, "
        f"seed {config.seed} (the run below)."
    )
    return analysis.seed_band(shown.metrics, job.result)


def _capped(plan) -> None:
    first, asked_last = plan.config.seed, plan.config.seed + plan.asked - 1
    covered = (
        f"the band covers seeds {first}–{plan.last_seed}"
        if plan.seeds > 1
        else "no band is drawn"
    )
    st.info(
        f"Seeds: {plan.asked - 1} more runs of this length would take about "
        f"{plan.seconds(plan.asked):,.0f} s; this server computes at most "
        f"{page.LIMITS.seed_seconds:g} s of extra seeds per view, so {covered}. For "
        f"more, use `python -m core sweep --seeds {first}-{asked_last} ...` (README)."
    )

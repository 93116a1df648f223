"""Explore: move a control, watch n students learn one teacher (DESIGN §5).

Title -> link warnings -> controls -> one run (background, cached) -> charts.
"""

import secrets

import streamlit as st

from neuronlab import RunConfig
from neuronlab.analysis import studies as analysis
from ui import cache, links, page, resume, run_state, run_view, tasks, widgets
from ui.fields import EXPLORE
from ui.figures.captions import tail_law
from ui.figures.hero import hero_caption, hero_figure, prompt
from ui.figures.pages import contrast_config
from ui.figures.top import PAPER, headline, here
from ui.run_fields import LIMITS
from ui.run_state import Button, Event, State

# Runs estimated below this start on any change; longer ones wait for Run.
AUTO_START_SECONDS = 0.5
# A run this short is awaited in the request, so its final charts draw at once.
AWAIT_SECONDS = 0.8
JOB, CONTRAST, START_NOW = "explore_job", "explore_contrast", "explore_start_now"
ENSEMBLE, STEP_KEY = "explore_ensemble", "explore_step_k"
STEP_SIZES = [10**k for k in range(7)]
STEP_WAIT = 1.0  # s: at most this long a quick second Step waits for the first


def _start(config: RunConfig, resume_from=None, use_cache=True, steps=0) -> None:
    task = tasks.run(config, resume_from, steps)
    fresh = use_cache and resume_from is None and JOB not in st.session_state
    kept = resume.paused(task.key, page.owner()) if fresh else None
    if kept is not None and resume.adopt(task.key, page.owner()) is None:
        # A reload of a paused run: paused as it was left, not the cache's run.
        task, use_cache = tasks.restore(config, kept[1], kept[0]), False
    wait = AWAIT_SECONDS if task.seconds <= AUTO_START_SECONDS else 0.0
    page.job(JOB, task, wait, use_cache=use_cache and resume_from is None)


def _click(event: Event, config: RunConfig | None = None) -> None:
    """A button's action on the job as it is when clicked (not as it was drawn:
    a second quick click arrives before the redraw), as ui.run_state allows."""
    job = st.session_state.get(JOB)
    state = run_state.of_job(job)
    if event is Event.STEP and state is State.LIVE:
        job.wait(STEP_WAIT)  # the previous Step's few steps: then step on from it
        state = run_state.of_job(job)
    if event is Event.STOP and state is State.LIVE:
        job.stop()
        job.wait(0.5)  # the chunk in flight ends: the rerun draws it stopped at once
    elif event is Event.RUN:
        _start(config, use_cache=False)  # Reset: from step 0 again, not the cache
    elif run_state.move(state, event) is State.LIVE:  # Continue, Step: from PAUSED
        resumed = job.partial.state
        steps = st.session_state[STEP_KEY] if event is Event.STEP else 0
        _start(resumed.config, resumed, False, steps)


def _new_seed() -> None:
    widgets.set_values(EXPLORE, {"seed": secrets.randbelow(2**32)})
    st.session_state[START_NOW] = True


def _buttons(state: State, config: RunConfig, estimate: float | None) -> None:
    """Run (when a long run waits for it), Stop, Continue, Step, Reset, New seed:
    enabled as ui.run_state says for the page's one snapshot `state`."""
    can = run_state.enabled(state)
    with st.container(horizontal=True):
        if estimate is not None:
            most = cache.job_registry().limits.max_seconds
            cap = f"; the {most:g} s cap stops it" if estimate > most else ""
            label = f"Run (about {estimate:.3g} s{cap})"
            start = {"on_click": _start, "args": (config,)}
            st.button(label, type="primary", disabled=Button.RUN not in can, **start)
        for button, event in (
            (Button.STOP, Event.STOP),
            (Button.CONTINUE, Event.CONTINUE),
        ):
            disabled = button not in can
            st.button(button, disabled=disabled, on_click=_click, args=(event,))
        st.selectbox(
            "Steps",
            STEP_SIZES,
            format_func=lambda k: f"{k:,} step" + "s" * (k > 1),
            key=STEP_KEY,
            label_visibility="collapsed",
            width=140,
        )
        st.button(
            "Step",
            disabled=Button.STEP not in can,
            on_click=_click,
            args=(Event.STEP,),
            help="Run the chosen number of steps on from where the run stands, then "
            "pause: the numbers are those of one uninterrupted run.",
        )
        reset = {"on_click": _click, "args": (Event.RUN, config)}
        st.button("Reset (same seed)", disabled=Button.RESET not in can, **reset)
        st.button("New seed", on_click=_new_seed)
        st.toggle(
            "Redraw charts live",
            value=True,
            key="explore_redraw_live",
            help="Turn off to zoom into the charts while a long run goes on.",
        )


def _contrast(config: RunConfig):
    """The job of the run with the same σ, η, seed and method and n = 1 (or n = 2
    for a run of n = 1: ui.figures.pages.contrast_config), when it is a fair
    contrast (its own small job); else None."""
    small = contrast_config(config)
    if small is None:
        return None
    return page.job(CONTRAST, tasks.run(small), wait=AWAIT_SECONDS)


def _seed_band(live, seeds: int):
    """Notices for K = `seeds` and the band of the live run's config (or None):
    a neuronlab.analysis.studies.seed_band frame once the run and its extra seeds are done."""
    if seeds < 2 and ENSEMBLE not in st.session_state:
        return None  # the default page: no ensemble, no estimate
    config = live.task.subject
    plan = tasks.ensemble_plan(config, seeds, LIMITS.seed_seconds)
    if plan.seeds < plan.asked:
        _capped(plan)
    if plan.seeds < 2:
        if (previous := st.session_state.pop(ENSEMBLE, None)) is not None:
            previous.stop()
        return None
    wait = 0.8 if plan.seconds() <= 0.5 else 0.0
    job = page.job(ENSEMBLE, tasks.ensemble(plan), wait)
    first, last = config.seed + 1, plan.last_seed
    if not page.follow(job, f"extra seeds {first}–{last}"):
        return None
    if job.error or job.reason:
        st.info(f"Extra seeds {job.error or job.reason}; no band is drawn.")
    shown = run_view.trajectory(live)
    if job.result is not None and not live.finished:
        st.caption("Extra seeds done: the band is drawn when this run has finished.")
    if job.result is None or shown is None or not live.finished:
        return None
    low, high = (round(100 * q) for q in analysis.BAND)
    st.caption(
        f"Loss and L⁻¹ᐟ³ charts: shaded, the {low}–{high} % range over seeds "
        f"{config.seed}–{last} of this config, with their median; the solid "
        f"line, seed {config.seed} (the run below)."
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
        f"{LIMITS.seed_seconds:g} s of extra seeds per view, so {covered}. For "
        f"more, use `python -m neuronlab sweep --seeds {first}-{asked_last} ...` (README)."
    )


page.begin("")
heading = st.title("Explore: one teacher, n students")
intro, hero = st.columns([3, 2], gap="medium")
top = intro.empty()  # the paper's claim until the run says which setting it is
top.markdown(PAPER)
values, arrived = page.controls(EXPLORE, "run")
if arrived:  # a link (or the first visit) starts at once, even after the warm-up
    st.session_state[START_NOW] = True
config = RunConfig(**EXPLORE.config_values(values))
if config.teachers > 1:  # the title names the teachers of the run on screen
    heading.title(f"Explore: {config.teachers} teachers, n students")
page.engine_ready()

job = st.session_state.get(JOB)
task = tasks.run(config)
pending = None
if job is None or job.task.key != task.key:
    start_now = st.session_state.pop(START_NOW, False)
    cached = cache.job_registry().cached(task.key) is not None
    if start_now or cached or task.seconds <= AUTO_START_SECONDS:
        _start(config)
    else:
        pending = task.seconds
    job = st.session_state.get(JOB)
state = run_state.of_job(job)  # one snapshot: the buttons and the poll agree
if job is not None:
    resume.keep(job, state)
_buttons(state, config, pending)
if pending is not None:
    st.info(
        f"This run is estimated at about {pending:.3g} s: press Run to start it."
        + (" The charts below show the previous run." if job is not None else "")
    )
if job is not None:
    band = _seed_band(job, values["seeds"])  # None for one seed
    redraw = st.session_state["explore_redraw_live"]
    contrast = _contrast(job.task.subject)
    other = contrast.result.metrics if contrast and contrast.result else None
    shown = run_view.trajectory(job)
    subject = job.task.subject
    law = tail_law(subject, shown.status if shown is not None else "completed")
    words = headline(subject, law)
    if job.result is not None:  # what the run did, once it has done it
        words += "\n\n" + here(job.result.metrics, subject, law)
    top.markdown(words)
    if not links.classroom_on():  # there the step's own text says what to see
        intro.markdown(f"**Try it:** {prompt(subject, law.setting)}")
    if job.result is not None and other is not None:
        with hero:
            fig = hero_figure(job.result.metrics, subject, other)
            words = hero_caption(job.result.metrics, subject, other)
            page.chart(fig, "explore_hero", words)
    elif job.result is not None and contrast is not None:
        with hero:  # the control may end after the run: then the page draws it
            page.follow(contrast, f"n = {contrast.task.subject.n} control run")
    run_view.draw_run(job, other, redraw, band, finished=state is not State.LIVE)

"""Explore: move a control, watch n students learn one teacher (DESIGN §5).

Title -> link warnings -> controls -> one run (background, cached) -> charts.
"""

import secrets

import streamlit as st

from core import RunConfig
from ui import cache, page, run_view, tasks, widgets
from ui.fields import EXPLORE

# Runs estimated below this start on any change; longer ones wait for Run.
AUTO_START_SECONDS = 0.5
# A run this short is awaited in the request, so its final charts draw at once.
AWAIT_SECONDS = 0.8
# The n = 1 contrast curve stops here: its loss has reached the floor long before.
CONTRAST_STEPS = 100_000
JOB, CONTRAST, START_NOW = "explore_job", "explore_contrast", "explore_start_now"


def _start(config: RunConfig, resume_from=None, use_cache: bool = True) -> None:
    task = tasks.run(config, resume_from)
    wait = AWAIT_SECONDS if task.seconds <= AUTO_START_SECONDS else 0.0
    page.job(JOB, task, wait, use_cache=use_cache and resume_from is None)


def _new_seed() -> None:
    widgets.set_values(EXPLORE, {"seed": secrets.randbelow(2**32)})
    st.session_state[START_NOW] = True


def _buttons(job, config: RunConfig, estimate: float | None) -> None:
    live = job is not None and not job.finished
    state = job.partial.state if job is not None and job.partial else None
    with st.container(horizontal=True):
        if estimate is not None:
            most = cache.job_registry().limits.max_seconds
            cap = f"; the {most:g} s cap stops it" if estimate > most else ""
            label = f"Run (about {estimate:.3g} s{cap})"
            st.button(label, type="primary", on_click=_start, args=(config,))
        st.button("Stop", disabled=not live, on_click=job.stop if live else None)
        st.button(
            "Continue",
            disabled=live or state is None or state.done or job.result is not None,
            on_click=_start,
            args=(state.config if state else config, state),
        )
        st.button("Reset (same seed)", on_click=_start, args=(config, None, False))
        st.button("New seed", on_click=_new_seed)
        st.toggle(
            "Redraw charts live",
            value=True,
            key="explore_redraw_live",
            help="Turn off to zoom into the charts while a long run goes on.",
        )


def _contrast(config: RunConfig):
    """The n = 1 run with the same σ, η, seed and method, when it is a fair
    contrast (its own small job); None until it is in."""
    if config.n < 2 or config.method == "sgd":
        return None
    small = config.replace(n=1, steps=min(config.steps, CONTRAST_STEPS))
    job = page.job(CONTRAST, tasks.run(small), wait=AWAIT_SECONDS)
    return job.result.metrics if job.result is not None else None


page.begin("")
st.title("Explore: one teacher, n students")
st.caption(
    "Gradient descent on a single ReLU teacher: n = 1 converges exponentially, "
    "n ≥ 2 only like t⁻³ (Xu & Du, COLT 2023)."
)
values, arrived = page.controls(EXPLORE, "run")
config = RunConfig(**EXPLORE.config_values(values))
page.engine_ready()

job = st.session_state.get(JOB)
task = tasks.run(config)
pending = None
if job is None or job.task.key != task.key:
    start_now = st.session_state.pop(START_NOW, False) or arrived
    cached = cache.job_registry().cached(task.key) is not None
    if start_now or cached or task.seconds <= AUTO_START_SECONDS:
        _start(config)
    else:
        pending = task.seconds
    job = st.session_state.get(JOB)
_buttons(job, config, pending)
if pending is not None:
    st.info(
        f"This run is estimated at about {pending:.3g} s: press Run to start it."
        + (" The charts below show the previous run." if job is not None else "")
    )
if job is not None:
    band = run_view.seed_band(job, values["seeds"])  # None for one seed
    redraw = st.session_state["explore_redraw_live"]
    run_view.draw_run(job, _contrast(job.task.subject), redraw, band)

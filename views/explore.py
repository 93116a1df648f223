"""Explore: move a control, watch n students learn one teacher (DESIGN §5).

Title -> link warnings -> controls -> one run (background, cached) -> charts.
"""

import dataclasses
import secrets
from urllib.parse import urlencode

import streamlit as st

import core
from ui import classroom, controls, seed_band
from ui.params import parse_query, to_query
from ui.run_view import draw_run
from ui.session import engine_warm_up, run_registry

# Runs estimated below this start on any change; longer ones wait for Run.
AUTO_START_SECONDS = 0.5
# A run this short is awaited in the request, so its final charts draw at once.
AWAIT_SECONDS = 0.8
# The n = 1 contrast curve stops here: its loss has reached the floor long before.
CONTRAST_STEPS = 100_000
JOB, START_NOW, LINK_WARNINGS = "explore_job", "explore_start_now", "explore_warnings"
REDRAW_LIVE = "explore_redraw_live"
KEPT_NAMES = ("classroom",)
WRITTEN = "explore_written"  # the query this page last wrote


def _first_visit() -> None:
    """Read the URL once per session: the default run or a shared link starts at once."""
    parsed = parse_query(st.query_params.to_dict())
    controls.set_values(parsed.config.to_dict())
    controls.set_seeds(parsed.seeds)
    st.session_state[LINK_WARNINGS] = parsed.warnings
    st.session_state[START_NOW] = True


def _link_arrived() -> bool:
    """A link naming run parameters that this page did not write itself (a guided
    step of classroom mode, a pasted URL): read it again, as on a first visit."""
    query = st.query_params.to_dict()
    return parse_query(query).from_link and query != st.session_state.get(WRITTEN)


def _start(config, resume_from=None, use_cache=True) -> None:
    previous = st.session_state.get(JOB)
    if previous is not None:
        previous.stop()  # one live run per session
    st.session_state[JOB] = run_registry().submit(
        config, resume_from, use_cache=use_cache
    )


def _new_seed() -> None:
    controls.set_values({"seed": secrets.randbelow(2**32)})
    st.session_state[START_NOW] = True


def _buttons(job, config, estimate: float | None) -> None:
    with st.container(horizontal=True):
        if estimate is not None:
            st.button(
                f"Run (about {estimate:.3g} s)",
                type="primary",
                on_click=_start,
                args=(config,),
            )
        live = job is not None and not job.finished
        stoppable = job is not None and job.state is not None and not job.state.done
        st.button("Stop", disabled=not live, on_click=job.stop if live else None)
        st.button(
            "Continue",
            disabled=live or not stoppable,
            on_click=_start,
            args=(job.config if job else config,),
            kwargs={"resume_from": job.state if job else None},
        )
        st.button(
            "Reset (same seed)",
            on_click=_start,
            args=(config,),
            kwargs={"use_cache": False},
        )
        st.button("New seed", on_click=_new_seed)
        st.toggle(
            "Redraw charts live",
            value=True,
            key=REDRAW_LIVE,
            help="Turn off to zoom into the charts while a long run goes on.",
        )


def _contrast(config):
    """The n = 1 run with the same σ, η, seed and method, when it is a fair contrast."""
    if config.n < 2 or config.method == "sgd":
        return None
    small = dataclasses.replace(config, n=1, steps=min(config.steps, CONTRAST_STEPS))
    return run_registry().run_now(small).metrics


def _rerun_when_set(event) -> None:
    if event.is_set():
        st.rerun()


def _share_link(config) -> None:
    # Cross-page flags (classroom=1) are part of what the author saw: keep them.
    kept = {k: v for k, v in st.query_params.to_dict().items() if k in KEPT_NAMES}
    query = {**to_query(config, controls.seeds()), **kept}
    st.session_state[WRITTEN] = query
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    with st.sidebar:
        st.markdown("**Link to this run** (every parameter, copy it)")
        st.code(
            f"{st.context.url or ''}?{urlencode(query)}", language=None, wrap_lines=True
        )


if controls.STORE not in st.session_state or _link_arrived():
    _first_visit()
st.title("Explore: one teacher, n students")
st.caption(
    "Gradient descent on a single ReLU teacher: n = 1 converges exponentially, "
    "n ≥ 2 only like t⁻³ (Xu & Du, COLT 2023)."
)
classroom.show()  # classroom=1: guided steps, projector fonts
for warning in st.session_state.get(LINK_WARNINGS, ()):
    st.warning(warning, icon="⚠️")
config = controls.sidebar_controls()
_share_link(config)

warm = engine_warm_up()
if not warm.is_set():
    st.info("Warming up the engine: compiling its kernels once for this server…")
    st.fragment(run_every=0.5)(_rerun_when_set)(warm)
    st.stop()

job = st.session_state.get(JOB)
pending = None
if job is None or job.config != config:
    estimate = core.estimate_seconds(config)
    start_now = st.session_state.pop(START_NOW, False)
    if start_now or estimate <= AUTO_START_SECONDS or run_registry().cached(config):
        _start(config)
        job = st.session_state[JOB]
        job.wait(AWAIT_SECONDS if estimate <= AUTO_START_SECONDS else 0.0)
    else:
        pending = estimate
_buttons(job, config, pending)
if pending is not None:
    st.info(
        f"This run is estimated at about {pending:.3g} s: press Run to start it."
        + (" The charts below show the previous run." if job is not None else "")
    )
if job is not None:
    band = seed_band.draw(job, controls.seeds())  # None for one seed
    draw_run(
        job,
        run_registry(),
        _contrast(job.config),
        st.session_state[REDRAW_LIVE],
        band,
    )

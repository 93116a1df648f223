"""What every page shares (title -> controls -> one job -> charts): classroom
mode, the controls and the share link in one call, the engine's warm-up, a job
followed to its end and the reason it ended, charts and tables.

A page never ends blank: a job that waits says so, one that runs shows progress
(its page script returns at once; a timed fragment polls), and one that ended
early says why, with a way to run it again.
"""

import math
import time
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from neuronlab.runs.compiling import compiling
from ui import cache, classroom, links, resume, widgets
from ui.figures.projector import for_projector
from ui.form import Page
from ui.jobs import WAITING, Job, Task
from ui.run_fields import LIMITS

PNG_3X = {"format": "png", "scale": 3}  # SVG from an "All figures" HTML (html_page)
PLOTLY_CONFIG = {"displaylogo": False, "toImageButtonOptions": PNG_3X}
PLOTLY_CONFIG["modeBarButtonsToRemove"] = ["select2d", "lasso2d"]
POLL_SECONDS = 0.75
KERNELS_ONCE = "the engine's kernels for this server (once, a few seconds)"
# A live page redraws every POLL_SECONDS, or slower when many jobs are live: every
# redraw builds its figures under the one GIL that all pages share, so ten live
# pages at 0.75 s would starve the runs and a new visitor's first draw. The
# slowest stays well inside the registry's poll timeout (10 s).
POLL_PER_LIVE_JOB, SLOWEST_POLL = 0.25, 3.0
# Every page's layout (one column when narrow, ...), and classroom mode's on top.
HERE = Path(__file__).parent
LAYOUT_CSS, PROJECTOR_CSS = HERE / "layout.css", HERE / "classroom.css"


def owner() -> tuple[str, str]:
    """(session, page) of this script run: who a job belongs to."""
    return get_script_run_ctx().session_id, st.session_state.get("page__path", "")


def begin(path: str) -> None:
    """Top of every page: the layout, the classroom flag (synced by the router too:
    idempotent), the page shown, classroom mode (ui.classroom) drawn."""
    links.sync_classroom(path)
    st.session_state["page__before"] = st.session_state.get("page__path")
    st.session_state["page__path"] = path
    cache.visits()[owner()[0]] = path
    st.html(LAYOUT_CSS)
    if warning := links.classroom_warning():
        st.warning(warning, icon="⚠️")
    if not links.classroom_on():
        return
    st.html(PROJECTOR_CSS)
    classroom.draw(path)


def controls(page: Page, what: str = "view") -> tuple[dict, bool]:
    """Link warnings, the sidebar, the share link; (values, whether a link has
    just set them)."""
    link = links.arrive(page, classroom.query(st.session_state["page__path"]))
    if link is not None:  # links.read settled them
        widgets.set_values(page, link.values)
    values = widgets.controls(page, links.classroom_on(), settled=link is not None)
    # A link to the page on screen (a classroom step) leaves the address bar as
    # it was: write it. Not on arrival from another page: the browser may not be
    # at this page's address yet, and would put this query on the other's.
    stay = st.session_state["page__before"] == st.session_state["page__path"]
    widgets.share_link(links.publish(page, values, link is not None and stay), what)
    return values, link is not None


def engine_ready() -> None:
    """Start the engine's warm-up once per server (ui.cache.WarmUp); a page never
    waits for it: a job that waits for it or compiles a kernel says so in its
    status."""
    cache.engine_warm_up()


def within_limits(seconds: float, what: str, instead: str) -> None:
    """Stop the page with a notice if `what` needs more estimated compute than
    this server runs per view (the CLI has no such limit)."""
    most = LIMITS.view_seconds
    if seconds > most:
        st.info(
            f"{what} would take about {seconds:,.0f} s of compute; this server runs "
            f"at most {most:g} s per view. {instead}"
        )
        st.stop()


def job(name: str, task: Task, wait: float = 0.0, use_cache: bool = True) -> Job:
    """This page's job `name` for `task`: the one it has if it computes the same,
    else a new one (the previous is stopped: one per page and purpose)."""
    previous = st.session_state.get(name)
    if previous is not None and previous.task.key == task.key and use_cache:
        return previous
    if previous is None and use_cache and (left := resume.adopt(task.key, owner())):
        st.session_state[name] = left  # this page's work, left by a reloaded tab
        return left
    if previous is not None:
        previous.stop()
    st.session_state[name] = cache.job_registry().submit(task, owner(), use_cache)
    if cache.engine_warm_up().loaded():  # else it cannot end soon: say so at once
        st.session_state[name].wait(wait)
    return st.session_state[name]


def remaining(job: Job, left: float | None = None) -> str:
    """ "about 12 s left" (`left` seconds, else at the job's own rate so far), or
    when the time cap comes first, when it stops."""
    done = job.progress
    if job.phase != WAITING and compiling():
        return f"compiling {KERNELS_ONCE}"
    if job.phase != WAITING and not cache.engine_warm_up().loaded():
        # The warm-up's child compiles them (a fresh server) or this process
        # loads them from numba's disk cache (a restart): it cannot tell which.
        return f"compiling or loading {KERNELS_ONCE}"
    if job.phase == WAITING or done <= 0:
        return "starting"
    now = time.monotonic()
    left = (now - job.started) * (1 - done) / done if left is None else left
    to_cap = max(job.cap_at - now, 0)
    if to_cap < left:
        limit = cache.job_registry().limits.max_seconds
        return f"the {limit:g} s cap stops it in about {to_cap:,.0f} s"
    if not math.isfinite(left):
        return "starting"
    return f"about {left:,.0f} s left" if left >= 1 else "under a second left"


def status(job: Job, what: str, done: str = "", left: float | None = None) -> None:
    """Waiting (with the queue ahead), or progress: `done` (what is done, else
    "Computing the ...") and the time left (`left` s, else from the progress)."""
    registry = cache.job_registry()
    limits = registry.limits
    if job.phase == WAITING:
        st.info(
            f"Waiting for a free slot: this server computes at most "
            f"{limits.max_live} jobs, holding {limits.live_bytes / 2**20:,.0f} MB, at "
            f"once; {registry.queue_position(job) - 1} other job(s) ahead of this "
            f"{what}."
        )
    else:
        done = done or f"Computing the {what}"
        st.progress(job.progress, text=f"{done} · {remaining(job, left)}")


def follow(job: Job, what: str, live=None, finished: bool | None = None) -> bool:
    """True once `job` has finished; before, a timed fragment keeps it alive and
    draws live(job) (by default its status and a Stop button), and reruns the
    page when it ends. `finished`: the caller's own snapshot of the job, so what
    it drew (its buttons) and the poll agree even if the job ends in between."""
    job.touch()
    if job.finished if finished is None else finished:
        return True
    st.fragment(run_every=poll_seconds())(_poll)(job, what, live)
    return False


def poll_seconds() -> float:
    """How often a live page redraws now (POLL_PER_LIVE_JOB)."""
    live = cache.job_registry().live_count()
    return min(max(POLL_SECONDS, POLL_PER_LIVE_JOB * live), SLOWEST_POLL)


def _poll(job: Job, what: str, live) -> None:
    job.touch()
    if job.finished:
        st.rerun()  # the whole page once more: charts, no timer
    if live is not None:
        live(job)
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        status(job, what)
        st.button("Stop", on_click=job.stop, key=f"stop_{id(job)}")


def outcome(job: Job, what: str, name: str = "", after: str = "") -> None:
    """Why a finished job has no whole result (if so), and a way on: a Run again
    button that drops the page's job `name`, or the words `after`."""
    if job.error:
        text = f"The {what} stopped with an error: {job.error}"
    elif job.released:
        text = f"This {what} was freed from memory when its tab closed."
    elif job.reason or (job.finished and job.result is None):
        text = f"The {what} {job.reason or 'stopped'}."
    else:
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        (st.error if job.error else st.info)(f"{text} {after}".strip())
        if name:
            st.button("Run again", on_click=st.session_state.pop, args=(name, None))


def run(name: str, task: Task, what: str, wait: float = 0.25):
    """The page's one job, followed: its result once finished whole, else None
    (the page shows its progress or why it ended; its script returns at once)."""
    current = job(name, task, wait)
    if not follow(current, what):
        return None
    outcome(current, what, name)
    return current.result


def chart(fig, key: str, caption: str) -> None:
    """One chart (projector-sized in classroom mode) and its one-line caption."""
    if links.classroom_on():
        fig = for_projector(fig)
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG)
    st.caption(caption)


def table(frame: pd.DataFrame, digits: int) -> None:
    """A small table with float columns shown to `digits` significant digits
    (— where nothing was measured: NaN)."""
    shown = frame.copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            text = [f"{x:.{digits}g}" for x in shown[column]]
            shown[column] = [t if t != "nan" else "—" for t in text]
    st.dataframe(shown, hide_index=True)

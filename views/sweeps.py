"""Sweeps: one summary per run, across two parameters (DESIGN §5, issue 5).

Title -> link warnings -> sidebar -> one background sweep (cached) -> heatmap
filling in as runs finish, its caption, the table as CSV.
"""

import math
from urllib.parse import urlencode

import streamlit as st

from ui.figures.sweep import sweep_heatmap
from ui.runner import WAITING
from ui.session import engine_warm_up, sweep_registry
from ui.story_page import begin
from ui.sweep_choices import AXES, SUMMARIES
from ui.sweep_controls import STORE, set_plan, sidebar_controls
from ui.sweep_params import parse_sweep_query, sweep_query
from ui.sweep_plan import SweepLimits, cli_command, estimate_seconds, too_large
from ui.sweep_runner import runs_per_second

LIMITS = SweepLimits()
# A sweep estimated this short is awaited in the request: the first draw is whole.
AWAIT_BELOW_SECONDS = 1.0
LIVE_REDRAW_SECONDS = 0.5
JOB, LINK_WARNINGS = "sweeps_job", "sweeps_link_warnings"
PLOTLY_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "svg"}}


def _first_visit() -> None:
    parsed = parse_sweep_query(st.query_params.to_dict())
    set_plan(parsed.plan)
    st.session_state[LINK_WARNINGS] = parsed.warnings


def _share_link(plan) -> None:
    query = sweep_query(plan)
    # The app-wide mode (classroom=1) is not this page's to drop.
    current = st.query_params.to_dict()
    written = query | {k: v for k, v in current.items() if k == "classroom"}
    if current != written:
        st.query_params.from_dict(written)
    with st.sidebar:
        st.markdown("**Link to this sweep** (every choice, copy it)")
        st.code(
            f"{st.context.url or ''}?{urlencode(query)}", language=None, wrap_lines=True
        )


def _fixed_line(plan) -> str:
    base = plan.base
    fixed = [
        f"{AXES[f].symbol} = {getattr(base, f):g}"
        for f in AXES
        if f not in (plan.x, plan.y)
    ]
    last = base.seed + plan.seeds - 1
    seeds = f"seed {base.seed}" if last == base.seed else f"seeds {base.seed}–{last}"
    return (
        f"GD, {', '.join(fixed)}, ‖v‖ = {base.teacher_norm:g}, "
        f"T = {plan.steps:,} steps, {seeds}: {plan.runs} runs."
    )


def _too_large(plan, reasons: list[str]) -> None:
    st.info(
        "This sweep is larger than this hosted app runs: "
        + "; ".join(reasons)
        + ". Make it smaller in the sidebar, or run it headless on every local core "
        "(drop `--scheduler`) or on a Dask cluster (`dask scheduler`, then "
        "`dask worker ADDRESS` on each machine) and open the CSV:",
        icon=":material/dns:",
    )
    st.code(cli_command(plan), language=None, wrap_lines=True)


def _progress(job, registry, warm) -> None:
    if job.phase == WAITING:
        st.info(
            "Waiting: this server computes one sweep at a time; "
            f"{registry.queue_position(job) - 1} other sweep(s) ahead of this one."
        )
        return
    done, total = job.done, len(job.rows)
    if not warm.is_set() and done == 0:
        text = "Warming up the engine: compiling its kernels once for this server…"
    else:
        rate, left = runs_per_second(job), job.seconds_left()
        text = f"{done} / {total} runs"
        if math.isfinite(rate):
            text += f" · {rate:.3g} runs/s"
        if math.isfinite(left):
            text += f" · about {left:,.0f} s left"
    st.progress(job.progress, text=text)


def _submit(plan) -> None:
    st.session_state[JOB] = sweep_registry().submit(plan)


def _outcome(job, plan) -> None:
    if job.error:
        st.error(f"The sweep stopped with an error: {job.error}")
    elif job.finished and job.reason:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.info(
                f"{job.reason[:1].upper()}{job.reason[1:]}: the cells show the "
                f"{job.done} of {len(job.rows)} runs that finished."
            )
            st.button("Run again", on_click=_submit, args=(plan,), type="primary")


def _chart(job, plan) -> None:
    st.plotly_chart(
        sweep_heatmap(job.table(), plan), key="sweeps_heatmap", config=PLOTLY_CONFIG
    )
    st.caption(SUMMARIES[plan.summary].caption)


def _downloads(job) -> None:
    table = job.table()
    with st.container(horizontal=True, vertical_alignment="center"):
        st.download_button(
            "Table (CSV)",
            table.to_csv(index=False),
            file_name="sweep.csv",
            mime="text/csv",
            on_click="ignore",
            key="sweeps_download_csv",
        )
        counts = table.status.value_counts().to_dict()
        st.caption(", ".join(f"{k}: {v}" for k, v in counts.items()))
    with st.expander("The table: one row per run, every summary"):
        st.dataframe(table, hide_index=True)
    with st.expander("Run this sweep headless (CLI, local cores or Dask)"):
        st.code(cli_command(job.config), language=None, wrap_lines=True)


def _draw(job, plan, warm, was_live: bool) -> None:
    job.touch()
    if was_live and job.finished:
        st.rerun()  # the whole page once more: downloads, no timer
    if not job.finished:
        with st.container(horizontal=True, vertical_alignment="center"):
            _progress(job, sweep_registry(), warm)
            st.button("Stop", on_click=job.stop, key="sweeps_stop")
    _outcome(job, plan)
    _chart(job, plan)


begin("sweeps")  # through the router on a deep link; classroom=1 drawn
if STORE not in st.session_state:
    _first_visit()
st.title("Sweeps across n, σ, η and d")
st.caption(
    "Each cell is a GD run (or the median over seeds); cells fill in as runs "
    "finish. Hover a cell for its numbers."
)
for warning in st.session_state.get(LINK_WARNINGS, ()):
    st.warning(warning, icon="⚠️")
parsed = parse_sweep_query(sidebar_controls(LIMITS.max_steps))
for warning in parsed.warnings:
    st.warning(warning, icon="⚠️")
plan = parsed.plan
_share_link(plan)
reasons = too_large(plan, LIMITS)
if reasons:
    _too_large(plan, reasons)
    st.stop()
st.caption(_fixed_line(plan))

warm = engine_warm_up()
job = st.session_state.get(JOB)
# The summary only changes the colours: the same runs keep their job.
if job is None or job.config.to_dict() != plan.to_dict():
    if job is not None:
        job.stop()  # one live sweep per session
    _submit(plan)
    job = st.session_state[JOB]
    if estimate_seconds(plan) < AWAIT_BELOW_SECONDS:
        job.wait(2 * AWAIT_BELOW_SECONDS)
if job.finished:
    _draw(job, plan, warm, was_live=False)
    _downloads(job)
else:
    st.fragment(run_every=LIVE_REDRAW_SECONDS)(_draw)(job, plan, warm, True)

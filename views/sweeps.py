"""Sweeps: one summary per run, across two parameters (DESIGN §5, issue 5).

Title -> link warnings -> sidebar -> one background sweep (cached) -> heatmap
filling in as runs finish, its caption, the table as CSV.
"""

import pandas as pd
import streamlit as st

from ui import page, tasks
from ui.fields import LIMITS, SWEEPS
from ui.figures.sweep import sweep_heatmap
from ui.sweep_plan import AXES, SUMMARIES, cli_command, plan_of, too_large

JOB = "sweeps_job"
PLOTLY_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "svg"}}


def _table(job) -> pd.DataFrame:
    """The finished rows, in input order (every row once the sweep has finished)."""
    rows = job.result if job.result is not None else job.partial or []
    return pd.DataFrame([r for r in rows if r is not None], columns=tasks.SWEEP_COLUMNS)


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


def _chart(job, plan) -> None:
    table = _table(job)
    if not job.finished:
        st.caption(f"{len(table)} of {plan.runs} runs done.")
    st.plotly_chart(
        sweep_heatmap(table, plan), key="sweeps_heatmap", config=PLOTLY_CONFIG
    )
    st.caption(SUMMARIES[plan.summary].caption)


def _live(job, plan) -> None:
    with st.container(horizontal=True, vertical_alignment="center"):
        page.status(job, "sweep")
        st.button("Stop", on_click=job.stop, key="sweeps_stop")
    _chart(job, plan)


def _downloads(job, plan) -> None:
    table = _table(job)
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
        st.code(cli_command(plan), language=None, wrap_lines=True)


page.begin("sweeps")
st.title("Sweeps across n, σ, η and d")
st.caption(
    "Each cell is a GD run (or the median over seeds); cells fill in as runs "
    "finish. Hover a cell for its numbers."
)
values, _ = page.controls(SWEEPS, "sweep")
plan = plan_of(values)
reasons = too_large(plan, LIMITS)
if reasons:
    _too_large(plan, reasons)
    st.stop()
st.caption(_fixed_line(plan))
page.engine_ready()
task = tasks.sweep(plan.key, plan.configs())
# A sweep estimated this short is awaited in the request: the first draw is whole.
job = page.job(JOB, task, wait=2.0 if task.seconds < 1.0 else 0.0)
if page.follow(job, "sweep", live=lambda live: _live(live, plan)):
    page.outcome(JOB, job, "sweep")
    _chart(job, plan)
    _downloads(job, plan)

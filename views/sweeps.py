"""Sweeps: one summary per run, across two parameters (DESIGN §5, issue 5).

Title -> link warnings -> sidebar -> one background sweep (cached) -> heatmap
filling in as runs finish, its caption, the table as CSV.
"""

import pandas as pd
import streamlit as st

from neuronlab.runs.sweep import CONFIG_COLUMNS
from ui import page, tasks
from ui.fields import SWEEPS
from ui.figures.sweep import sweep_heatmap, value_label
from ui.run_fields import LIMITS
from ui.sweep_plan import AXES, cli_command, plan_of, too_large

JOB = "sweeps_job"
CAPTIONS = {
    "final_loss": "n = 1 falls to the float floor (~1e-31) while every n ≥ 2 is still "
    "on its slow C·(ηT)⁻³ tail: over-parameterisation is exponentially slower.",
    "tail_exponent": "Slope of log L against log t over the last decade: n ≥ 2 sits "
    "near −3 (white); n = 1 reads ≈ 0 only because its loss hit the floor.",
    "tail_C": "The slow phase's constant, median of L·(ηt)³ over the last decade "
    "(the paper's bound is of order n⁴‖v‖²); n = 1 has no such tail.",
    "t_below_1e-6": "Time to reach L < 1e-6 (t = η·step); a grey cell never got "
    "there within T steps.",
    "t_below_1e-9": "Time to reach L < 1e-9: the gap between n = 1 and n ≥ 2 grows "
    "as the target shrinks; a grey cell never got there within T steps.",
    "steps_below_1e-9": "Iterations to reach L < 1e-9, the cost an optimiser pays in "
    "steps; a grey cell never got there within T steps.",
    "seconds_below_1e-9": "Wall seconds to L < 1e-9 on this server (the run's own "
    "time, pro rata): a Gauss–Newton step costs more than a GD step.",
    "above_1e-3_final": "Share of a cell's seeds whose final loss is at least 1e-3, "
    "Safran & Shamir's test for a start that ended in a spurious minimum.",
    "balance_final": "The theorems keep h_max/h_min below 2 for small σ (blue); red "
    "cells show where balance fails, typically at large σ.",
    "norm_min_final": "Smallest student norm at the end; Theorem 6 keeps every norm "
    "above ‖v‖/4n.",
    "norm_max_final": "Largest student norm at the end; Theorem 6 keeps every norm "
    "below 4‖v‖/n.",
}
PLOTLY_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "svg"}}


def _table(job) -> pd.DataFrame:
    """The finished rows, in input order (every row once the sweep has finished)."""
    rows = job.result if job.result is not None else job.partial or []
    return pd.DataFrame([r for r in rows if r is not None], columns=tasks.SWEEP_COLUMNS)


def _fixed_line(plan) -> str:
    base = plan.base
    fixed = [
        f"{AXES[f].symbol} = {value_label(getattr(base, f))}"
        for f in AXES
        if f not in (plan.x, plan.y) and (f != "alpha" or base.uses("alpha"))
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
    st.caption(CAPTIONS[plan.summary])


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
        # Summaries span decades (a loss of 1e-31 next to 0.2): scientific notation.
        numbers = table.select_dtypes("number").columns.difference(CONFIG_COLUMNS)
        scientific = st.column_config.NumberColumn(format="%.3e")
        shown = dict.fromkeys(numbers, scientific)
        st.dataframe(table, hide_index=True, column_config=shown)
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
    page.outcome(job, "sweep", JOB)
    _chart(job, plan)
    _downloads(job, plan)

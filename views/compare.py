"""Compare: one student against many, the paper's Figure 1 (paper notes §8);
or, along any other field (optimizer, alpha, init, ...), one curve per value.

Title -> takeaway -> controls (all in the URL) -> one job (every seed run, in the
background) -> two charts and a table of the measured crossing and exponents.
"""

import streamlit as st

from neuronlab.analysis import beyond, experiments
from neuronlab.analysis.studies import BAND, LEFT_STEPS
from neuronlab.config import ConfigError
from ui import page, tasks
from ui.fields import COMPARE
from ui.figures.beyond import arm_configs, curves, exponent_curves
from ui.figures.compare import EXPONENT_FROM
from ui.figures.pages import figure1_figures
from ui.tables import summary_table


def along(values: dict) -> None:
    """One curve per value of the field `along`, the same seeds: the loss with a
    t⁻³ guide, its local exponent, and the rates table (neuronlab.analysis.beyond.rates)."""
    field = values["along"]
    base = {k: values[k] for k in ("n", "d", "sigma", "eta", "steps") if k != field}
    seeds = values["seeds"]
    try:
        plan = experiments.along(field, values["values"], **base)
        task = tasks.experiment(plan, seeds, {})
    except ConfigError as error:
        st.error(f"These values make a run the engine refuses: {error}")
        st.stop()
    page.within_limits(
        task.seconds,
        f"These {seeds} seeds of {len(values['values'])} values of {field}",
        "Choose fewer seeds or values, or a shorter T.",
    )
    runs = page.run("compare_job", task, "comparison")
    if runs is None:
        st.stop()
    revision = f"compare|{sorted(values.items())}"
    loss, local = beyond.bands(runs, "loss"), beyond.bands(runs, "local_exponent")
    configs = arm_configs(runs)  # colours by what the values mean (palette)
    one, two = st.columns(2, gap="medium")
    with one:
        fig = curves(loss, "loss", "Loss L(t)", "loss L", revision,
                     guides=plan.guides, configs=configs)  # fmt: skip
        words = (
            f"One curve per {field}: medians over seeds 0–{seeds - 1}, 10–90 % bands."
        )
        page.chart(fig, "compare_loss", words)
    with two:
        law = ((-3.0, "−3, the theorems' exponent"),)
        fig = exponent_curves(local, loss, revision, law, configs)
        page.chart(
            fig,
            "compare_exponent",
            "−3 is the paper's law for ReLU and GD. Each curve is drawn over the "
            "longest stretch where its median loss falls steadily: a marker cuts it "
            "where the loss reaches the rounding floor (○) or rises (✕, an "
            "optimiser's oscillation); the loss chart shows all of it.",
        )
    st.markdown(f"**Measured** (medians over {seeds} seeds)")
    page.table(beyond.measure(plan, runs), digits=3)


page.begin("compare")
heading = st.empty()
values, _ = page.controls(COMPARE)
if values["along"] != "n":
    heading.title(f"Compare along {values['along']}")
    page.engine_ready()
    along(values)
    st.stop()
with heading.container():
    st.title("Compare: one student against many")
    st.markdown(
        "#### One student learns the teacher exponentially fast and overtakes every "
        "over-parameterised student within a few hundred iterations; with n ≥ 2 the "
        "loss falls only like T⁻³."
    )
page.engine_ready()
scalars = {k: values[k] for k in ("d", "sigma", "eta", "steps")}
task = tasks.compare(values["ns"], values["seeds"], **scalars)
page.within_limits(
    task.seconds,
    f"These {values['seeds']} seeds of n = 1, {', '.join(map(str, values['ns']))}",
    "Choose fewer seeds or n, or a shorter T, or run them headless: "
    "`python -m neuronlab sweep` (README).",
)
result = page.run("compare_job", task, "comparison")
if result is None:
    st.stop()
left, whole, slopes = result
low, high = (round(100 * q) for q in BAND)
st.caption(
    f"σ = {values['sigma']:g}, η = {values['eta']:g}, ‖v‖ = 1, d = {values['d']}, "
    f"seeds 0–{values['seeds'] - 1}: lines are medians over seeds, bands the "
    f"{low}–{high} % range (paper notes §8)."
)
charts = figure1_figures(left, whole, values)
one, two = st.columns(2, gap="medium")
with one:
    page.chart(
        charts["loss"],
        "compare_loss",
        f"n = 1 (black) is a straight line on the log axis: exponential; it crosses "
        f"below every n ≥ 2 within the first {LEFT_STEPS} iterations.",
    )
with two:
    page.chart(
        charts["exponent"],
        "compare_exponent",
        f"ln L / ln(ηT) from {EXPONENT_FROM} iterations on: each n ≥ 2 creeps toward −3, "
        "logarithmically slowly (n = 1 has left the chart).",
    )
st.markdown(f"**Measured** (medians over seeds, {low}–{high} % band in brackets)")
st.dataframe(summary_table(left, whole, slopes), hide_index=True)

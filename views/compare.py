"""Compare: one student against many, the paper's Figure 1 (paper notes §8).

Title -> takeaway -> controls (all in the URL) -> cached seed runs -> two charts
and a table of the measured crossing and exponents.
"""

import time

import streamlit as st

from ui import classroom, page_state, story_runs
from ui.ensembles import BAND, LEFT_STEPS, bands, summary_table
from ui.figures.compare import EXPONENT_FROM, figure1_exponent, figure1_loss
from ui.params import Cap
from ui.story_fields import COMPARE, FIGURE1
from ui.story_page import begin, chart, share_link, wait_for_engine

PAGE = "compare"
FIELDS, PRESETS, LABELS = COMPARE.fields, COMPARE.presets, COMPARE.labels
N_CHOICES = (2, 3, 4, 5, 6, 8, 10, 12, 15, 20)
# Show a progress bar only when the runs are not (mostly) cached.
PROGRESS_AFTER_SECONDS = 0.3


def controls() -> dict:
    def key(name: str) -> str:
        return page_state.key(PAGE, name)

    with st.sidebar:
        page_state.preset_select(PAGE, FIELDS, PRESETS, LABELS)
        chosen = st.session_state[key("ns")]
        st.multiselect(
            "Students n (against n = 1)",
            sorted(set(N_CHOICES) | set(chosen)),
            key=key("ns"),
            max_selections=5,
            persist_state="session",
        )
        st.slider("Seeds (0, 1, …)", 1, 20, key=key("seeds"), persist_state="session")
        if not classroom.active():
            st.number_input(
                "Dimension d", 1, 10_000, key=key("d"), persist_state="session"
            )
            page_state.log_sliders(
                PAGE,
                (
                    ("sigma", "Initial scale σ", Cap(1e-4, 1.0), False),
                    ("eta", "Step size η", Cap(1e-3, 0.2), False),
                    ("steps", "Iterations T", Cap(1_000, 200_000), True),
                ),
            )
    values = page_state.values(PAGE, FIELDS)
    if not values["ns"]:  # an emptied multiselect: keep the paper's set
        values["ns"] = FIGURE1["ns"]
    return values


def run_all(values: dict) -> tuple[dict, dict, dict]:
    """Every (n, seed) run, cached; a progress bar when they take a while."""
    ns = [1, *sorted(values["ns"])]
    todo = [(n, seed) for n in ns for seed in range(values["seeds"])]
    left, whole, slopes = {n: [] for n in ns}, {n: [] for n in ns}, {n: [] for n in ns}
    started, bar = time.monotonic(), None
    scalars = {k: values[k] for k in ("d", "sigma", "eta", "steps")}
    for done, (n, seed) in enumerate(todo, start=1):
        first, run, slope = story_runs.seed_runs(n=n, seed=seed, **scalars)
        left[n].append(first)
        whole[n].append(run)
        slopes[n].append(slope)
        if bar is None and time.monotonic() - started > PROGRESS_AFTER_SECONDS:
            bar = st.progress(0.0)
        if bar is not None:
            bar.progress(
                done / len(todo),
                text=f"Runs {done} of {len(todo)} (n = {n}, seed {seed})",
            )
    if bar is not None:
        bar.empty()
    return (
        {n: bands(f) for n, f in left.items()},
        {n: bands(f) for n, f in whole.items()},
        slopes,
    )


begin("compare")
st.title("Compare: one student against many")
st.markdown(
    "#### One student learns the teacher exponentially fast and overtakes every "
    "over-parameterised student within a few hundred iterations; with n ≥ 2 the loss "
    "falls only like T⁻³."
)
page_state.start(PAGE, FIELDS, PRESETS)
wait_for_engine()
values = controls()
share_link(page_state.publish(PAGE, FIELDS, PRESETS))
left, whole, slopes = run_all(values)
low, high = (round(100 * q) for q in BAND)
st.caption(
    f"σ = {values['sigma']:g}, η = {values['eta']:g}, ‖v‖ = 1, d = {values['d']}, "
    f"seeds 0–{values['seeds'] - 1}: lines are medians over seeds, bands the "
    f"{low}–{high} % range (paper notes §8)."
)
revision = f"{PAGE}|{sorted(values.items())}"
one, two = st.columns(2, gap="medium")
with one:
    chart(
        figure1_loss(left, revision),
        "compare_loss",
        f"n = 1 (black) is a straight line on the log axis: exponential; it crosses "
        f"below every n ≥ 2 within the first {LEFT_STEPS} iterations.",
    )
with two:
    chart(
        figure1_exponent(whole, revision),
        "compare_exponent",
        f"ln L / ln(ηT) from {EXPONENT_FROM} iterations on: each n ≥ 2 creeps toward −3, "
        "logarithmically slowly (n = 1 has left the chart).",
    )
st.markdown(f"**Measured** (medians over seeds, {low}–{high} % band in brackets)")
st.dataframe(summary_table(left, whole, slopes), hide_index=True)

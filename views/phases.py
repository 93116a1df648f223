"""Phases: alignment, the exponential decay of H, then the slow T⁻³ phase, and the
Hessian spectrum that explains it (paper notes §5, §6; eq. 51).

Title -> controls (all in the URL) -> one cached run -> shaded charts -> spectrum.
"""

import math

import streamlit as st

from ui import classroom, page_state, story_runs
from ui.figures import balance_figure, norms_figure
from ui.figures.phase_shading import THRESHOLDS
from ui.figures.phases import (
    alignment_figure,
    h_decay_figure,
    phase_loss_figure,
    shaded,
    straight_lines_figure,
)
from ui.figures.spectrum import RELATIVE_FLOOR, hidden_count, spectrum_figure
from ui.params import Cap
from ui.phase_runs import smallest_table
from ui.story_fields import PHASES
from ui.story_page import begin, chart, share_link, table, wait_for_engine
from ui.story_runs import CONTROL

PAGE = "phases"
AT_CHOICES = (1, 3, 10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000, 300_000)
FIELDS, PRESETS, LABELS = PHASES.fields, PHASES.presets, PHASES.labels


def controls() -> dict:
    def key(name: str) -> str:
        return page_state.key(PAGE, name)

    with st.sidebar:
        page_state.preset_select(PAGE, FIELDS, PRESETS, LABELS)
        st.slider("Students n", 1, 20, key=key("n"), persist_state="session")
        page_state.log_sliders(
            PAGE,
            (
                ("sigma", "Initial scale σ", Cap(1e-6, 2.0), False),
                ("eta", "Step size η", Cap(1e-4, 0.5), False),
                ("steps", "Steps T", Cap(100, 1_000_000), True),
            ),
        )
        if not classroom.active():
            st.number_input(
                "Dimension d", 1, 10_000, key=key("d"), persist_state="session"
            )
            st.number_input(
                "Seed", 0, 2**32 - 1, key=key("seed"), persist_state="session"
            )
            chosen = st.session_state[key("at")]
            st.multiselect(
                "Spectrum at steps",
                sorted(set(AT_CHOICES) | set(chosen)),
                key=key("at"),
                max_selections=8,
                format_func="{:,}".format,
                persist_state="session",
            )
    values = page_state.values(PAGE, FIELDS)
    values["at"] = values["at"] or PHASES.field("at").default
    return values


def verdicts(run, n: int) -> None:
    """The run's numbers against the theory's, one metric each."""
    phases, summary = run.phases, run.summary
    cells = st.columns(5)
    cells[0].metric("T1", f"{phases.t1:.3g}", help="End of ① (time t = η·step).")
    cells[1].metric(
        "T2", "none" if n == 1 else f"{phases.t2:.3g}", help="Start of ③ (n ≥ 2)."
    )
    fitted = phases.h_factor
    cells[2].metric(
        "H factor",
        "—" if math.isnan(fitted) else f"{fitted:.6f}",
        f"predicted {phases.h_factor_predicted:.6g}",
        delta_color="off",
        delta_arrow="off",
        help="Per-step factor of |H| fitted in ②, against 1 − nη/2 (eq. 36); "
        "— when ② holds too few records to fit.",
    )
    balance = run.worst_balance
    cells[3].metric(
        "h_max/h_min",
        f"{balance:.3g}",
        "≤ 2 holds" if balance <= 2 else "> 2 fails",
        delta_color="normal" if balance <= 2 else "inverse",
        help="The largest ratio after T1; Theorems 4-6 keep it at most 2.",
    )
    cells[4].metric(
        "log-log slope",
        "—" if n == 1 else f"{summary['tail_exponent']:.3f}",
        help="Of log L against log t over the last decade. It approaches −3 only "
        "logarithmically slowly; the straight line of L^(−1/3) is the sharper "
        "test. n = 1 is at the rounding floor by then: no rate to read.",
    )


begin("phases")
st.title("Phases: why n ≥ 2 is slow")
page_state.start(PAGE, FIELDS, PRESETS)
wait_for_engine()
values = controls()
share_link(page_state.publish(PAGE, FIELDS, PRESETS))
scalars = {k: values[k] for k in ("n", "d", "sigma", "eta", "steps", "seed")}
with st.spinner("Running…"):
    run = story_runs.phase_run(**scalars)
    spectra = story_runs.spectra(**scalars, at=tuple(values["at"]))
frame, config, phases = run.frame, run.trajectory.config, run.phases
st.caption(THRESHOLDS)
verdicts(run, config.n)
left, right = st.columns(2, gap="medium")
with left:
    chart(
        phase_loss_figure(frame, config, phases),
        "phases_loss",
        "Fast while the students align (①) and H decays (②); then only T⁻³ (③).",
    )
    chart(
        alignment_figure(frame, config, phases),
        "phases_angles",
        "Each student turns to the teacher while its norm is small; "
        "① ends when every θᵢ is below the dotted line.",
    )
    chart(
        shaded(norms_figure(frame, config), frame, phases),
        "phases_norms",
        "In ③ the norms stay inside [‖v‖/4n, 4‖v‖/n] (Theorem 6); at large σ some leave it.",
    )
with right:
    chart(
        h_decay_figure(frame, config, phases),
        "phases_h",
        "In ② H = ‖v‖ − Σhᵢ shrinks by exactly (1 − nη/2) per step: "
        + (
            "the dashed prediction lies on the measurement."
            if run.h_law_holds
            else "not here, where σ is far from the theorems' regime and ② is brief."
        ),
    )
    chart(
        straight_lines_figure(frame, config, phases),
        "phases_lines",
        "In ③ L^(−1/3) and 1/Z grow linearly in t: L ~ T⁻³ and Z ~ 1/T (Theorems 6 and 14).",
    )
    chart(
        shaded(balance_figure(frame, config), frame, phases),
        "phases_balance",
        "The proofs keep hᵢ ≤ 2hⱼ; with large σ (preset) it fails, yet the slope stays −3.",
    )
st.subheader("The Hessian at chosen times")
spectrum_left, spectrum_right = st.columns([3, 2], gap="medium")
with spectrum_left:
    hidden = hidden_count(spectra)
    chart(
        spectrum_figure(spectra, phases.intervals(), f"{PAGE}|{scalars}", CONTROL),
        "phases_spectrum",
        (
            "For n ≥ 2 eigenvalues slide toward 0 as t grows (flat directions: slow "
            "descent); the n = 1 control (grey) stays bounded away from 0."
            if config.n >= 2
            else "For n = 1 every eigenvalue settles near ½, bounded away from 0: "
            "no flat direction, so GD converges linearly."
        )
        + (
            f" {hidden} eigenvalue(s) ≤ {RELATIVE_FLOOR:g}·max|λ| (zero to rounding, "
            "or negative early on) are not drawn."
            if hidden
            else ""
        ),
    )
with spectrum_right:
    st.markdown("**Smallest eigenvalue** (reduced span + complement block, exact)")
    table(smallest_table(spectra), digits=3)

"""Phases: alignment, the exponential decay of H, then the slow T⁻³ phase, and the
Hessian spectrum that explains it (paper notes §5, §6; eq. 51).

Title -> controls (all in the URL) -> one cached run -> shaded charts -> spectrum.
"""

import math

import streamlit as st

from neuronlab.analysis.studies import smallest_table
from ui import page, tasks
from ui.fields import PHASES
from ui.figures.pages import phases_figures
from ui.figures.phase_shading import THRESHOLDS
from ui.figures.spectrum import RELATIVE_FLOOR, hidden_count


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
        "—" if math.isnan(fitted) else f"{fitted:.4g}",
        f"predicted {phases.h_factor_predicted:.4g}",
        delta_color="off",
        delta_arrow="off",
        help="Per-step factor of |H| fitted in ②, against 1 − nη/2 (eq. 36); "
        "— when ② holds too few records to fit.",
    )
    balance = run.worst_balance
    cells[3].metric(
        "h_max / h_min",
        f"{balance:.3g}",
        "≤ 2 holds" if balance <= 2 else "> 2 fails",
        delta_color="normal" if balance <= 2 else "inverse",
        help="The largest ratio after T1; Theorems 4-6 keep it at most 2.",
    )
    straight = phases.slow_linearity["loss_inv_cbrt"]
    cells[4].metric(
        "③: L⁻¹ᐟ³ straight, R²",
        "—" if n == 1 or math.isnan(straight) else f"{straight:.4f}",
        help="How straight L^(−1/3) is against t over ③ (1 = a line): the T⁻³ "
        "law, L = C(t − t₀)⁻³, is a straight L^(−1/3). n = 1 has no ③.",
    )
    if n > 1:
        slope = f"{summary['tail_exponent']:.2f}".replace("-", "−")
        st.caption(
            "The T⁻³ law is measured on ③ by the straight line of L⁻¹ᐟ³ (R² above; "
            'the chart "L⁻¹ᐟ³ and 1/Z"). The log-log slope of L over the last '
            f"decade reads {slope}, not −3: a straight L⁻¹ᐟ³ = a(t + t₀) is "
            "L = C(t + t₀)⁻³, whose log-log slope −3t/(t + t₀) reaches −3 only once "
            "t ≫ t₀."
        )


page.begin("phases")
st.title("Phases: why n ≥ 2 is slow")
values, _ = page.controls(PHASES)
page.engine_ready()
fields = PHASES.config_values(values)
beyond_run = [s for s in values["at"] if s > fields["steps"]]
if beyond_run:  # their spectrum would be the last record's: say so, drop them
    st.info(
        f"Spectrum at step(s) {', '.join(f'{s:,}' for s in beyond_run)} left out: "
        f"this run has T = {fields['steps']:,} steps."
    )
at = tuple(s for s in values["at"] if s <= fields["steps"]) or (fields["steps"],)
task = tasks.phases(at, **fields)
page.within_limits(
    task.seconds,
    "This run and its n = 1 control",
    "Choose a smaller n or a shorter T, or run it headless: `python -m neuronlab run`.",
)
result = page.run("phases_job", task, "run")
if result is None:
    st.stop()
run, spectra = result
config, charts = run.trajectory.config, phases_figures(run, spectra, fields)
st.caption(THRESHOLDS)
# The charts first: on a 1280x720 projector the loss chart is on screen with the
# classroom step's claim; the numbers that measure it follow the charts.
left, right = st.columns(2, gap="medium")
with left:
    page.chart(
        charts["loss"],
        "phases_loss",
        "Fast while the students align (①) and H decays (②); then only T⁻³ (③).",
    )
    page.chart(
        charts["angles"],
        "phases_angles",
        "Each student turns to the teacher while its norm is small; "
        "① ends when every θᵢ is below the dotted line.",
    )
    page.chart(
        charts["norms"],
        "phases_norms",
        "In ③ the norms stay inside [‖v‖/4n, 4‖v‖/n] (Theorem 6); at large σ some leave it.",
    )
with right:
    page.chart(
        charts["h"],
        "phases_h",
        "In ② H = ‖v‖ − Σhᵢ shrinks by exactly (1 − nη/2) per step: "
        + (
            "the dashed prediction lies on the measurement."
            if run.h_law_holds
            else "not here, where σ is far from the theorems' regime and ② is brief."
        ),
    )
    page.chart(
        charts["lines"],
        "phases_lines",
        "In ③ L^(−1/3) and 1/Z grow linearly in t: L ~ T⁻³ and Z ~ 1/T (Theorems 6 and 14).",
    )
    page.chart(
        charts["balance"],
        "phases_balance",
        "The proofs keep hᵢ ≤ 2hⱼ; with large σ (preset) it fails, yet the slope stays −3.",
    )
st.subheader("The run against the theory")
verdicts(run, config.n)
st.subheader("The Hessian at chosen times")
spectrum_left, spectrum_right = st.columns([3, 2], gap="medium")
with spectrum_left:
    hidden = hidden_count(spectra)
    page.chart(
        charts["spectrum"],
        "phases_spectrum",
        (
            "For n ≥ 2 eigenvalues slide toward 0 as t grows (flat directions: slow "
            "descent); the n = 1 control (black) stays bounded away from 0."
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
    page.table(smallest_table(spectra), digits=3)

"""Landscape: where GD can stop, and why it is slow there (the landscape issue).

Title -> which point (all in the URL: an Explore link's n, d, σ, η, T, seed
opens its run's end here) -> one job (the run, the polish, the spectrum, the
slice, the escape) -> the verdict, the spectrum beside n = 1, the slice, and
Safran & Shamir's minima certified.
"""

import pandas as pd
import streamlit as st

from neuronlab.analysis.landscape import ZERO, distinct_minima
from ui import page, tasks
from ui.fields import LANDSCAPE
from ui.figures.landscape import escape_figure, slice_figure, spectrum_figure

RUN_FIELDS = ("n", "d", "sigma", "eta", "steps", "seed")
STUCK_FIELDS = ("k", "seed", "seeds")
WHY = {
    "global minimum": "At a global minimum wᵢ = λᵢv (λᵢ ≥ 0, Σλᵢ = 1) every angle is 0 "
    "and the Hessian is ½(11ᵀ ⊗ I): d eigenvalues n/2 (moving Σwᵢ) and (n − 1)·d "
    "zeros: n − 1 ways to move mass between students along v, and (n − 1)(d − 1) "
    "to turn them apart, which φ(θ) ≈ θ³/3 does not feel at second order. For "
    "n = 1 (black) there is no zero: the minimum is isolated and GD converges "
    "exponentially; for n ≥ 2 the run crawls along the flat directions, the "
    "angles shrink like 1/t and the loss like θ³ ~ t⁻³.",
    "local minimum": "Every eigenvalue is positive: a strict local minimum that GD "
    "cannot leave, certified by the gradient at rounding level and the smallest "
    "eigenvalue's margin.",
    "saddle": "Negative eigenvalues: a saddle. GD started a step off it along the "
    "most negative eigenvector leaves it (below).",
    "degenerate": "No negative eigenvalue, but zero modes: the second-order test "
    "cannot decide, and L may fall only slowly along them.",
    "not critical": "Newton's method found no critical point near here.",
}


def verdict(cp) -> None:
    st.subheader(f"Kind: {cp.kind}")
    cells = st.columns(4)
    cells[0].metric("Loss L", f"{cp.loss:.4g}", help="To 12 digits: below.")
    cells[1].metric("‖∇L‖", f"{cp.grad_norm:.2g}", help="After Newton's polish.")
    cells[2].metric("Index", cp.index, help="Negative eigenvalues.")
    cells[3].metric(
        "Zero modes",
        cp.nullity,
        help=f"Eigenvalues with |λ| ≤ {ZERO:g}·max(1, max|λ|) = {cp.tolerance:.2g}.",
    )
    polish = (
        f"Newton's method moved the point by {cp.moved:.2g} in {cp.iterations} step(s)."
        if cp.iterations
        else "Taken as it is (a split point is critical by construction)."
    )
    st.caption(f"L = {cp.loss:.12g} (12 digits). {polish}")


def certified(view) -> None:
    """The stuck seeds searched, each polished: the distinct points they reach."""
    seeds = ", ".join(str(s) for s, _ in view.stuck)
    st.markdown(f"**Safran & Shamir, certified** (stuck seeds: {seeds})")
    page.table(pd.DataFrame(distinct_minima([p for _, p in view.stuck])), digits=4)
    st.caption(
        "Each stuck run polished by Newton's method: the loss to 12 digits, and the "
        "smallest of all n·d Hessian eigenvalues (positive: a true, strict minimum). "
        "The same columns are in Beyond's teachers table; `python -m neuronlab beyond "
        "teachers --k K` prints them headless."
    )


page.begin("landscape")
st.title("Landscape: where GD stops, and why it is slow there")
values, _ = page.controls(LANDSCAPE)
page.engine_ready()
point = values["point"]
fields = RUN_FIELDS if point in ("run", "global") else STUCK_FIELDS
task = tasks.landscape(point, **{k: values[k] for k in fields})
page.within_limits(
    task.seconds,
    "This point",
    "Choose fewer steps or seeds, or polish it headless with "
    "`neuronlab.analysis.landscape.critical_point`.",
)
view = page.run("landscape_job", task, "point")
if view is None:
    st.stop()
cp = view.cp
verdict(cp)
st.markdown(WHY[cp.kind])
revision = f"landscape|{sorted(values.items())}"
left, right = st.columns(2, gap="medium")
with left:
    page.chart(
        spectrum_figure(view, revision),
        "landscape_spectrum",
        f"{len(cp.eigenvalues)} eigenvalues: {cp.index} negative, {cp.nullity} zero "
        "(drawn on the dotted tolerance line), the rest positive."
        + (
            " Grey: the n = 1 minimum, every eigenvalue ½."
            if view.control is not None
            else ""
        ),
    )
with right:
    page.chart(
        slice_figure(view, revision),
        "landscape_slice",
        "L − L* in the plane of two eigen-directions through the point (the star); "
        + (
            "black: the run's records projected on it, arriving."
            if view.run is not None
            else "black: the escape run, leaving."
        ),
    )
if view.escape:
    page.chart(
        escape_figure(view, revision),
        "landscape_escape",
        "Both pushes leave the saddle's loss (dotted) and fall: GD does not stay.",
    )
if view.stuck:
    certified(view)

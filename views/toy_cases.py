"""Toy cases: starts where the paper predicts the loss exactly (paper notes §7).

Title -> which toy (`?preset=toy1`, ...) -> one cached run -> the prediction drawn
over the engine's curve, two sentences on what it shows.
"""

import math

import streamlit as st

from ui import page, tasks
from ui.fields import TOY_CASES
from ui.figures.toys import collapse_figure, toy_figure

TEXT = {
    "toy1": "Two students mirrored about the teacher, w₁,₂ = λ₁v ± λ₂v⊥, stay mirrored: "
    "λ₁ → ½ fast while the orthogonal part λ₂ shrinks only like π/(2ηt). The loss "
    "then follows π²‖v‖²/(6(ηt)³), constant included: T⁻³ is attained.",
    "toy2": "Students parallel to the teacher, wᵢ = λᵢv, feel only the linear part of "
    "the gradient, ½(Σwⱼ − v). The loss shrinks by exactly (1 − nη/2)² per step: "
    "exponential, like a single student.",
    "toy3": "Identical students stay identical and move like one student learning v/n "
    "with step nη. Convergence is linear: over-parameterisation slows GD only when "
    "the students differ (Z > 0).",
    "toy3+eps": "The same identical start moved by 1e-4 follows toy 3 at first, then "
    "leaves it near 1e-14 and almost stalls. Identical students are an unstable "
    "fixed point (Remark 18): the small asymmetry Z > 0 survives, and its slow mode "
    "(L^(−1/3) linear in t, with a huge intercept) takes over.",
    "remark26": "From wᵢ(0) = −c·v with η = 2/n (corrected: the paper's η = 2c/(1+nc) "
    "drops the θᵢv term of eq. 4) one step sends every neuron exactly to 0, and with "
    "the engine's convention at 0 the next step lands exactly on v/n, a global "
    "minimum. Moving the start by 1e-16 changes the outcome: the neurons leave 0 in "
    "different directions and converge only slowly.",
}
CAPTIONS = {
    "toy1": "Log-log: the engine's loss meets the dashed π²/(6(ηt)³) line.",
    "toy2": "Log-linear: a straight line, slope 2·log(1 − nη/2) per step, on the prediction.",
    "toy3": "Log-linear: the n students and the single student with v/n and nη coincide.",
    "toy3+eps": "Log-log: on the dashed toy-3 curve at first, then a slow, flat tail.",
}


page.begin("toy_cases")
st.title("Toy cases: the laws, exactly")
values, _ = page.controls(TOY_CASES)
page.engine_ready()
name = values["preset"]
view = page.run("toys_job", tasks.toy(name, values["n"]), "toy case")
if view is None:
    st.stop()
st.subheader(TOY_CASES.field("preset").names[name])
st.markdown(TEXT[name])
if name == "remark26":
    page.chart(
        collapse_figure(view),
        "toys_collapse",
        "Left: both starts are at 0 after step 1 (exactly, or ~1e-17); the exact one "
        "then sits at v/n with L = 0. Right: the moved one converges only slowly.",
    )
    st.markdown("**The first steps, exactly** (max over the students)")
    page.table(view.first_norms, digits=4)  # an exact 0 stays a plain 0
else:
    config = view.config
    st.caption(
        f"n = {config.n}, d = {config.d}, η = {config.eta:g}, {config.steps:,} steps, "
        f"‖v‖ = {config.teacher_norm:g}."
    )
    page.chart(toy_figure(view), f"toys_{name}", CAPTIONS[name])
    if name != "toy3+eps":  # there the run is meant to leave the prediction
        ratio = view.last_ratio
        st.metric(
            "engine / prediction at the last record",
            "—" if math.isnan(ratio) else f"{ratio:.6g}",
        )

"""Beyond the paper: the questions Xu & Du leave open, answered live by the
engine (issue 11; the science and its sources: beyond-notes).

Title -> the question -> controls (all in the URL) -> one job (every curve x
seed, in the background, each run cached) -> charts, the measured table, what
the paper and the literature say.
"""

import streamlit as st

from neuronlab.analysis import beyond
from neuronlab.analysis.experiments import EXPERIMENTS
from neuronlab.config import ConfigError
from ui import page, tasks, widgets
from ui.fields import BEYOND
from ui.figures.beyond import arm_configs, curves, exponent_curves, spurious_bars

JOB = "beyond_job"
QUESTIONS = {
    "activation": "Is the slow-down about ReLU's kink at zero?",
    "initialisation": "Is the slow-down, or the balance behind it, about the "
    "Gaussian start?",
    "optimiser": "Can a better optimiser than plain GD remove the slow-down?",
    "teachers": "What happens with several teachers?",
    "stepsize": "Does the step size matter?",
    "output": "Does a trained second layer remove the slow-down?",
}
# Two sentences each on what the paper and the literature say (beyond-notes §2-§5).
CONTEXT = {
    "activation": "Xu & Du prove the T⁻³ rate for ReLU only; the family "
    "σ(z) = αz + (1 − α)[z]₊ runs from |z| (α = −1) through ReLU (0) to the "
    "linear case (1), where any W with Σwᵢ = v is optimal and GD converges "
    "linearly; no paper we found settles leaky ReLU. For the quadratic activation "
    "(over-parameterised matrix sensing) Xiong, Ding & Du (ICLR 2024) prove that "
    "over-parameterisation slows GD from linear to Θ(T⁻²); erf cannot split a "
    "teacher among students, so its extra students must die or merge.",
    "initialisation": "The theorems start from wᵢ(0) ~ N(0, σ²I) at small σ and "
    "keep the balance h_max/h_min ≤ 2 once the students align, with final norms "
    "in [‖v‖/4n, 4‖v‖/n] (Xu & Du, Theorems 4-6). Here five schemes share the "
    "scale σ: Gaussian, equal norms on the sphere, heavy-tailed Student-t (3 "
    "degrees of freedom), orthonormal rows and uniform entries.",
    "optimiser": "Xu & Du analyse plain GD. Momentum and Nesterov stay in the "
    "span of v and the wᵢ(0); Adam does not (it is not rotation-equivariant: it "
    "runs in R^d with the teacher along e₁). Preconditioners whose damping "
    "shrinks with the residual restore linear convergence for over-parameterised "
    "matrix problems (PrecGD: Zhang, Fattahi & Zhang, NeurIPS 2021; ScaledGD(λ): "
    "Xu, Shen, Chi & Ma, ICML 2023); damped Gauss–Newton (Levenberg–Marquardt) "
    "with λ = c·√L, c·L or c is that idea here. A Gauss–Newton step costs an "
    "(nk)-square solve: the right chart puts every optimiser on wall-clock time.",
    "teachers": "Safran & Shamir (ICML 2018) found that GD from random starts on "
    "k orthonormal teachers with n = k students often ends in a spurious local "
    "minimum for k ≥ 6, and that one extra student makes that rare; Zhou, Ge & "
    "Jin (COLT 2021) prove local convergence for n ≥ k. Their protocol, kept "
    "here: V = I_k (d = k), W₀ with N(0, 1/d) entries, GD with η = 0.1, bad = "
    "final L ≥ 1e-3; their percentages count 1000 starts and only minima they "
    "verified with an exact Hessian bound, ours count seeds after T steps.",
    "stepsize": "Xu & Du's upper bound is for GD with a small η (Theorem 9, "
    "L ≤ O(n⁴‖v‖²/(ηT)³)) and their lower bound for gradient flow only "
    "(Theorem 14): whether a finite η changes the law, or only its constant C in "
    "L ≈ C(ηT)⁻³, is open. The curvature n/2 along Σwᵢ makes GD diverge above "
    "η = 4/n (DESIGN §3.5); here GD runs at several η up to just below that edge "
    "and gradient flow (SciPy's solve_ivp) to the same time t = ηT.",
    "output": "Xu & Du fix the output weights at 1. Trained from aᵢ(0) = 1, "
    "aᵢ[wᵢᵀx]₊ = [(aᵢwᵢ)ᵀx]₊ for aᵢ > 0, so the network is the paper's in "
    "uᵢ = aᵢwᵢ; gradient flow conserves aᵢ² − ‖wᵢ‖², which keeps the two layers "
    "balanced (Du, Hu & Lee, NeurIPS 2018, 'Algorithmic regularization in "
    "learning deep homogeneous models'); GD keeps it only up to O(η²) per step. "
    "Training aᵢ adds one flat direction per student at a global minimum (the "
    "rescaling aᵢ → c aᵢ, wᵢ → wᵢ/c: the Landscape engine counts (n − 1)d + n "
    "zero eigenvalues) and leaves the (n − 1)d flat directions of the fixed layer. "
    "We know of no paper that proves the rate with a trained output layer: the "
    "table measures it, with C of L ≈ C t⁻³ against the fixed layer's.",
}


def _more_seeds(seeds: int) -> None:
    top = BEYOND.field("seeds").high
    widgets.set_values(BEYOND, {"seeds": min(top, 2 * seeds)})


def _charts(key: str, runs: list, revision: str) -> None:
    """The experiment's two charts from the runs so far."""
    plan, loss = EXPERIMENTS[key], beyond.bands(runs, "loss")
    configs = arm_configs(runs)  # the arms' colours: by what they differ in
    left, right = st.columns(2, gap="medium")
    if key == "teachers":
        table = beyond.measure(plan, runs)
        stuck = int(table.filter(like="ended with").sum().sum())
        with left:
            page.chart(
                spurious_bars(table, revision),
                f"{key}_bars",
                "Bars: this lab's share, with the seed counts and 95 % Wilson "
                "intervals; diamonds: Safran & Shamir's published percentage.",
            )
        with right:
            fig = curves(loss, "loss", "Loss, median over seeds", "loss L",
                         revision, configs=configs)  # fmt: skip
            words = (
                f"The median hides the {stuck} stuck seed(s): they sit at the top "
                "of the bands (their final losses are in the table)."
                if stuck
                else "No seed ended above L = 1e-3 here."
            )
            page.chart(fig, f"{key}_loss", words)
        return
    with left:
        x = "step" if key == "optimiser" else "time"
        title = "Loss against iterations" if key == "optimiser" else "Loss L(t)"
        fig = curves(loss, "loss", title, "loss L", revision, x=x,
                     guides=plan.guides, configs=configs)  # fmt: skip
        page.chart(
            fig,
            f"{key}_loss",
            "Medians over seeds with their 10–90 % bands; dotted: the power laws, "
            "each through the curve whose own tail is nearest it.",
        )
    with right:
        page.chart(*_right_chart(key, runs, loss, revision, configs))


def _right_chart(key: str, runs: list, loss: dict, revision: str, configs: dict):
    """(figure, chart key, caption) of the experiment's second chart."""
    if key == "optimiser":
        fig = curves(loss, "loss", "Loss against wall-clock time", "loss L",
                     revision, x="seconds", configs=configs)  # fmt: skip
        words = "Seconds: each curve's steps times its own measured cost per step."
    elif key == "output":
        local = beyond.bands(runs, "local_exponent")
        fig = exponent_curves(local, loss, revision, ((-3.0, "−3: Xu & Du's law"),),
                              configs)  # fmt: skip
        words = (
            "d ln L / d ln t for each arm: −3 is the paper's law for n ≥ 2 with "
            "a = 1; n = 1 falls exponentially and ends at the rounding floor (a "
            "marker), fixed or trained."
        )
    elif key == "initialisation":
        balance = beyond.bands(runs, "balance")
        bound = ((2.0, "bound 2 (Theorems 4-6)"),)
        fig = curves(balance, "balance", "Balance h_max/h_min", "h_max/h_min",
                     revision, lines=bound, configs=configs)  # fmt: skip
        words = "The theorems keep h_max/h_min ≤ 2 once the students align."
    elif key == "stepsize":
        lines = beyond.bands(runs, "loss_inv_cbrt")
        fig = curves(lines, "loss_inv_cbrt", "L^(−1/3) against t = ηT", "L^(−1/3)",
                     revision)  # fmt: skip
        words = (
            "L ≈ C t⁻³ makes L^(−1/3) = C^(−1/3) t: curves that lie on one another "
            "share C (the table gives it, and its ratio to gradient flow's)."
        )
    else:
        local = beyond.bands(runs, "local_exponent")
        laws = ((-3.0, "−3: ReLU's law"), (-2.0, "−2: the quadratic's"))
        fig = exponent_curves(local, loss, revision, laws, configs)
        words = (
            "−3 for ReLU's law, −2 for the quadratic's. A curve whose loss reaches "
            "the rounding floor (linear, erf) ends there with a marker: from then "
            "on L no longer changes and its exponent is not a rate."
        )
    return fig, f"{key}_right", words


def _live(job) -> None:
    key, runs = job.task.subject
    with st.container(horizontal=True, vertical_alignment="center"):
        page.status(job, "experiment", f"{len(job.partial or [])} of {runs} runs")
        st.button("Stop", on_click=job.stop, key=f"beyond_stop_{id(job)}")
    if job.partial:
        _charts(key, job.partial, "beyond-live")


page.begin("beyond")
st.title("Beyond the paper")
st.caption(
    "Questions Xu & Du (COLT 2023) leave open, each answered here by the "
    "engine over seeds: the same exact closed forms and compiled loop as Explore."
)
values, _ = page.controls(BEYOND, "experiment")
page.engine_ready()
key, seeds = values["experiment"], values["seeds"]
plan = EXPERIMENTS[key]
st.subheader(QUESTIONS[key])
try:
    task = tasks.experiment(plan, seeds, {k: values[k] for k in plan.knobs})
except ConfigError as error:
    st.error(f"These knobs make a run the engine refuses: {error}")
    st.stop()
knobs = " ".join(f"--{k.replace('_', '-')} {values[k]}" for k in plan.knobs)
command = f"`python -m neuronlab beyond {key} --seeds {seeds} {knobs} --out {key}.csv`"
page.within_limits(
    task.seconds,
    f"{seeds} seeds of each curve",
    f"Choose fewer seeds or steps, or run it headless: {command} (README).",
)
job = page.job(JOB, task, wait=0.25)
if page.follow(job, "experiment", live=_live):
    page.outcome(job, "experiment", JOB)
if job.result is not None:
    revision = f"beyond|{sorted(values.items())}"
    _charts(key, job.result, revision)
    st.markdown(f"**Measured** ({seeds} seeds per curve; medians over seeds)")
    page.table(beyond.measure(plan, job.result), digits=3)
    more = min(BEYOND.field("seeds").high, 2 * seeds)
    st.button(
        f"Run more seeds ({more} per curve)",
        on_click=_more_seeds,
        args=(seeds,),
        disabled=more == seeds,
        help="The runs already done are reused: only the new seeds compute.",
    )
    st.caption(f"The same table headless: {command}.")
st.markdown(f"**What the paper and the literature say.** {CONTEXT[key]}")

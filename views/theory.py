"""Theory: the paper in one page, each claim linked to the page that shows it
(Xu & Du, COLT 2023; paper notes §1–§8). Text only: no engine call."""

import streamlit as st

from ui import links, page
from ui.form import Page

page.begin("theory")
st.title("Theory: what the lab shows, and why")
links.arrive(Page("theory", "Theory", ()))  # no parameters: any name is warned of


def see(target: str, label: str, **query: str) -> None:
    """A link to the page (and view) that shows the claim just stated."""
    st.page_link(
        target, label=label, icon="➡️", query_params={**query, **links.classroom_query()}
    )


st.header("Setup")
st.markdown(
    "A teacher neuron $[v^\\top x]_+$ and a student of $n$ neurons "
    "$\\sum_i [w_i^\\top x]_+$, input $x \\sim \\mathcal N(0, I_d)$, population loss, "
    "gradient descent with a constant step $\\eta$ from $w_i(0) \\sim \\mathcal N(0, \\sigma^2 I)$:"
)
st.latex(
    r"L(w) = \mathbb E_x\Big[\tfrac12\Big(\sum_i [w_i^\top x]_+ - [v^\top x]_+\Big)^2\Big],"
    r"\qquad w(t+1) = w(t) - \eta\,\nabla L(w(t))."
)
st.header("Closed forms")
st.markdown(
    "With $\\phi(\\theta) = \\sin\\theta - \\theta\\cos\\theta$ (eq. 23), the loss and its gradient (eq. 4) are"
)
st.latex(
    r"L = \tfrac14\Big\|\sum_i w_i - v\Big\|^2 + \tfrac1{2\pi}\Big[\sum_{i<j}\phi(\theta_{ij})"
    r"\|w_i\|\|w_j\| - \sum_i \phi(\theta_i)\|w_i\|\|v\|\Big]"
)
st.latex(
    r"\nabla_i = \tfrac12\Big(\sum_j w_j - v\Big) + \tfrac1{2\pi}\Big[\Big(\sum_{j\ne i}"
    r"\|w_j\|\sin\theta_{ij} - \|v\|\sin\theta_i\Big)\bar w_i - \sum_{j\ne i}\theta_{ij}w_j"
    r" + \theta_i v\Big]"
)
st.markdown(
    "The engine evaluates exactly these (no sampling); at $w_i = 0$ it uses "
    "$1\\{0 \\ge 0\\} = 1$, i.e. $\\nabla_i = \\tfrac12(\\sum_{j\\ne i} w_j - v)$. "
    "The Hessian (eq. 51) is exact too, computed in span$\\{v, w_i\\}$ plus its complement."
)
see("views/phases.py", "Hessian spectrum along a run", preset="theorem")

st.header("Theorems", anchor="theorems")
st.markdown(
    "**One student** ($n = 1$, Yehudai & Shamir 2020): $L(w(T)) \\le e^{-\\Omega(T)}$, linear convergence."
)
st.markdown(
    "**Upper bound for GD** (Theorem 1/9): if $d = \\Omega(\\log(n/\\delta))$, "
    "$\\sigma = O(n^{-4226} d^{-1/2}\\|v\\|)$ and $\\eta = O(\\sigma^2 d / (n^{169}\\|v\\|^2))$, "
    "then with probability $\\ge 1 - \\delta$ there is $T_2 = O(\\log n/(n\\eta))$ with"
)
st.latex(r"L(w(T + T_2)) \le O\!\left(\frac{n^4\|v\|^2}{(\eta T)^3}\right).")
st.markdown(
    "**Lower bound for gradient flow** (Theorem 2/14): $n \\ge 2$, a non-degenerate start "
    "($z_i(0) \\ne 0$, not all parallel), the same $d$ and $\\sigma$; then for $t \\ge T_2$"
)
st.latex(
    r"L(w(t))^{-1/3} \le O\!\left(\frac{n^{17/3}}{\kappa_{\max}(0)^2\|v\|^{2/3}}\right)(t - T_2)"
    r" + \gamma, \quad\text{so}\quad L(w(t)) \ge (\Gamma_1 t + \Gamma_2)^{-3}."
)
st.markdown(
    "Proved for gradient flow only. The constants are not optimised (Remark 11); the "
    "lab's runs use far larger σ and η, and the $T^{-3}$ rate still shows."
)
with st.container(horizontal=True):
    see(
        "views/compare.py",
        "Compare: n = 1 against n = 2, 5, 10 (Figure 1)",
        preset="figure1",
    )
    see(
        "views/explore.py",
        "Explore: gradient flow, slope −3",
        method="flow",
        n="3",
        steps="10000000",
    )

st.header("Three phases", anchor="three-phases")
st.markdown(
    "1. **Alignment** (Theorem 4): at small norm each $\\theta_i$ shrinks; at $T_1$ "
    "the students are balanced, $h_i \\le 2h_j$ with $h_i = \\langle w_i, \\bar v\\rangle$.\n"
    "2. **$H$ decay** (Theorem 5): $H = \\|v\\| - \\sum_i h_i$ obeys "
    "$H(t+1) = (1 - n\\eta/2)H(t) + \\sum_i Q_i(t)$ (eq. 36): exponential.\n"
    "3. **Slow phase** (Theorem 6): norms stay in $[\\|v\\|/4n, 4\\|v\\|/n]$ and "
    "$\\|\\nabla L\\| \\ge \\Omega(L^{2/3})$, so $L^{-1/3}$ grows linearly in $t$."
)
with st.container(horizontal=True):
    see("views/phases.py", "Phases: the three phases, shaded", preset="theorem")
    see(
        "views/phases.py",
        "Balance fails at large σ, T⁻³ survives",
        preset="large-sigma",
    )

st.header("The potential Z", anchor="the-potential-z")
st.markdown(
    "With $z_i = w_i - \\langle w_i, \\bar v\\rangle\\bar v$, $Z = \\sum_{i<j}\\|z_i - z_j\\|$ "
    "shrinks only like $1/t$ (eq. 67), and $L \\ge \\Omega(Z^3/(n^5\\|v\\|))$ (eq. 68): "
    "that is the lower bound. For $n = 1$, $Z \\equiv 0$: no slow mode."
)
see("views/phases.py", "1/Z as a straight line", preset="theorem")

st.header("Toy cases")
st.markdown(
    "- **Toy 1**, mirror pair: $L \\approx \\pi^2\\|v\\|^2/(6(\\eta t)^3)$ "
    "(the paper's eq. 21 has a typo: the factor is $1 - \\theta/\\pi + \\sin 2\\theta/(2\\pi)$).\n"
    "- **Toy 2**, students parallel to $v$: the loss shrinks by $(1 - n\\eta/2)^2$ per step.\n"
    "- **Toy 3**, identical students: the $n = 1$ problem with teacher $v/n$ and step $n\\eta$; "
    "perturbed, it becomes slow (Remark 18).\n"
    "- **Remark 26**: $w_i(0) = -c v$ sends every neuron to 0 in one step for $\\eta = 2/n$ "
    "(the printed $\\eta = 2c/(1+nc)$ drops the $\\theta_i v$ term)."
)
with st.container(horizontal=True):
    for preset, label in (
        ("toy1", "Toy 1"),
        ("toy2", "Toy 2"),
        ("toy3", "Toy 3"),
        ("toy3+eps", "Toy 3 + ε"),
        ("remark26", "Remark 26"),
    ):
        see("views/toy_cases.py", label, preset=preset)

st.header("References")
st.markdown(
    "- W. Xu, S. S. Du. *Over-Parameterization Exponentially Slows Down Gradient Descent "
    "for Learning a Single Neuron.* COLT 2023, PMLR 195:1155–1198; "
    "[arXiv:2302.10034](https://arxiv.org/abs/2302.10034).\n"
    "- G. Yehudai, O. Shamir. *Learning a Single Neuron with Gradient Methods.* COLT 2020.\n"
    "- I. Safran, O. Shamir. *Spurious Local Minima are Common in Two-Layer ReLU Neural "
    "Networks.* ICML 2018 (the closed forms).\n"
    "- M. Zhou, R. Ge, C. Jin. *A Local Convergence Theory for Mildly Over-Parameterized "
    "Two-Layer Neural Network.* COLT 2021."
)

st.header("Link reference")
st.markdown(
    "Every page keeps its controls in its URL; any of these names may be set by hand. "
    "A bad value shows a warning and uses a safe default. `classroom=1` works on every page."
)
st.table(links.link_reference(), hide_index=True)  # cells wrap: nothing cut off

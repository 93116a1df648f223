"""A trained second layer (RunConfig output = "trained"): the loss and gradient
in (W, a) against 50-digit quadrature, Monte Carlo and finite differences;
trained GD, momentum and SGD against NumPy loops written here from the plain
arc-cosine kernel; gradient flow's conserved a_i^2 - |w_i|^2; the fixed layer
untouched; the refusals."""

import math

import mpmath
import numpy as np
import pytest

from neuronlab import RunConfig, simulate
from neuronlab.export import to_json
from neuronlab.models.output import trained_gradient, trained_loss
from neuronlab.params import ConfigError
from tests.oracles import second_difference_hessian
from tests.quadrature import DPS, _vectors, pair_kernel_mp

RNG = np.random.default_rng(7)
HOMOGENEOUS = [
    ("relu", 0.0),
    ("leaky_relu", 0.3),
    ("leaky_relu", -1.0),
    ("quadratic", 0.0),
]


def _point(n=3, d=4, m=1, negative=False):
    W = RNG.standard_normal((n, d)) * 0.6
    a = 1 + 0.4 * RNG.standard_normal(n)
    if negative:
        a[0] = -0.7  # a sign-changed output weight: the formulas hold for any real a
    V = np.eye(m, d)
    return W, a, V[0] if m == 1 else V


def _loss_mp(W, a, V, activation, alpha):
    """1/2 sum_{p,q} c_p c_q K(x_p, x_q), c = (a, -1..-1), K by quadrature."""
    with mpmath.workdps(DPS):
        rows = _vectors(W) + _vectors(np.atleast_2d(V))
        c = [mpmath.mpf(float(x)) for x in a] + [-1] * len(np.atleast_2d(V))
        total = mpmath.fsum(
            (1 if p == q else 2) * c[p] * c[q]
            * pair_kernel_mp(rows[p], rows[q], activation, alpha)
            for p in range(len(rows)) for q in range(p, len(rows))
        )  # fmt: skip
        return float(total / 2)


@pytest.mark.parametrize(("activation", "alpha"), HOMOGENEOUS)
@pytest.mark.parametrize("negative", [False, True], ids=["a>0", "a0<0"])
def test_loss_against_quadrature(activation, alpha, negative):
    W, a, v = _point(m=2 if activation == "relu" else 1, negative=negative)
    exact = _loss_mp(W, a, v, activation, alpha)
    got = trained_loss(W, a, v, activation, alpha)
    assert got == pytest.approx(exact, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(("activation", "alpha"), HOMOGENEOUS)
def test_gradient_against_finite_differences(activation, alpha):
    """Central differences of the loss in every w_i coordinate and every a_i
    (step 1e-6: truncation ~1e-12, rounding ~1e-10 relative)."""
    W, a, v = _point(negative=True)
    gW, ga = trained_gradient(W, a, v, activation, alpha)
    h = 1e-6
    fdW = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        e = np.zeros_like(W)
        e[idx] = h
        up = trained_loss(W + e, a, v, activation, alpha)
        fdW[idx] = (up - trained_loss(W - e, a, v, activation, alpha)) / (2 * h)
    fda = np.array([
        (trained_loss(W, a + h * e, v, activation, alpha)
         - trained_loss(W, a - h * e, v, activation, alpha)) / (2 * h)
        for e in np.eye(len(a))
    ])  # fmt: skip
    np.testing.assert_allclose(gW, fdW, atol=1e-8)
    np.testing.assert_allclose(ga, fda, atol=1e-8)


def test_loss_and_gradient_against_monte_carlo():
    """4e6 Gaussian samples of 1/2 R^2 and its derivatives R a_i 1{w_i.x >= 0} x
    and R [w_i.x]_+, R = sum a_i [w_i.x]_+ - [v.x]_+: within 5 standard errors."""
    W, a, v = _point(n=2, d=3, negative=True)
    rng = np.random.default_rng(1)
    total, sq = np.zeros(1 + W.size + len(a)), np.zeros(1 + W.size + len(a))
    count = 4_000_000
    for _ in range(20):
        X = rng.standard_normal((count // 20, 3))
        P = X @ W.T
        R = np.maximum(P, 0) @ a - np.maximum(X @ v, 0)
        dW = (R[:, None] * a * (P >= 0))[:, :, None] * X[:, None, :]
        da = R[:, None] * np.maximum(P, 0)
        parts = np.column_stack([0.5 * R**2, dW.reshape(len(X), -1), da])
        total += parts.sum(axis=0)
        sq += (parts**2).sum(axis=0)
    mean = total / count
    se = np.sqrt((sq / count - mean**2) / count)
    gW, ga = trained_gradient(W, a, v)
    exact = np.r_[trained_loss(W, a, v), gW.ravel(), ga]
    assert np.all(np.abs(exact - mean) <= 5 * se)


def _upsilon(w, u):
    """The arc-cosine kernel with the plain arccos angle (paper-notes §2)."""
    nw, nu = np.linalg.norm(w), np.linalg.norm(u)
    t = math.acos(np.clip(w @ u / (nw * nu), -1, 1))
    return nw * nu * (math.sin(t) + (math.pi - t) * math.cos(t)) / (2 * math.pi)


def _d_upsilon(w, u):
    """dUpsilon(w, u)/dw = (|u| sin theta w/|w| + (pi - theta) u) / 2 pi."""
    nw, nu = np.linalg.norm(w), np.linalg.norm(u)
    t = math.acos(np.clip(w @ u / (nw * nu), -1, 1))
    return (nu * math.sin(t) * w / nw + (math.pi - t) * u) / (2 * math.pi)


def reference_gradient(W, a, v):
    """dL/da_i = sum_j a_j K(w_i, w_j) - K(w_i, v);
    dL/dw_i = a_i (sum_j a_j dK(w_i, w_j) - dK(w_i, v)) (the kernel expansion)."""
    n = len(W)
    ga = np.array([sum(a[j] * _upsilon(W[i], W[j]) for j in range(n))
                   - _upsilon(W[i], v) for i in range(n)])  # fmt: skip
    gW = np.array([a[i] * (sum(a[j] * _d_upsilon(W[i], W[j]) for j in range(n))
                           - _d_upsilon(W[i], v)) for i in range(n)])  # fmt: skip
    return gW, ga


def test_trained_gd_matches_a_numpy_loop():
    """30 GD steps on (W, a) in R^d from the seed's W0 and a = 1."""
    config = RunConfig(n=3, d=5, sigma=0.3, eta=0.1, steps=30, seed=2, output="trained")
    traj = simulate(config)
    W, a = traj.weights(0), np.ones(3)
    v = traj.v
    for _ in range(30):
        gW, ga = reference_gradient(W, a, v)
        W, a = W - 0.1 * gW, a - 0.1 * ga
    np.testing.assert_allclose(traj.final_W, W, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(traj.final_a, a, rtol=1e-9)


def test_trained_momentum_matches_a_numpy_loop():
    """Heavy ball on P = [W | a]: P+ = P - eta g(P) + beta (P - P_prev)."""
    config = RunConfig(n=2, d=4, sigma=0.3, eta=0.05, steps=25, seed=4,
                       output="trained", optimizer="momentum", beta=0.8)  # fmt: skip
    traj = simulate(config)
    W, a = traj.weights(0), np.ones(2)
    W_prev, a_prev = W.copy(), a.copy()
    for _ in range(25):
        gW, ga = reference_gradient(W, a, traj.v)
        W_new = W - 0.05 * gW + 0.8 * (W - W_prev)
        a_new = a - 0.05 * ga + 0.8 * (a - a_prev)
        W_prev, a_prev, W, a = W, a, W_new, a_new
    np.testing.assert_allclose(traj.final_W, W, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(traj.final_a, a, rtol=1e-9)


def test_trained_sgd_uses_the_output_weights_in_each_sample():
    """Full-batch SGD on 50 fixed samples: the NumPy loop of R a_i 1{.} x and
    R [w_i.x]_+, and the recorded training loss 1/2 mean R^2."""
    config = RunConfig(n=2, d=3, sigma=0.3, eta=0.1, steps=20, seed=5, method="sgd",
                       samples=50, output="trained")  # fmt: skip
    traj = simulate(config)
    X = np.random.default_rng((5, 1)).standard_normal((50, 3))
    W, a, v = traj.weights(0), np.ones(2), traj.v
    for _ in range(20):
        P = X @ W.T
        R = np.maximum(P, 0) @ a - np.maximum(X @ v, 0)
        gW = a[:, None] * (((R[:, None] * (P >= 0)).T @ X) / 50)
        ga = (R[:, None] * np.maximum(P, 0)).mean(axis=0)
        W, a = W - 0.1 * gW, a - 0.1 * ga
    np.testing.assert_allclose(traj.final_W, W, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(traj.final_a, a, rtol=1e-10)
    R = np.maximum(X @ W.T, 0) @ a - np.maximum(X @ v, 0)
    assert traj.empirical_loss[-1] == pytest.approx(0.5 * np.mean(R**2), rel=1e-10)


@pytest.mark.parametrize("n", [1, 3])
def test_flow_conserves_balancedness(n):
    """d/dt (a_i^2 - |w_i|^2) = 2 a_i (-w_i.g_i) - 2 w_i.(-a_i g_i) = 0 (Du, Hu &
    Lee 2018): constant to the solver's tolerance (rtol 1e-10) up to t = 1e4,
    while GD's drifts by O(eta) (here a visible 1e-4)."""
    config = RunConfig(n=n, d=6, sigma=0.1, eta=0.1, steps=100_000, method="flow",
                       output="trained")  # fmt: skip
    flow = simulate(config).metrics.filter(like="balancedness").to_numpy()
    assert np.abs(flow - flow[0]).max() <= 1e-8
    gd = simulate(config.replace(method="gd", steps=20_000)).metrics
    drift = gd.filter(like="balancedness").to_numpy()
    assert np.abs(drift - drift[0]).max() > 1e-4


def test_trained_run_records_a_and_exports_it():
    traj = simulate(RunConfig(n=2, d=3, steps=200, output="trained"))
    assert traj.a.shape == (len(traj.steps), 2)
    np.testing.assert_array_equal(traj.a[0], 1.0)
    frame = traj.metrics
    assert {"a_1", "a_2", "balancedness_1", "balancedness_2"} <= set(frame)
    doc = to_json(traj)
    assert '"final_a"' in doc
    assert '"a_1"' in doc


def test_fixed_is_the_default_and_untouched():
    assert RunConfig().output == "fixed"
    traj = simulate(RunConfig(steps=300, output="fixed"))
    again = simulate(RunConfig(steps=300))
    np.testing.assert_array_equal(traj.loss, again.loss)
    assert traj.a is None
    assert not any(c.startswith("a_") for c in traj.metrics)
    assert '"final_a"' not in to_json(traj)


def test_a_trained_start_is_the_fixed_start():
    fixed = simulate(RunConfig(steps=1))
    trained = simulate(RunConfig(steps=1, output="trained"))
    assert trained.loss[0] == fixed.loss[0]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        (
            {"optimizer": "gauss_newton"},
            "optimizer",
            "use gd, momentum, nesterov or adam",
        ),
        ({"activation": "erf"}, "activation", "relu, leaky_relu, quadratic"),
        ({"output": "both"}, "output", "one of fixed, trained"),
    ],
    ids=["gauss-newton", "erf", "unknown"],
)
def test_refusals_name_what_is_allowed(fields, field, words):
    with pytest.raises(ConfigError, match=words) as bad:
        RunConfig(output=fields.pop("output", "trained"), **fields)
    assert bad.value.field == field


def _fd_hessian(W, a, v, h=1e-4):
    """Second differences of the loss in x = [W (n d), a (n)] (no gradient code)."""
    n, d = W.shape

    def f(x):
        return trained_loss(x[: n * d].reshape(n, d), x[n * d :], v)

    return second_difference_hessian(f, np.r_[W.ravel(), a], h)


@pytest.mark.parametrize("m", [1, 2])
def test_spectrum_against_finite_differences(m):
    """At a generic point with d > k (the complement block counts; angles of
    order 1, where second differences at h = 1e-4 are good to ~1e-7): all
    n d + n eigenvalues equal a second-difference Hessian's."""
    from neuronlab.analysis.landscape import classify

    W, a, v = _point(n=2, d=6, m=m)
    cp = classify(W, v, a=np.abs(a))
    assert len(cp.eigenvalues) == 2 * 6 + 2
    fd = np.linalg.eigvalsh(_fd_hessian(W, np.abs(a), v))
    np.testing.assert_allclose(cp.eigenvalues, fd, atol=1e-6)


def test_a_runs_end_polishes_in_w_and_a():
    """The end of a trained GD run (d > k), polished: a critical point in
    (W, a) to 1e-12 with n d + n eigenvalues, a global minimum."""
    from neuronlab.analysis.landscape import critical_point

    config = RunConfig(n=2, d=5, sigma=0.3, eta=0.1, steps=3000, output="trained")
    traj = simulate(config)
    cp = critical_point(traj.final_W, traj.v, a=traj.final_a)
    assert cp.grad_norm <= 1e-12
    assert len(cp.eigenvalues) == 2 * 5 + 2
    assert cp.kind == "global minimum"
    assert cp.nullity == (2 - 1) * 5 + 2


def test_n1_minimum_polishes_to_rounding_level():
    """n = 1: the minimum is isolated up to the rescaling (a, w) -> (c a, w / c):
    Newton from a perturbed point reaches |grad| <= 1e-12 with one zero mode."""
    from neuronlab.analysis.landscape import critical_point

    v = np.array([1.0, 0.0, 0.0])
    W = np.array([[0.8, 1e-3, -2e-3]])
    cp = critical_point(W, v, a=np.array([1.3]))
    assert cp.grad_norm <= 1e-12
    assert cp.kind == "global minimum"
    assert (cp.index, cp.nullity) == (0, 1)
    assert cp.a[0] * cp.W[0] == pytest.approx(v, abs=1e-12)


@pytest.mark.parametrize(("n", "d"), [(1, 3), (2, 4), (3, 3), (4, 5)])
def test_global_minimum_zero_modes(n, d):
    """At a_i w_i = lambda_i v (sum lambda_i = 1): (n - 1) d + n zero
    eigenvalues (the fixed layer's (n - 1) d, plus one rescaling per student),
    d - 1 of 1/2 sum a_i^2 and one of 1/2 (sum a_i^2 + sum lambda_i^2 / a_i^2)
    (neuronlab.analysis.trained_point)."""
    from neuronlab.analysis.landscape import classify

    rng = np.random.default_rng(n * 10 + d)
    lam = rng.uniform(0.2, 1.0, n)
    lam /= lam.sum()
    a = rng.uniform(0.5, 1.5, n)
    v = np.eye(d)[0]
    cp = classify(lam[:, None] / a[:, None] * v, v, a=a)
    assert cp.kind == "global minimum"
    assert cp.nullity == (n - 1) * d + n
    assert len(cp.eigenvalues) == n * d + n
    top = (
        0.5
        * np.r_[np.full(d - 1, (a * a).sum()), (a * a).sum() + (lam**2 / a**2).sum()]
    )
    np.testing.assert_allclose(cp.eigenvalues[-d:], np.sort(top), rtol=1e-12)


@pytest.mark.parametrize(
    ("method", "optimizer"), [("gd", "gd"), ("gd", "nesterov"), ("flow", "gd")]
)
def test_chunks_do_not_change_a_trained_run(method, optimizer):
    """Paused and resumed anywhere (Explore's Stop, Continue), a trained run
    gives the numbers of one call: a is carried in the run's state."""
    from neuronlab.dynamics.run import advance, start_run

    config = RunConfig(n=2, d=4, steps=3000, method=method, output="trained",
                       optimizer=optimizer)  # fmt: skip
    whole = simulate(config)
    state = start_run(config)
    while not state.done:
        state = advance(state, max_steps=377)
    pieces = state.trajectory()
    np.testing.assert_array_equal(pieces.loss, whole.loss)
    np.testing.assert_array_equal(pieces.a, whole.a)

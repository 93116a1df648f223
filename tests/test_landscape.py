"""neuronlab.analysis.landscape and neuronlab.analysis.complement against code written here, independent of
core: plain kernel sums L = 1/2 sum_pq s_p s_q K(x_p, x_q) with arccos/arcsin
angles, their finite-difference Hessians in R^d with d > k (so the closed-form
block off the span is checked too), and a 50-digit mpmath gradient."""

import math

import mpmath
import numpy as np
import pytest

from neuronlab import RunConfig, simulate
from neuronlab.analysis.complement import full_spectrum
from neuronlab.analysis.landscape import classify, critical_point, split_point
from tests.oracles import second_difference_hessian


def _kernel(activation: str, alpha: float, a: np.ndarray, b: np.ndarray) -> float:
    """E[s(a.x) s(b.x)], x ~ N(0, I): the textbook closed forms."""
    na, nb, dot = np.linalg.norm(a), np.linalg.norm(b), a @ b
    if activation == "quadratic":
        return na**2 * nb**2 + 2 * dot**2
    if activation == "erf":
        return (
            2 / np.pi * np.arcsin(2 * dot / np.sqrt((1 + 2 * na**2) * (1 + 2 * nb**2)))
        )
    theta = np.arccos(np.clip(dot / (na * nb), -1, 1))
    relu = na * nb * (np.sin(theta) + (np.pi - theta) * np.cos(theta)) / (2 * np.pi)
    return alpha * dot + (1 - alpha) ** 2 * relu


def plain_loss(W, V, activation="relu", alpha=0.0) -> float:
    X, s = np.vstack([W, V]), np.r_[np.ones(len(W)), -np.ones(len(V))]
    return 0.5 * sum(
        s[p] * s[q] * _kernel(activation, alpha, X[p], X[q])
        for p in range(len(X))
        for q in range(len(X))
    )


def fd_hessian(W, V, activation="relu", alpha=0.0, h=1e-4) -> np.ndarray:
    """Second central differences of plain_loss, (n d, n d)."""

    def f(x):
        return plain_loss(x.reshape(W.shape), V, activation, alpha)

    return second_difference_hessian(f, W.ravel(), h)


def relu_gradient(W, V) -> np.ndarray:
    """Plain relu gradient: grad_i = w_i/2 + sum_{q != i} s_q dUpsilon(w_i, x_q)/dw_i,
    dUpsilon(w, u)/dw = [(pi - theta) u + |u| sin(theta) wbar] / (2 pi)."""
    X, s = np.vstack([W, V]), np.r_[np.ones(len(W)), -np.ones(len(V))]
    G = W / 2
    for i, w in enumerate(W):
        for q, u in enumerate(X):
            if q != i:
                c = np.clip(w @ u / (np.linalg.norm(w) * np.linalg.norm(u)), -1, 1)
                t = np.arccos(c)
                wbar = w / np.linalg.norm(w)
                G[i] += (
                    s[q]
                    * ((np.pi - t) * u + np.linalg.norm(u) * np.sin(t) * wbar)
                    / (2 * np.pi)
                )
    return G


def leaky_gradient(W, V, alpha=0.0) -> np.ndarray:
    """L_alpha = alpha/2 |sum W - sum V|^2 + (1 - alpha)^2 L_relu (beyond-notes §2)."""
    r = W.sum(axis=0) - V.sum(axis=0)
    return alpha * r + (1 - alpha) ** 2 * relu_gradient(W, V)


def fd_relu_hessian(W, V, alpha=0.0, h=1e-6) -> np.ndarray:
    """Central differences of leaky_gradient: O(h) where a pair is parallel
    (phi ~ theta^3), far better than second differences of the loss there."""
    H = np.empty((W.size, W.size))
    for a in range(W.size):
        E = np.zeros(W.size)
        E[a] = h
        E = E.reshape(W.shape)
        step = leaky_gradient(W + E, V, alpha) - leaky_gradient(W - E, V, alpha)
        H[:, a] = step.ravel() / (2 * h)
    return (H + H.T) / 2


def gradient_mp(W, V) -> float:
    """|grad L| at 50 digits (relu, any teachers), from the exact doubles."""
    with mpmath.workdps(50):
        X = [[mpmath.mpf(float(x)) for x in row] for row in np.vstack([W, V])]
        s = [1] * len(W) + [-1] * len(V)

        def dot(a, b):
            return mpmath.fsum(x * y for x, y in zip(a, b, strict=True))

        total = mpmath.mpf(0)
        for i in range(len(W)):
            w, nw = X[i], mpmath.sqrt(dot(X[i], X[i]))
            g = [x / 2 for x in w]
            for q, u in enumerate(X):
                if q == i:
                    continue
                nu = mpmath.sqrt(dot(u, u))
                t = mpmath.acos(max(-1, min(1, dot(w, u) / (nw * nu))))
                for c in range(len(w)):
                    g[c] += (
                        s[q]
                        * ((mpmath.pi - t) * u[c] + nu * mpmath.sin(t) * w[c] / nw)
                        / (2 * mpmath.pi)
                    )
            total += mpmath.fsum(x * x for x in g)
        return float(mpmath.sqrt(total))


MODELS = [
    ("relu", 0.0),
    ("leaky_relu", 0.3),
    ("leaky_relu", -1.0),
    ("erf", 0.0),
    ("quadratic", 0.0),
]


@pytest.mark.parametrize(("activation", "alpha"), MODELS, ids=lambda x: str(x))
@pytest.mark.parametrize("m", [1, 2], ids=["one teacher", "two teachers"])
def test_all_eigenvalues_match_finite_differences(activation, alpha, m):
    """n d = 21 eigenvalues at a generic point, d = 7 > k = n + m: the span's
    and the closed-form block's."""
    rng = np.random.default_rng(3)
    W, V = 0.6 * rng.standard_normal((3, 7)), np.eye(7)[:m]
    expected = np.linalg.eigvalsh(fd_hessian(W, V, activation, alpha))
    got = full_spectrum(W, V, activation, alpha).values
    assert got.shape == (21,)
    scale = max(1.0, np.abs(expected).max())
    np.testing.assert_allclose(got, expected, atol=2e-6 * scale)


@pytest.mark.parametrize(
    ("n", "d", "lam"),
    [(1, 4, (1.0,)), (2, 3, (0.5, 0.5)), (3, 5, (0.2, 0.3, 0.5)), (4, 6, (0.7, 0.1, 0.1, 0.1)),
     (5, 2, (0.05, 0.15, 0.2, 0.25, 0.35))],
)  # fmt: skip
@pytest.mark.parametrize("axis", [False, True], ids=["v random", "v = e1"])
def test_global_minimum_has_d_eigenvalues_n_over_2_and_the_rest_zero(n, d, lam, axis):
    """v = e1 makes the students parallel to rounding in a 1-D reduced span
    (the case that once normalised rounding noise in neuronlab.models.relu)."""
    rng = np.random.default_rng(n)
    v = np.eye(d)[0] if axis else rng.standard_normal(d)
    v /= np.linalg.norm(v)
    W = np.outer(lam, v)
    cp = classify(W, v)
    expected = np.r_[np.zeros((n - 1) * d), np.full(d, n / 2)]
    np.testing.assert_allclose(cp.eigenvalues, expected, atol=1e-12)
    np.testing.assert_allclose(
        np.linalg.eigvalsh(fd_relu_hessian(W, v[None])), expected, atol=1e-5
    )
    assert (cp.kind, cp.index, cp.nullity) == ("global minimum", 0, (n - 1) * d)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_a_run_end_polishes_to_a_global_minimum(n):
    """n = 1: isolated (no zero eigenvalue, |grad| at rounding); n >= 2: on the
    flat set, (n - 1) d zero modes."""
    traj = simulate(RunConfig(n=n, d=5, sigma=0.1, eta=0.1, steps=5_000, seed=1))
    cp = critical_point(traj.final_W, traj.v)
    assert cp.kind == "global minimum"
    assert cp.nullity == (n - 1) * 5
    assert cp.grad_norm <= 1e-12
    assert gradient_mp(cp.W, traj.v[None]) <= 1e-12
    np.testing.assert_allclose(cp.W.sum(axis=0), traj.v, atol=1e-10)


def _stuck(k: int, seed: int):
    config = RunConfig(
        d=k, teachers=k, n=k, sigma=1 / math.sqrt(k), eta=0.1, steps=5_000, seed=seed
    )
    traj = simulate(config)
    assert traj.loss[-1] > 1e-3  # the seed is a stuck one (Safran & Shamir)
    return traj


def test_safran_shamir_stuck_run_is_a_strict_local_minimum():
    """k = n = 8: the commonest spurious minimum, L = 0.0215 (Safran & Shamir).
    Critical at 50 digits; all 64 eigenvalues positive, as finite differences
    of the plain gradient say."""
    traj = _stuck(8, 9)
    cp = critical_point(traj.final_W, traj.teachers)
    assert (cp.kind, cp.index, cp.nullity) == ("local minimum", 0, 0)
    assert gradient_mp(cp.W, traj.teachers) <= 1e-13
    assert cp.loss == pytest.approx(plain_loss(cp.W, traj.teachers), rel=1e-12)
    assert round(cp.loss, 4) == 0.0215
    fd = np.linalg.eigvalsh(fd_relu_hessian(cp.W, traj.teachers))
    np.testing.assert_allclose(cp.eigenvalues, fd, atol=1e-6)
    assert fd.min() > 0.01


def test_a_split_minimum_is_a_critical_saddle():
    """One student on two orthogonal teachers rests at c (e1 + e2), c from a
    root of the plain gradient; split in two (any fraction) it is still
    critical at 50 digits, the network unchanged, and a saddle with the
    negative eigenvalues that finite differences find."""
    V = np.eye(3)[:2]
    c = 1.0683098861837907  # brentq on relu_gradient along e1 + e2, below
    assert abs(relu_gradient(np.array([[c, c, 0.0]]), V)[0, 0]) < 1e-15
    cp = critical_point(np.array([[c + 1e-3, c - 2e-3, 1e-3]]), V)
    assert cp.kind == "local minimum"
    np.testing.assert_allclose(cp.W, [[c, c, 0.0]], atol=1e-14)
    for fraction in (0.5, 0.2):
        split = split_point(cp, 0, fraction=fraction)
        assert gradient_mp(split.W, V) <= 1e-14
        assert split.loss == pytest.approx(cp.loss, rel=1e-14)
        fd = np.linalg.eigvalsh(fd_relu_hessian(split.W, V))
        # The split pair is parallel: phi ~ theta^3 leaves central differences O(h).
        np.testing.assert_allclose(split.eigenvalues, fd, atol=1e-5)
        assert (split.kind, split.index, split.nullity) == ("saddle", 2, 1)


@pytest.mark.parametrize(("activation", "alpha"), MODELS[1:], ids=lambda x: str(x))
def test_other_activations_polish_to_critical_points(activation, alpha):
    """Two teachers, two students, from a short run's end: the polished point
    is critical per central differences of the plain loss, and its spectrum
    is the finite-difference one."""
    config = RunConfig(n=2, d=4, teachers=2, sigma=0.3, eta=0.05, steps=2_000, seed=0,
                       activation=activation, alpha=alpha)  # fmt: skip
    traj = simulate(config)
    cp = critical_point(traj.final_W, traj.teachers, activation=activation, alpha=alpha)
    assert cp.grad_norm <= 1e-12
    assert cp.kind != "not critical"
    x0, h = cp.W.ravel(), 1e-6
    fd_grad = [
        (plain_loss((x0 + e).reshape(2, 4), traj.teachers, activation, alpha)
         - plain_loss((x0 - e).reshape(2, 4), traj.teachers, activation, alpha)) / (2 * h)
        for e in np.eye(8) * h
    ]  # fmt: skip
    assert np.abs(fd_grad).max() < 1e-8
    if activation == "leaky_relu":  # students may sit on teachers: see fd_relu_hessian
        fd = np.linalg.eigvalsh(fd_relu_hessian(cp.W, traj.teachers, alpha))
    else:
        fd = np.linalg.eigvalsh(fd_hessian(cp.W, traj.teachers, activation, alpha))
    np.testing.assert_allclose(cp.eigenvalues, fd, atol=1e-5 * max(1, np.abs(fd).max()))


def test_refusals():
    v = np.array([1.0, 0.0])
    with pytest.raises(ValueError, match="every output weight must be positive"):
        critical_point(np.ones((2, 2)), v, a=np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match="a must have shape"):
        critical_point(np.ones((2, 2)), v, a=np.ones(3))
    with pytest.raises(ValueError, match=r"erf.*not positively homogeneous"):
        critical_point(np.ones((2, 2)), v, activation="erf", a=np.ones(2))
    with pytest.raises(ValueError, match="student is zero"):
        critical_point(np.array([[1.0, 0.0], [0.0, 0.0]]), v)
    with pytest.raises(ValueError, match="not positively homogeneous"):
        split_point(np.ones((1, 2)), 0, v, activation="erf")


def test_teachers_table_certifies_its_stuck_runs():
    """k = n = 7, seeds 5 and 6 (5 sticks): the table names the minimum to 12
    digits, the plain kernel sum agrees, and its 49 eigenvalues are positive."""
    from neuronlab.analysis import beyond
    from neuronlab.analysis.experiments import EXPERIMENTS

    plan = EXPERIMENTS["teachers"]
    todo = [
        (arm, seed) for arm, seed in beyond.tasks(plan, 1, k=7) if arm.config.n == 7
    ]
    runs = [beyond.run_task(plan, todo[0][0], seed) for seed in (5, 6)]
    stuck = [r.certificate for r in runs if r.certificate is not None]
    assert len(stuck) == 1
    V = np.eye(7)
    assert f"{plain_loss(stuck[0].W, V):.12f}" == f"{stuck[0].loss:.12f}"
    assert stuck[0].smallest > 0
    row = beyond.measure(plan, runs).iloc[0]
    assert row["certified (L: kind, λ_min)"].startswith(
        f"{stuck[0].loss:.12f} ×1: local minimum"
    )


def test_eigenvectors_are_orthonormal_eigenvectors_of_the_fd_hessian():
    """Every direction(i), span and complement copies alike, against the
    finite-difference Hessian of the plain loss (d = 6 > k = 3)."""
    rng = np.random.default_rng(5)
    W, v = 0.7 * rng.standard_normal((2, 6)), np.eye(6)[0]
    spectrum = full_spectrum(W, v)
    H = fd_hessian(W, v[None])
    vectors = np.array([spectrum.direction(i).ravel() for i in range(12)])
    np.testing.assert_allclose(vectors @ vectors.T, np.eye(12), atol=1e-12)
    np.testing.assert_allclose(
        H @ vectors.T, vectors.T * spectrum.values, atol=1e-6 * np.abs(H).max()
    )

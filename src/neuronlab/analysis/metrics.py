"""Every quantity of the proofs at each record (paper-notes §1, §12), as a frame.

Angles come from the compiled half-angle kernel, so they stay accurate when the
students align to 1e-9 and beyond (DESIGN §3.2). The paper's per-student
quantities (theta_i, h_i, H, z_i, Z, kappa) are defined for one teacher; with m
teachers the frame has their per-teacher analogues instead (beyond-notes §5,
`teacher_row`).
"""

from typing import TYPE_CHECKING

import numpy as np

from neuronlab.models import kernels

if TYPE_CHECKING:  # loaded by the first frame (neuronlab/__init__ says why)
    import pandas as pd


def _pair_angles(rows: np.ndarray) -> np.ndarray:
    """Angles (m, m) between the rows of (m, k); 0 where a row is zero."""
    return kernels.pair_angles(rows)[2]


def record_row(W: np.ndarray, v: np.ndarray) -> dict[str, float]:
    """Metrics of one state: W (n, k) students, v (k,) teacher."""
    n = W.shape[0]
    vnorm = float(np.linalg.norm(v))
    vbar = v / vnorm
    theta_all = _pair_angles(np.vstack([W, v]))
    theta = theta_all[:n, n]
    h = W @ vbar
    z = W - np.outer(h, vbar)
    norms = np.linalg.norm(W, axis=1)
    z_norms = np.linalg.norm(z, axis=1)
    row = {f"theta_{i + 1}": theta[i] for i in range(n)}
    row["theta_max"] = float(theta.max())
    upper = np.triu_indices(n, 1)
    pair = theta_all[:n, :n][upper]
    row["theta_pair_min"] = float(pair.min()) if n > 1 else np.nan
    row["theta_pair_max"] = float(pair.max()) if n > 1 else np.nan
    row |= {f"h_{i + 1}": h[i] for i in range(n)}
    row["balance"] = float(h.max() / h.min()) if h.min() > 0 else np.nan
    row["H"] = vnorm - float(h.sum())
    row["r_norm"] = float(np.linalg.norm(W.sum(axis=0) - v))
    row |= {f"norm_{i + 1}": norms[i] for i in range(n)}
    row["norm_min"], row["norm_max"] = float(norms.min()), float(norms.max())
    row |= {f"z_norm_{i + 1}": z_norms[i] for i in range(n)}
    row["Z"] = float(np.linalg.norm(z[:, None, :] - z[None, :, :], axis=2)[upper].sum())
    live = z_norms > 0
    kappa = _pair_angles(z[live])[np.triu_indices(int(live.sum()), 1)]
    row["kappa_max"] = float(kappa.max()) if kappa.size else np.nan
    row["V"] = float(np.sum(np.sin(theta / 2) ** 2))
    return row


def teacher_row(W: np.ndarray, V: np.ndarray) -> dict[str, float]:
    """Metrics of one state with m > 1 teachers: W (n, k), V (m, k).

    nearest_teacher_i : the teacher (1..m) at the smallest angle to w_i, and
    theta_nearest_i that angle; share_j = sum of <w_i, v_j/|v_j|> over the
    students nearest to v_j, divided by |v_j| (1 when they carry it exactly),
    students_j how many they are; teacher_balance = the largest h_max/h_min
    among the students of one teacher (h_i = <w_i, v_j/|v_j|>; NaN if some
    h_i <= 0); theta_max, norm_min, norm_max, r_norm as for one teacher.
    """
    n, m = W.shape[0], V.shape[0]
    theta = _pair_angles(np.vstack([W, V]))[:n, n:]
    nearest = np.argmin(theta, axis=1)
    vnorms = np.linalg.norm(V, axis=1)
    h = np.einsum("ik,ik->i", W, V[nearest]) / vnorms[nearest]
    norms = np.linalg.norm(W, axis=1)
    row = {f"nearest_teacher_{i + 1}": int(nearest[i]) + 1 for i in range(n)}
    row |= {f"theta_nearest_{i + 1}": theta[i, nearest[i]] for i in range(n)}
    row["theta_max"] = float(theta[np.arange(n), nearest].max())
    balances = []
    for j in range(m):
        mine = nearest == j
        row[f"students_{j + 1}"] = int(mine.sum())
        row[f"share_{j + 1}"] = float(h[mine].sum() / vnorms[j])
        if mine.any():
            ok = h[mine].min() > 0
            balances.append(h[mine].max() / h[mine].min() if ok else np.nan)
    shares = [row[f"share_{j + 1}"] for j in range(m)]
    row["share_min"], row["share_max"] = float(min(shares)), float(max(shares))
    row["teacher_balance"] = float(np.max(balances))
    row["r_norm"] = float(np.linalg.norm(W.sum(axis=0) - V.sum(axis=0)))
    row |= {f"norm_{i + 1}": norms[i] for i in range(n)}
    row["norm_min"], row["norm_max"] = float(norms.min()), float(norms.max())
    return row


def metrics_frame(
    steps: np.ndarray,
    time: np.ndarray,
    loss: np.ndarray,
    W: np.ndarray,
    v: np.ndarray,
    empirical_loss: np.ndarray | None = None,
    diagnostics: dict[str, np.ndarray] | None = None,
    a: np.ndarray | None = None,
) -> "pd.DataFrame":
    """One row per record: W (R, n, k), v (k,) one teacher or (m, k); derived
    rates last (record_row's columns for one teacher, teacher_row's for m).

    a : (R, n) trained output weights, or None (fixed at 1). With them the
    network is sum_i s(u_i.x), u_i = a_i w_i (a_i > 0, positive homogeneity),
    so the paper's quantities (angles, h, H, norms, z, Z) are those of the
    effective students u_i, comparable with a fixed layer's; the frame adds
    a_i and balancedness_i = a_i^2 - |w_i|^2, which gradient flow conserves
    (Du, Hu & Lee 2018).

    local_exponent = d log L / d log t (centred differences on the log grid);
    log_eta_t_loss = ln L / ln t, the paper's Figure 1 right (t = eta T for GD).
    diagnostics : the optimiser's own columns, (R,) each, appended last.
    """
    import pandas as pd  # here: neuronlab/__init__ says why

    row = record_row if v.ndim == 1 else teacher_row
    effective = W if a is None else a[:, :, None] * W
    frame = pd.DataFrame([row(Wr, v) for Wr in effective])
    if a is not None:
        gap = a**2 - np.einsum("rik,rik->ri", W, W)
        for i in range(a.shape[1]):
            frame[f"a_{i + 1}"] = a[:, i]
        for i in range(a.shape[1]):
            frame[f"balancedness_{i + 1}"] = gap[:, i]
    frame.insert(0, "step", steps)
    frame.insert(1, "time", time)
    frame.insert(2, "loss", loss)
    if empirical_loss is not None:
        frame.insert(3, "empirical_loss", empirical_loss)
    with np.errstate(divide="ignore", invalid="ignore"):
        # 1/cbrt(L), not cbrt(1/L): 1/L overflows for subnormal L (GN reaches 1e-310).
        frame["loss_inv_cbrt"] = np.where(loss > 0, 1.0 / np.cbrt(loss), np.nan)
        if "Z" in frame:
            frame["Z_inv"] = np.where(frame["Z"] > 0, 1.0 / frame["Z"], np.nan)
        frame["local_exponent"] = _local_exponent(time, loss)
        frame["log_eta_t_loss"] = np.where(
            (time > 1) & (loss > 0), np.log(loss) / np.log(time), np.nan
        )
    for name, values in (diagnostics or {}).items():
        frame[name] = values
    return frame


def _local_exponent(time: np.ndarray, loss: np.ndarray) -> np.ndarray:
    out = np.full(time.shape, np.nan)
    ok = (time > 0) & (loss > 0)
    if ok.sum() >= 2:
        out[ok] = np.gradient(np.log(loss[ok]), np.log(time[ok]))
    return out

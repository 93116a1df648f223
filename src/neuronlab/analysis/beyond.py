"""The questions the paper leaves open, as experiments (beyond-notes; issue 11).

Each experiment is a question, its arms (one config per curve, run over seeds)
and what the lab measures from the finished runs. Pure and in pieces, so a
caller can run the tasks in the background with progress and stop between them:
`tasks(experiment, seeds, **knobs)` lists (arm, seed) runs, `run_task` runs one,
`measure(experiment, runs)` makes the table the Beyond page shows and
`bands(runs, column)` the median and band of each arm's curve: the one
pipeline of neuronlab.runs.pipeline, with the experiments' own tables.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from neuronlab.analysis.landscape import critical_point, distinct_minima
from neuronlab.analysis.summary import first_time_below, tail_exponent
from neuronlab.dynamics.run import simulate
from neuronlab.runs.pipeline import (  # noqa: F401 (bands: this module's API)
    BAND,
    COLUMNS,
    Arm,
    Run,
    bands,
    by_arm,
    plan,
    run_one,
)

TARGET = 1e-9  # "time to L < 1e-9" in the tables
# Below this share of L(0) a loss is rounding, not a rate: 1e-26 for the exact
# forms (DESIGN §3.1), 1e-14 for erf, whose kernel expansion subtracts O(1) terms.
FLOOR = {"erf": 1e-14}
EXACT_FLOOR = 1e-26
ALIGNED = 0.1  # rad: theta_max below this counts as aligned (neuronlab.analysis.phases)
BAD_LOSS = 1e-3  # Safran & Shamir's threshold for a spurious minimum
# Safran & Shamir (ICML 2018), % of starts ending in a spurious minimum, by k,
# for n = k and n = k + 1 (beyond-notes §5; None: not reported).
SAFRAN_SHAMIR = {
    6: (0.3, 0.0), 7: (5.5, 0.0), 8: (12.6, 0.1), 9: (21.8, 0.0), 10: (34.6, 0.1),
    12: (58.5, 0.3), 14: (73.6, 5.5), 16: (85.1, 18.0), 18: (90.0, 36.9),
    20: (94.0, None),
}  # fmt: skip


@dataclass(frozen=True)
class Experiment:
    """arms(**knobs) -> tuple of Arm; knobs : their defaults; seeds : the
    default number per arm.  measure(runs) -> table, one row per arm.  extras :
    metric columns kept beyond COLUMNS.  guides : (exponent, label) power laws
    t^exponent worth drawing over the loss.  certify : polish the runs that end
    with L >= BAD_LOSS to a critical point (Run.certificate)."""

    key: str
    arms: Callable
    knobs: dict
    seeds: int
    measure: Callable
    extras: tuple[str, ...] = ()
    guides: tuple[tuple[float, str], ...] = field(default=())
    certify: bool = False


def tasks(experiment: Experiment, seeds: int, **knobs) -> list[tuple[Arm, int]]:
    """Every (arm, seed) run of the experiment, arm by arm (pipeline.plan)."""
    return plan(experiment.arms(**{**experiment.knobs, **knobs}), seeds)


def run_task(experiment: Experiment, arm: Arm, seed: int, run=simulate) -> Run:
    """Run one (arm, seed), keeping COLUMNS and the experiment's extras
    (pipeline.run_one); `run(config)` may be a chunked, stoppable simulate. An
    experiment that certifies polishes a stuck run's end (L >= BAD_LOSS) to its
    critical point (neuronlab.analysis.landscape)."""
    certify = _stuck_point if experiment.certify else None
    return run_one(arm, seed, (*COLUMNS, *experiment.extras), run, certify)


def _stuck_point(traj):
    if traj.loss[-1] < BAD_LOSS:
        return None
    return critical_point(traj.final_W, traj.teachers)


def measure(experiment: Experiment, runs: list[Run]) -> pd.DataFrame:
    """The experiment's table, one row per arm, in arm order."""
    return experiment.measure(runs)


def _median(values) -> float:
    values = [v for v in values if np.isfinite(v)]
    return float(np.median(values)) if values else float("nan")


def tail_kind(run: Run) -> str:
    """What the last decade of a run is: "power law" (falling, above the
    rounding floor: a fitted exponent means something), "at the floor" or
    "not falling" (e.g. Adam's oscillation with a constant step)."""
    frame = run.frame
    tail = frame[frame.time >= frame.time.iloc[-1] / 10]
    floor = FLOOR.get(run.config.activation, EXACT_FLOOR) * frame.loss.iloc[0]
    if len(tail) < 3 or tail.loss.min() <= floor:
        return "at the floor"
    return "power law" if tail.loss.iloc[-1] < tail.loss.iloc[0] else "not falling"


def rates(runs: list[Run]) -> pd.DataFrame:
    """Per arm: the tail exponent (slope of log L on log t over the last
    decade, median over the seeds whose tail is a falling power law; "tail"
    says what the rest are), steps and seconds to L < TARGET, the final loss;
    medians over seeds."""
    rows = []
    for label, mine in by_arm(runs).items():
        t_end = mine[0].frame.time.iloc[-1]
        steps = [first_time_below(r.frame, TARGET) / r.config.eta for r in mine]
        kinds = [tail_kind(r) for r in mine]
        laws = [r for r, kind in zip(mine, kinds, strict=True) if kind == "power law"]
        rows.append(
            {
                "arm": label,
                "seeds": len(mine),
                "tail": max(set(kinds), key=kinds.count),
                "tail exponent": _median(tail_exponent(r.frame) for r in laws),
                "fit range (t)": f"{t_end / 10:.3g} – {t_end:.3g}",
                f"steps to L < {TARGET:g}": _median(steps),
                f"seconds to L < {TARGET:g}": _median(
                    np.array(steps) * np.array([r.seconds_per_step for r in mine])
                ),
                "final loss": _median(r.frame.loss.iloc[-1] for r in mine),
                "diverged": sum(r.status == "diverged" for r in mine),
            }
        )
    return pd.DataFrame(rows)


def balance(runs: list[Run]) -> pd.DataFrame:
    """rates plus the worst balance h_max/h_min once aligned (theta_max <=
    ALIGNED; the theorems keep it <= 2 from T1 on), over seeds, and the share
    of seeds whose final norms sit in [|v|/4n, 4|v|/n] (Theorem 6)."""
    table = rates(runs)
    worst, inside = [], []
    for mine in by_arm(runs).values():
        aligned = [r.frame[r.frame.theta_max <= ALIGNED] for r in mine]
        worst.append(max((f.balance.max() for f in aligned if len(f)), default=np.nan))
        inside.append(np.mean([_in_band(r) for r in mine]))
    return table.assign(
        **{"worst h_max/h_min once aligned": worst, "norms in band": inside}
    )


def constants(runs: list[Run]) -> pd.DataFrame:
    """rates plus C of L ~ C t^-3 (t = eta * step): the median of L t^3 over
    each run's last decade, medians over the seeds whose tail is a falling
    power law (at the rounding floor, as n = 1 sits, L t^3 is rounding, not the
    constant of a law: NaN), and its ratio to the first arm's (the reference:
    gradient flow in the step-size experiment)."""
    table = rates(runs)
    c = []
    for mine in by_arm(runs).values():
        laws = [r.frame for r in mine if tail_kind(r) == "power law"]
        tails = [f[f.time >= f.time.iloc[-1] / 10] for f in laws]
        c.append(_median(float(np.median(f.loss * f.time**3)) for f in tails))
    return table.assign(
        **{"C = L·t³ (last decade)": c, "C / C of the first": np.array(c) / c[0]}
    )


def layers(runs: list[Run]) -> pd.DataFrame:
    """constants (C of L ~ C t^-3) plus, per arm, C over C of the fixed layer
    with the same n, the output weights a_i at the end (smallest and largest
    over students and seeds) and the largest drift of a_i^2 - |w_i|^2 from its
    start (gradient flow conserves it; GD only approximately): NaN for a fixed
    layer."""
    table = constants(runs).drop(columns="C / C of the first")
    exponential = [
        _median(_linear_rate(r) for r in mine) for mine in by_arm(runs).values()
    ]
    table = table.assign(**{"linear rate −d ln L/dt (n = 1)": exponential})
    fixed = {
        mine[0].config.n: c
        for mine, c in zip(by_arm(runs).values(), table["C = L·t³ (last decade)"],
                           strict=True)
        if mine[0].config.output == "fixed"
    }  # fmt: skip
    ratio, low, high, drift = [], [], [], []
    for mine, c in zip(by_arm(runs).values(), table["C = L·t³ (last decade)"],
                       strict=True):  # fmt: skip
        ratio.append(c / fixed.get(mine[0].config.n, np.nan))
        a = [r.frame.filter(regex=r"^a_\d+$").iloc[-1] for r in mine]
        gaps = [r.frame.filter(like="balancedness_") for r in mine]
        low.append(min((x.min() for x in a if len(x)), default=np.nan))
        high.append(max((x.max() for x in a if len(x)), default=np.nan))
        drift.append(
            max((float((g - g.iloc[0]).abs().max().max()) for g in gaps if g.size),
                default=np.nan)
        )  # fmt: skip
    return table.assign(
        **{
            "C / C of fixed a (same n)": ratio,
            "final a: min": low,
            "final a: max": high,
            "max drift of aᵢ² − ‖wᵢ‖²": drift,
        }
    )


def _linear_rate(run: Run) -> float:
    """-d ln L / dt fitted where L falls from 1e-3 L(0) to 1e6 x the rounding
    floor: a rate where the loss falls exponentially (n = 1), NaN where its
    tail is a power law (it never reaches the floor)."""
    if tail_kind(run) != "at the floor":
        return float("nan")
    frame, start = run.frame, run.frame.loss.iloc[0]
    floor = FLOOR.get(run.config.activation, EXACT_FLOOR) * start
    part = frame[(frame.loss < 1e-3 * start) & (frame.loss > 1e6 * floor)]
    if len(part) < 3:
        return float("nan")
    return float(-np.polyfit(part.time, np.log(part.loss), 1)[0])


def _in_band(run: Run) -> bool:
    last, n, v = run.frame.iloc[-1], run.config.n, run.config.teacher_norm
    return bool(v / (4 * n) <= last.norm_min and last.norm_max <= 4 * v / n)


def spurious(runs: list[Run]) -> pd.DataFrame:
    """Per (k, n): seeds ending with L >= BAD_LOSS, the fraction with a 95 %
    Wilson interval, beside Safran & Shamir's percentage; where the runs were
    certified, the distinct critical points they polish to (loss to 12 digits,
    kind, smallest Hessian eigenvalue: all positive for a true minimum)."""
    # Imported here: scipy.stats takes ~0.6 s to import, paid by every page of a
    # fresh server if at the top (the app's fields import this module).
    from scipy.stats import binomtest

    rows = []
    for label, mine in by_arm(runs).items():
        bad = sum(r.frame.loss.iloc[-1] >= BAD_LOSS for r in mine)
        interval = binomtest(bad, len(mine)).proportion_ci(0.95, method="wilson")
        k, n = mine[0].config.teachers, mine[0].config.n
        paper = SAFRAN_SHAMIR.get(k, (None, None))[n - k]
        paper = float("nan") if paper is None else paper
        rows.append(
            {
                "arm": label,
                "k": k,
                "n": n,
                "seeds": len(mine),
                f"ended with L ≥ {BAD_LOSS:g}": bad,
                "fraction": bad / len(mine),
                "95 % low": interval.low,
                "95 % high": interval.high,
                "Safran & Shamir (%)": paper,
                "final loss of the bad (median)": _median(
                    r.frame.loss.iloc[-1]
                    for r in mine
                    if r.frame.loss.iloc[-1] >= BAD_LOSS
                ),
                "certified (L: kind, λ_min)": _certified(mine),
            }
        )
    return pd.DataFrame(rows)


def _certified(runs: list[Run]) -> str:
    """The distinct polished points of the stuck runs, one "L: kind, λ_min" each."""
    points = [r.certificate for r in runs if r.certificate is not None]
    if not points:
        return "—"
    return "; ".join(
        f"{m['loss']} ×{m['count']}: {m['kind']}, λ_min {m['smallest eigenvalue']:.4g}"
        for m in distinct_minima(points)
    )

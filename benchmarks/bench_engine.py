"""The engine against its peers, in one run: µs per GD step, scaling, long horizons.

Run from the repository root:  python -m benchmarks.bench_engine [--quick]

Every timing is time.perf_counter around one call, with a step count calibrated
so that one call takes about `--seconds`, in 5 rounds that each call the engine
and its peers in turn; a figure is the median of the rounds and a ratio the
median [min-max] of the rounds' own ratios (benchmarks/rounds.py), so the ratios
survive a noisy shared machine.
"""

import argparse
import importlib.metadata
import math
import os
import platform
import time
from collections.abc import Callable

import jax.numpy as jnp
import mpmath
import numpy as np

import neuronlab
from benchmarks import peers, rounds
from neuronlab.dynamics import loop
from neuronlab.models import kernels
from neuronlab.models.registry import workspace

CASES = ((3, 10), (5, 100), (20, 10), (50, 1000))
SIGMA = 0.01
TARGETS = "targets: ours >= 2x jax; at n=3 d=10 >= 50x numpy and <= 0.5 us/step"


def machine_header() -> str:
    """CPU model and core count, Python and the packages that are timed."""
    with open("/proc/cpuinfo") as f:
        lines = f.read().splitlines()
    models = [line.split(":", 1)[1].strip() for line in lines if "model name" in line]
    names = ("numpy", "numba", "llvmlite", "scipy", "jax", "jaxlib")
    versions = " ".join(f"{p}=={importlib.metadata.version(p)}" for p in names)
    # OpenBLAS threads fight other load on a shared 2-core machine (numpy's linalg).
    threads = " ".join(
        f"{k}={os.environ.get(k, 'unset')}"
        for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "NUMBA_NUM_THREADS")
    )
    load = os.getloadavg()[0]
    return (
        f"CPU: {models[0] if models else platform.processor()} x {len(models)}, "
        f"load average {load:.2f} at start\n"
        f"Python {platform.python_version()}  {versions}\n{threads}"
    )


def best_seconds(call: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Shortest wall time of `repeats` calls, and the last call's result."""
    best, result = math.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - start)
    return best, result


def calibrate(run: Callable[[int], object], seconds: float, max_steps: int) -> int:
    """A step count for which one run(steps) takes about `seconds`.

    Grows the count 4x at a time until stepping, not a fixed cost (setup, records),
    dominates a call, then extrapolates with the marginal cost per step."""
    steps, before = 16, best_seconds(lambda: run(16), 1)[0]
    while steps < max_steps:
        steps = min(4 * steps, max_steps)
        after = best_seconds(lambda s=steps: run(s), 1)[0]
        if after >= seconds / 10 and after >= 2 * before:
            break
        before = after
    marginal = max((after - before) / (0.75 * steps), after / steps / 4)
    return int(min(max_steps, max(steps, steps + (seconds - after) / marginal)))


def interleaved(
    runs: dict[str, tuple[Callable[[int], object], int]], repeats: int
) -> dict[str, tuple[list[float], object]]:
    """µs per step of each named (run, steps) in each of `repeats` rounds that
    call every run in turn (so a burst of load hits all of them), and its result."""
    each: dict[str, tuple[list[float], object]] = {name: ([], None) for name in runs}
    for _ in range(repeats):
        for name, (run, steps) in runs.items():
            elapsed, result = best_seconds(lambda r=run, s=steps: r(s), 1)
            each[name] = ([*each[name][0], 1e6 * elapsed / steps], result)
    return each


def timed(
    runs: dict[str, Callable[[int], object]], seconds: float, repeats: int
) -> dict[str, tuple[list[float], object]]:
    """Calibrate each run (numpy at most 1e6 steps), then time them interleaved:
    µs per step of each round."""
    counts = {
        name: calibrate(run, seconds, 10**6 if name == "numpy" else 10**8)
        for name, run in runs.items()
    }
    return interleaved({name: (runs[name], counts[name]) for name in runs}, repeats)


def ours_simulate(n: int, d: int) -> Callable[[int], np.ndarray]:
    """run(steps): neuronlab.simulate with the default start, returning final_W (n, d)."""

    def run(steps: int) -> np.ndarray:
        cfg = neuronlab.RunConfig(
            n=n, d=d, sigma=SIGMA, eta=0.5 / n, steps=steps, seed=0
        )
        return neuronlab.simulate(cfg).final_W

    return run


def ours_advance(n: int, d: int) -> Callable[[int], neuronlab.RunState]:
    """run(steps): neuronlab.advance from a fresh RunState: the chunked path, recording
    on the log grid but building no Trajectory."""

    def run(steps: int) -> neuronlab.RunState:
        cfg = neuronlab.RunConfig(
            n=n, d=d, sigma=SIGMA, eta=0.5 / n, steps=steps, seed=0
        )
        return neuronlab.advance(neuronlab.start_run(cfg), max_steps=steps)

    return run


def ours_kernel(n: int, d: int) -> Callable[[int], np.ndarray]:
    """run(steps): the compiled step loop alone (neuronlab.dynamics.loop.run_gd, internal) on
    the reduced coordinates, no records: what simulate costs without its overhead."""
    cfg = neuronlab.RunConfig(n=n, d=d, sigma=SIGMA, eta=0.5 / n, steps=1, seed=0)
    state = neuronlab.start_run(cfg)
    work = workspace(cfg, *state.W.shape)
    model = neuronlab.MODELS[cfg.activation]

    def run(steps: int) -> np.ndarray:
        X = kernels.stack(state.W, state.v)
        loop.run_gd(model, X, cfg.eta, steps, state.memory.bound, work)
        return X

    return run


def peer(step_fn, n: int, d: int) -> Callable[[int], np.ndarray]:
    """run(steps): a peer's GD from the engine's default start."""
    W0, v = peers.default_start(n, d, SIGMA)
    return lambda steps: step_fn(W0, v, 0.5 / n, steps)


def relative_gap(W: np.ndarray, W_ref: np.ndarray) -> float:
    return float(np.max(np.abs(W - W_ref)) / np.max(np.abs(W_ref)))


def table_cases(seconds: float, repeats: int) -> None:
    """One row per (n, d): ours (simulate, advance, kernel), numpy, jax, ratios."""
    print(f"\n## µs per GD step (median of {repeats} rounds; {TARGETS})")
    print("ours = simulate; adv = advance on a RunState; kernel = compiled loop alone")
    print("ratios: median [min-max] of the rounds' own ratios")
    head = ("case", "ours", "adv", "kernel", "numpy", "jax", "jax/ours", "numpy/ours")
    print("{:<14}{:>9}{:>9}{:>9}{:>9}{:>9}{:>22}{:>18}  W gap to jax".format(*head))
    for n, d in CASES:
        run_jax = peer(peers.jax_gd, n, d)
        run_jax(1)  # compile
        runs = {
            "ours": ours_simulate(n, d),
            "adv": ours_advance(n, d),
            "kernel": ours_kernel(n, d),
            "numpy": peer(peers.numpy_gd, n, d),
        }
        us = {
            k: v[0]
            for k, v in timed({**runs, "jax": run_jax}, seconds, repeats).items()
        }
        mid = {name: rounds.median(values) for name, values in us.items()}
        steps = 10_000
        gap = relative_gap(runs["ours"](steps), run_jax(steps))
        print(
            f"n={n:<3}d={d:<6}{mid['ours']:9.3f}{mid['adv']:9.3f}{mid['kernel']:9.3f}"
            f"{mid['numpy']:9.2f}{mid['jax']:9.2f}"
            f"{rounds.spread(rounds.ratios(us['jax'], us['ours'])):>22}"
            f"{rounds.spread(rounds.ratios(us['numpy'], us['ours']), digits=0):>18}"
            f"  {gap:.1e} at {steps:.0e}"
        )


def table_dimension(seconds: float, repeats: int) -> None:
    """Exact reduction of dimension: d = 10 000 should cost what d = 10 costs."""
    print(f"\n## cost vs dimension, n = 5 (ours, median of {repeats}; target <= 1.3)")
    runs = {}
    for d in (10, 10_000):
        runs[f"simulate d={d}"] = ours_simulate(5, d)
        runs[f"kernel d={d}"] = ours_kernel(5, d)
    us = {k: v[0] for k, v in timed(runs, seconds, repeats).items()}
    for d in (10, 10_000):
        setup, _ = best_seconds(lambda d=d: ours_simulate(5, d)(1), repeats)
        print(
            f"d={d:<6} simulate {rounds.median(us[f'simulate d={d}']):.3f} µs/step, "
            f"kernel {rounds.median(us[f'kernel d={d}']):.3f} µs/step, "
            f"simulate(steps=1) {setup:.4f} s (best)"
        )
    ratio = rounds.ratios(us["simulate d=10000"], us["simulate d=10"])
    print(f"ratio d=10000 / d=10 (simulate): {rounds.spread(ratio)}")
    whole = {d: ours_simulate(5, d) for d in (10, 10_000)}
    spans = {d: [] for d in whole}
    for _ in range(repeats):  # a whole 1e5-step run, start-up included
        for d, run in whole.items():
            spans[d].append(best_seconds(lambda r=run: r(10**5), 1)[0])
    print(
        f"a whole 1e5-step run, d=10000 / d=10: "
        f"{rounds.spread(rounds.ratios(spans[10_000], spans[10]))} "
        f"(d=10: {1e3 * rounds.median(spans[10]):.1f} ms)"
    )


def long_run(steps: int) -> neuronlab.Trajectory:
    """n = 3, d = 10 for `steps` GD steps at eta = 0.5/3: seconds (target <= 5 s)."""
    cfg = neuronlab.RunConfig(n=3, d=10, sigma=SIGMA, eta=0.5 / 3, steps=steps, seed=0)
    elapsed, traj = best_seconds(lambda: neuronlab.simulate(cfg), 1)
    print(f"\n## long GD run, n=3 d=10, {steps:.0e} steps (target <= 5 s at 1e7)")
    print(
        f"{elapsed:.2f} s  ({1e6 * elapsed / steps:.3f} µs/step), final loss "
        f"{traj.loss[-1]:.3e}, status {traj.status}"
    )
    return traj


def flow_run(steps: int, repeats: int) -> neuronlab.Trajectory:
    """Gradient flow, n = 3, d = 10, eta = 0.1: t = eta * steps (target <= 2 s at 1e9)."""
    cfg = neuronlab.RunConfig(
        n=3, d=10, sigma=SIGMA, eta=0.1, steps=steps, seed=0, method="flow"
    )
    elapsed, traj = best_seconds(lambda: neuronlab.simulate(cfg), repeats)
    t = traj.time[-1]
    print(
        f"\n## gradient flow to t = {0.1 * steps:.0e} (best of {repeats}; "
        f"target <= 2 s at 1e9)"
    )
    print(
        f"{elapsed:.2f} s, {len(traj.time)} records, reached t = {t:.3e}, "
        f"loss {traj.loss[-1]:.3e}, status {traj.status}"
    )
    late = traj.time > t / 100
    slope = np.polyfit(np.log(traj.time[late]), np.log(traj.loss[late]), 1)[0]
    print(f"log-log slope over the last two decades: {slope:.3f}")
    return traj


def reference_angle(u: np.ndarray, w: np.ndarray) -> float:
    """Angle between the float64 vectors u and w, in 50-digit arithmetic."""
    with mpmath.workdps(50):
        U, V = mpmath.matrix(u.tolist()), mpmath.matrix(w.tolist())
        return float(mpmath.acos((U.T * V)[0] / (mpmath.norm(U) * mpmath.norm(V))))


def reference_loss(W: np.ndarray, v: np.ndarray) -> float:
    """Eq. 23 at the float64 point (W, v), every operation in 50 digits."""
    with mpmath.workdps(50):
        rows = [mpmath.matrix(w.tolist()) for w in W]
        teacher = mpmath.matrix(v.tolist())
        r = sum(rows[1:], rows[0]) - teacher

        def term(a, b):
            t = mpmath.acos((a.T * b)[0] / (mpmath.norm(a) * mpmath.norm(b)))
            return (mpmath.sin(t) - t * mpmath.cos(t)) * mpmath.norm(a) * mpmath.norm(b)

        n = len(rows)
        pairs = sum(term(rows[i], rows[j]) for i in range(n) for j in range(i))
        bracket = pairs - sum(term(w, teacher) for w in rows)
        return float((r.T * r)[0] / 4 + bracket / (2 * mpmath.pi))


def late_states(states: dict[str, np.ndarray], v: np.ndarray) -> None:
    """Angles, loss and gradient at late-phase states: the peers' arccos forms
    against the engine's, with 50-digit references for angle and loss."""
    print("\n## late-phase states, n=3 d=10: angles between students")
    print(
        f"{'state':<16}{'pair':<6}{'arccos':>12}{'half-angle':>14}{'50 digits':>14}"
        f"{'arccos err':>12}{'half err':>10}"
    )
    for label, W in states.items():
        for i, j in ((0, 1), (0, 2), (1, 2)):
            a, h = peers.angle_arccos(W[i], W[j]), peers.angle_half(W[i], W[j])
            ref = reference_angle(W[i], W[j])
            print(
                f"{label:<16}{i + 1}-{j + 1:<4}{a:12.4e}{h:14.6e}{ref:14.6e}"
                f"{abs(a - ref) / ref:12.1e}{abs(h - ref) / ref:10.1e}"
            )
    print("\n## late-phase states: loss (eq. 23) and gradient (eq. 4)")
    print(
        f"{'state':<16}{'50 digits':>12}{'ours':>12}{'peer':>12}{'ours err':>10}"
        f"{'peer err':>10}{'peer grad gap':>15}"
    )
    for label, W in states.items():
        ref, ours = reference_loss(W, v), neuronlab.population_loss(W, v)
        peer_loss = float(peers.loss(W, v))
        g_ours = neuronlab.population_gradient(W, v)
        gap = np.linalg.norm(peers.gradient(W, v) - g_ours) / np.linalg.norm(g_ours)
        print(
            f"{label:<16}{ref:12.3e}{ours:12.3e}{peer_loss:12.3e}"
            f"{abs(ours - ref) / ref:10.1e}{abs(peer_loss - ref) / ref:10.1e}"
            f"{gap:15.1e}"
        )


def jax_along(traj: neuronlab.Trajectory, checkpoints: list[int]) -> None:
    """The JAX peer run from the same start as `traj`, compared at each checkpoint
    (its weights' loss evaluated by the engine's accurate loss, and by its own)."""
    print("\n## JAX peer (arccos) vs ours along the same GD run, n=3 d=10 eta=0.5/3")
    print(
        f"{'step':>8}{'ours loss':>12}{'jax loss':>12}{'jax own L':>12}"
        f"{'rel diff':>10}{'ours min θij':>14}{'jax min θij':>13}"
    )
    W_jax, v = peers.default_start(3, 10, SIGMA)
    done = 0
    for step in checkpoints:
        W_jax = peers.jax_gd(W_jax, v, 0.5 / 3, step - done)
        done = step
        r = int(np.searchsorted(traj.steps, step))
        L_ours, W_ours = traj.loss[r], traj.weights(r)
        L_jax = neuronlab.population_loss(W_jax, v)
        own = float(peers.loss(jnp.asarray(W_jax), jnp.asarray(v), jnp))
        print(
            f"{step:8.0e}{L_ours:12.3e}{L_jax:12.3e}{own:12.3e}"
            f"{abs(L_jax - L_ours) / L_ours:10.1e}"
            f"{min_pair_angle(W_ours):14.3e}{min_pair_angle(W_jax):13.3e}"
        )


def min_pair_angle(W: np.ndarray) -> float:
    n = len(W)
    return min(peers.angle_half(W[i], W[j]) for i in range(n) for j in range(i))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run, ~30 s")
    parser.add_argument("--seconds", type=float, help="target seconds per timed call")
    args = parser.parse_args()
    seconds = args.seconds or (0.05 if args.quick else 0.5)
    repeats = 1 if args.quick else rounds.ROUNDS
    long_steps = 10**5 if args.quick else 10**7

    print("# Single-Neuron Dynamics Lab: engine vs peers")
    print(machine_header())
    print("\n## peer self-check (relative errors)")
    for name, err in peers.self_check().items():
        print(f"{name:<40}{err:.1e}")
    start = time.perf_counter()
    neuronlab.warm_up()
    print(f"neuronlab.warm_up(): {time.perf_counter() - start:.2f} s")

    table_cases(seconds, repeats)
    table_dimension(seconds, repeats)
    gd = long_run(long_steps)
    flow = flow_run(10**8 if args.quick else 10**10, repeats)
    late_states(
        {
            f"GD step {gd.steps[-1]:.0e}": gd.final_W,
            f"flow t={flow.time[-1]:.0e}": flow.final_W,
        },
        gd.v,
    )
    decades = round(math.log10(long_steps))
    jax_along(gd, [10**k for k in range(3, decades + 1)])


if __name__ == "__main__":
    main()

"""Speed of each optimiser: ours against our GD and against a JAX/optax peer.

    python -m benchmarks.bench_optimizers          # ~1-2 min on 2 cores
    python -m benchmarks.bench_optimizers --quick  # smoke run

Ours: `neuronlab.advance` on a started run (the chunked path, records included) for
`optimizer` in gd, momentum, nesterov, adam (in R^d) and gauss_newton (reduced
span). Peers: `jax.jit` + `lax.fori_loop` over the same closed-form gradient in
full d, float64 (benchmarks.peers.gradient), stepped by optax.sgd (momentum,
nesterov) and optax.adam; Gauss-Newton's peer builds the same closed-form
Gauss-Newton matrix in jnp and solves (G + lambda I) d = g with lambda = sqrt(L)
each step (no safeguard: it is timed before the rounding floor, where ours never
refuses a step either). Each figure is microseconds per step over
`--rounds` rounds (the median, and each ratio as the median [min-max] of the
rounds' own ratios); every round times ours, plain GD and the peer back to back,
so load on the shared machine hits all of them.
"""

import argparse
import math
import time

import jax
import jax.numpy as jnp
import optax
from jax import lax

import neuronlab
from benchmarks import peers, rounds
from neuronlab import RunConfig

jax.config.update("jax_enable_x64", True)

SETTINGS = {  # optimizer -> RunConfig fields (eta suits n = 3 and n = 10)
    "gd": {"eta": 0.1},
    "momentum": {"eta": 0.05, "beta": 0.9},
    "nesterov": {"eta": 0.05, "beta": 0.9},
    "adam": {"eta": 0.001},
    "gauss_newton": {"eta": 1.0},
}


def ours(config: RunConfig, steps: int) -> float:
    """Seconds for `steps` steps of neuronlab.advance from a warm, started run."""
    state = neuronlab.advance(neuronlab.start_run(config), max_steps=2)
    started = time.perf_counter()
    neuronlab.advance(state, max_steps=steps)
    return time.perf_counter() - started


def _optax_loop(transform):
    @jax.jit
    def loop(W, v, steps):
        def body(_, carry):
            W, opt_state = carry
            updates, opt_state = transform.update(peers.gradient(W, v, jnp), opt_state)
            return optax.apply_updates(W, updates), opt_state

        return lax.fori_loop(0, steps, body, (W, transform.init(W)))[0]

    return loop


def _gauss_newton_matrix(W):
    """The ReLU Gauss-Newton matrix (n d, n d) in jnp, e1/e2 form, full d."""
    n, d = W.shape
    U = W / jnp.linalg.norm(W, axis=1, keepdims=True)
    cos = jnp.clip(U @ U.T, -1.0, 1.0)
    theta = jnp.arccos(cos)
    sin = jnp.sin(theta)
    part = U[None, :, :] - cos[:, :, None] * U[:, None, :]
    e2 = part / jnp.maximum(jnp.linalg.norm(part, axis=2, keepdims=True), 1e-300)
    e1 = jnp.broadcast_to(U[:, None, :], (n, n, d))
    outer = jnp.einsum
    block = (math.pi - theta)[..., None, None] / (2 * math.pi) * jnp.eye(d)
    block += (
        (sin * cos)[..., None, None]
        / (2 * math.pi)
        * (outer("ija,ijb->ijab", e1, e1) - outer("ija,ijb->ijab", e2, e2))
    )
    block += (
        (sin * sin)[..., None, None]
        / (2 * math.pi)
        * (outer("ija,ijb->ijab", e1, e2) + outer("ija,ijb->ijab", e2, e1))
    )
    block = jnp.where(jnp.eye(n, dtype=bool)[..., None, None], 0.5 * jnp.eye(d), block)
    return block.transpose(0, 2, 1, 3).reshape(n * d, n * d)


@jax.jit
def _jax_gauss_newton(W, v, steps):
    def body(_, W):
        g = peers.gradient(W, v, jnp).ravel()
        damping = jnp.sqrt(jnp.maximum(peers.loss(W, v, jnp), 0.0))
        system = _gauss_newton_matrix(W) + damping * jnp.eye(g.size)
        return W - jnp.linalg.solve(system, g).reshape(W.shape)

    return lax.fori_loop(0, steps, body, W)


def peer(optimizer: str, config: RunConfig):
    """The JAX peer of `optimizer`: run(steps) -> seconds."""
    W0, v = (jnp.asarray(a) for a in neuronlab.default_start(config))
    if optimizer == "gd":
        loop = jax.jit(lambda W, v, steps: peers._jax_loop(W, v, config.eta, steps))
    elif optimizer == "gauss_newton":
        loop = _jax_gauss_newton
    else:
        transform = {
            "momentum": optax.sgd(config.eta, momentum=config.beta),
            "nesterov": optax.sgd(config.eta, momentum=config.beta, nesterov=True),
            "adam": optax.adam(
                config.eta, b1=config.beta, b2=config.beta2, eps=config.eps
            ),
        }[optimizer]
        loop = _optax_loop(transform)
    loop(W0, v, 2).block_until_ready()  # compile outside the timing

    def run(steps: int) -> float:
        started = time.perf_counter()
        loop(W0, v, steps).block_until_ready()
        return time.perf_counter() - started

    return run


def calibrate(timed, seconds: float) -> int:
    """A step count for which timed(steps) takes about `seconds`."""
    steps = 10
    while True:
        elapsed = timed(steps)
        if elapsed > seconds / 4 or steps >= 10**8:
            return max(10, int(steps * seconds / max(elapsed, 1e-9)))
        steps *= 10


def per_step(timers: dict, seconds: float, count: int) -> dict[str, list[float]]:
    """Microseconds per step of each timer in each of `count` interleaved rounds."""
    steps = {name: calibrate(timer, seconds) for name, timer in timers.items()}
    each: dict[str, list[float]] = {name: [] for name in timers}
    for _ in range(count):
        for name, timer in timers.items():
            each[name].append(timer(steps[name]) / steps[name] * 1e6)
    return each


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short smoke run")
    parser.add_argument("--rounds", type=int, default=rounds.ROUNDS)
    args = parser.parse_args(argv)
    seconds, count = (0.05, 2) if args.quick else (0.3, max(args.rounds, 1))
    neuronlab.warm_up()
    print(f"load average {' '.join(f'{x:.2f}' for x in __import__('os').getloadavg())}")
    print("µs per step (medians of the rounds); ours = neuronlab.advance (records "
          "included), jax = peer in full d; ratios: median [min-max] of each "
          f"round's own ratio, {count} rounds")  # fmt: skip
    print(f"{'optimizer':>13} {'n':>3} {'d':>4} {'ours':>9} {'jax':>9} "
          f"{'ours/GD':>20} {'jax/ours':>20}")  # fmt: skip
    for n, d in ((3, 10), (10, 20)):
        gd_rounds = None
        for optimizer, fields in SETTINGS.items():
            config = RunConfig(n=n, d=d, sigma=0.1, steps=10**9, optimizer=optimizer,
                               **fields)  # fmt: skip
            timers = {"ours": lambda s, c=config: ours(c, s)}
            timers["jax"] = peer(optimizer, config)
            if optimizer != "gd":  # GD again in each round: ours/GD per round
                timers["gd"] = lambda s, c=config: ours(gd_config(c), s)
            each = per_step(timers, seconds, count)
            gd_rounds = each.get("gd", each["ours"])
            print(
                f"{optimizer:>13} {n:>3} {d:>4} {rounds.median(each['ours']):>9.3g} "
                f"{rounds.median(each['jax']):>9.3g} "
                f"{rounds.spread(rounds.ratios(each['ours'], gd_rounds)):>20} "
                f"{rounds.spread(rounds.ratios(each['jax'], each['ours'])):>20}"
            )


def gd_config(config: RunConfig) -> RunConfig:
    """The same run with plain GD (the baseline of ours/GD)."""
    return RunConfig(n=config.n, d=config.d, sigma=config.sigma, steps=config.steps,
                     **SETTINGS["gd"])  # fmt: skip


if __name__ == "__main__":
    main()

"""The method seam: every method behind one protocol, a wall-clock budget that is
honoured, and numbers that never depend on where a caller pauses."""

import sys
import threading
import time

import numpy as np
import pytest

from neuronlab import METHODS, RunConfig, advance, simulate, start_run
from neuronlab.config import METHODS as METHOD_NAMES

CONFIGS = {
    "gd": RunConfig(n=4, d=6, sigma=0.05, eta=0.1, steps=30_000, seed=2),
    "flow": RunConfig(n=3, d=6, sigma=0.05, eta=0.1, steps=10**7, method="flow"),
    "sgd": RunConfig(
        n=3, d=5, eta=0.1, steps=3000, method="sgd", samples=200, batch=20
    ),
}


def test_registry_covers_the_config_vocabulary():
    assert tuple(METHODS) == METHOD_NAMES


@pytest.mark.slow  # seconds of compute: the full suite runs it
@pytest.mark.parametrize("method", list(CONFIGS))
def test_pausing_anywhere_gives_the_same_numbers(method):
    """Tiny budgets pause mid-interval (flow: mid-solve); the records must equal
    one uninterrupted run's bit for bit."""
    config = CONFIGS[method]
    whole = simulate(config)
    state, calls = start_run(config), 0
    while not state.done:
        state = advance(state, max_steps=10**9, max_seconds=2e-4)
        calls += 1
    paused = state.trajectory()
    assert calls > 5  # the budget really cut the run into pieces
    np.testing.assert_array_equal(paused.steps, whole.steps)
    np.testing.assert_array_equal(paused.loss, whole.loss)
    np.testing.assert_array_equal(paused.coords, whole.coords)
    assert paused.status == whole.status == "completed"


@pytest.mark.parametrize("method", list(CONFIGS))
def test_a_call_returns_soon_after_its_budget(method):
    """A 50 ms budget on a run that takes far longer: the call returns after
    roughly that (generous bound: the machine is shared), and has made progress."""
    config = CONFIGS[method].replace(
        steps=10**9 if method != "flow" else 10**11, n=8, d=10
    )
    state = start_run(config)
    started = time.perf_counter()
    state = advance(state, max_steps=10**12, max_seconds=0.05)
    assert time.perf_counter() - started < 1.0
    assert not state.done
    assert 0 < state.progress < 1


@pytest.mark.parametrize("method", ["gd", "sgd"])
def test_a_chunk_computes_while_other_threads_hold_the_gil(method):
    """A server's page threads hold the GIL for long stretches; a job's chunk
    takes it back after each piece of compiled steps. Priced by the wall clock,
    a one-step piece that waited 0.05 s for the GIL looked that expensive, and
    a chunk made a few hundred steps at most. Priced by the thread's CPU time, the
    pieces grow: thousands of steps per chunk."""
    config = CONFIGS[method].replace(steps=10**9)
    state = start_run(config)
    # Compiled, and where records are 15 % apart (a record is a piece's end).
    state = advance(state, max_steps=200_000)
    spinning, switch = True, sys.getswitchinterval()

    def hold_the_gil():
        while spinning:
            pass

    holder = threading.Thread(target=hold_the_gil, daemon=True)
    sys.setswitchinterval(0.05)  # each hand-over of the GIL: up to 0.05 s apart
    try:
        holder.start()
        chunk = advance(state, max_steps=10**12, max_seconds=0.25)
    finally:
        spinning = False
        holder.join()
        sys.setswitchinterval(switch)
    assert chunk.step - state.step > 1000

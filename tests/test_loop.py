"""The one discrete step loop (neuronlab.dynamics.loop): minibatch runs of every
optimiser against the NumPy reference, and its one guard."""

import math

import numpy as np
import pytest
import reference_optimizers as reference

from neuronlab import RunConfig, advance, default_start, start_run
from neuronlab.dynamics import guard, loop
from neuronlab.dynamics.samples import _epoch_permutation, no_samples, sample_data
from neuronlab.models import kernels
from neuronlab.models.registry import MODELS, workspace
from neuronlab.optim.optimizers import OPTIMIZERS

STEPPED = ["gd", "momentum", "nesterov", "adam"]  # Gauss-Newton: its own loop
RATES = {"gd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adam": 0.01}


def _batches(seed: int, samples: int, batch: int, steps: int) -> list[np.ndarray]:
    """Each step's rows, cut as documented (neuronlab.dynamics.samples): epoch
    t // ceil(S / b) is a fresh permutation, step t takes its slice
    j b : min((j + 1) b, S), j = t mod ceil(S / b). The permutation is the
    engine's own generator: what is checked here is the loop around it."""
    per_epoch = -(-samples // batch)
    perm, rows = np.empty(samples, dtype=np.int64), []
    for t in range(steps):
        epoch, j = divmod(t, per_epoch)
        _epoch_permutation(seed, epoch, perm)
        rows.append(perm[j * batch : min((j + 1) * batch, samples)].copy())
    return rows


@pytest.mark.parametrize("optimizer", STEPPED)
def test_minibatch_runs_match_the_reference(optimizer):
    """Batches of 7 of 60 samples (the last of each epoch short), paused every
    23 steps: the loop's iterates give the population losses the NumPy
    reference gives on the same batches, to rounding."""
    config = RunConfig(n=3, d=4, sigma=0.1, seed=2, method="sgd", samples=60,
                       batch=7, steps=300, optimizer=optimizer,
                       eta=RATES[optimizer])  # fmt: skip
    W0, v = default_start(config)
    X = np.random.default_rng((config.seed, 1)).standard_normal((60, config.d))
    batches = iter(_batches(config.seed, 60, 7, config.steps))

    def batch_gradient(W, v, alpha=0.0):
        rows = X[next(batches)]
        pre = rows @ W.T
        residual = np.maximum(pre, 0).sum(axis=1) - np.maximum(rows @ v, 0)
        return ((pre >= 0) * residual[:, None]).T @ rows / len(rows)

    original = reference.gradient
    reference.gradient = batch_gradient
    try:
        params = {k: getattr(config, k) for k in ("beta", "beta2", "eps")}
        expected = reference.run(W0, v, config.steps, config.eta, optimizer, **params)
    finally:
        reference.gradient = original
    state = start_run(config)
    while not state.done:
        state = advance(state, max_steps=23)
    traj = state.trajectory()
    assert traj.status == "completed"
    np.testing.assert_allclose(
        traj.loss, [expected[s] for s in traj.steps], rtol=1e-9, atol=1e-15
    )


# The optimisers' arrays that outlive a step: state[:slots] and every scalar
# (the rest of state is the update's scratch).
PERSISTENT = {"gd": 0, "momentum": 1, "nesterov": 1, "adam": 2}


def _one_step(optimizer: str, bound: float, method: str = "gd"):
    """One step of the loop from a started run: (steps done, X, the arrays that
    outlive a step), and the same before the step."""
    config = RunConfig(n=3, d=5, sigma=0.5, seed=4, optimizer=optimizer, method=method,
                       samples=20, batch=5, eta=RATES[optimizer])  # fmt: skip
    started = start_run(config)
    X = kernels.stack(started.W, started.v)
    state, scalars = (a.copy() for a in started.memory.optimizer)
    if method == "gd":
        data = no_samples(X.shape[1])
    else:
        data = sample_data(started.memory.samples, 5, config.seed, len(X))
    work = workspace(config, *started.W.shape)
    slots = PERSISTENT[optimizer]
    initial = (X.copy(), state[:slots].copy(), scalars.copy())
    rule = OPTIMIZERS[optimizer].rule
    done = loop.run(X, 3, 1, bound, data, MODELS["relu"], rule, state, scalars, work)
    return done, (X, state[:slots], scalars), initial


@pytest.mark.parametrize("method", ["gd", "sgd"])
@pytest.mark.parametrize("optimizer", STEPPED)
def test_a_refused_step_leaves_iterate_and_optimiser_state_untouched(optimizer, method):
    """With the bound just below the step's largest new row norm, the loop does
    no step and X and the optimiser's arrays are bit for bit as before
    (Nesterov's extrapolated point undone); just above it, the step is the
    unbounded one."""
    done, free, initial = _one_step(optimizer, math.inf, method)
    assert done == 1
    largest = float(np.linalg.norm(free[0][:3], axis=1).max())
    done, refused, _ = _one_step(optimizer, largest * (1 - 1e-9), method)
    assert done == 0
    for a, b in zip(refused, initial, strict=True):
        np.testing.assert_array_equal(a, b)
    done, taken, _ = _one_step(optimizer, largest * (1 + 1e-9), method)
    assert done == 1
    for a, b in zip(taken, free, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(free[0], initial[0])  # the step did move X


def test_guard_flushes_only_what_no_record_can_see():
    """guard.commit: a row of norm exactly `bound` passes; coordinates below 1e-150 x
    bound become 0, those at or above it stay; a NaN or a longer row refuses
    the whole step and leaves X alone."""
    bound = 2.0
    X = np.array([[1.0, 1.0], [5.0, 5.0], [7.0, 7.0]])  # third row: a teacher
    new = np.array([[2.0, 0.0], [1.9e-150, 2.1e-150]])
    assert guard.commit(X, new, bound)
    np.testing.assert_array_equal(X, [[2.0, 0.0], [0.0, 2.1e-150], [7.0, 7.0]])
    kept = X.copy()
    for bad in ([[np.nan, 0.0], [0.0, 0.0]], [[0.0, 0.0], [2.0, 1e-7]]):
        assert not guard.commit(X, np.array(bad), bound)
        np.testing.assert_array_equal(X, kept)
    # An infinite bound flushes nothing: subnormals are kept as they are.
    assert guard.commit(X, np.array([[5e-324, 1.0], [0.0, 1.0]]), math.inf)
    assert X[0, 0] == 5e-324


@pytest.mark.parametrize(
    "config",
    [
        RunConfig(n=3, d=5, steps=10**6),
        RunConfig(n=2, d=4, steps=10**6, optimizer="gauss_newton", eta=0.5),
        RunConfig(n=2, d=4, steps=10**6, method="sgd", samples=50, batch=10),
    ],
    ids=["gd", "gauss_newton", "sgd"],
)
def test_a_call_of_a_compiled_loop_looks_up_no_kernel_address(config, monkeypatch):
    """A server's job calls its loop once per piece of steps. Passed as numba
    dispatchers, the model's kernels had two addresses each looked up at every
    call, each through LLVM's lock and a ctypes call that gives up the GIL
    (measured: 80 of a call's 114 us; 1.2 ms a call under a thread holding the
    GIL). Looked up once per process (kernels.first_class), a call finds none."""
    from numba.core.codegen import JITCodeLibrary

    state = advance(start_run(config), max_steps=20)  # compiled, addresses known
    looked_up = []
    original = JITCodeLibrary.get_pointer_to_function

    def counted(self, name):
        looked_up.append(name)
        return original(self, name)

    monkeypatch.setattr(JITCodeLibrary, "get_pointer_to_function", counted)
    for _ in range(5):
        state = advance(state, max_steps=3)
    assert state.step == 35
    assert looked_up == []


def test_the_loops_call_each_kernels_own_native_entry():
    """A first-class kernel carries the two addresses numba itself finds for the
    dispatcher (its C wrapper's and its native entry's), and numba's lookup at
    a loop's call answers with them: the loop calls the native entry directly,
    as it did when handed the dispatcher."""
    from numba.experimental import function_type

    numbas_own = kernels._jit_address.__defaults__[0]  # numba's, before ours
    for model in MODELS.values():
        for dispatcher, signature in (
            (model.gradient, kernels.GRADIENT), (model.activation, kernels.ACTIVATION),
        ):  # fmt: skip
            kernel = kernels.first_class(dispatcher, signature)
            native = numbas_own(dispatcher, signature)
            assert native > 0
            assert function_type._get_jit_address(kernel, signature) == native
            wrapper = function_type._get_wrapper_address(dispatcher, signature)
            assert kernel.__wrapper_address__() == wrapper

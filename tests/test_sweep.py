"""Sweeps: same rows on every backend, equal to simulate(), bad items as rows."""

import importlib
import sys
import types

import numpy as np
import pandas as pd
import pytest

import neuronlab
from neuronlab import RunConfig, ensemble_bands, simulate, summarise, sweep
from neuronlab.runs.cluster import PACKAGES, version_mismatches

# The module, not the function that neuronlab's facade exports under the same name.
SWEEP_MODULE = importlib.import_module("neuronlab.runs.sweep")

CONFIGS = [
    RunConfig(n=n, d=5, sigma=sigma, eta=0.05, steps=3000, seed=seed)
    for n in (1, 2)
    for sigma in (0.01, 0.1)
    for seed in (0, 1)
]


def _numeric(frame: pd.DataFrame) -> np.ndarray:
    return frame.select_dtypes("number").to_numpy()


def test_row_equals_simulate_of_the_same_config():
    frame = sweep(CONFIGS[:3], workers=1)
    for config, (_, row) in zip(CONFIGS[:3], frame.iterrows(), strict=True):
        expected = summarise(simulate(config))
        assert row.final_loss == expected["final_loss"]
        assert row.tail_C == expected["tail_C"]
        assert row.n == config.n


def test_bad_items_become_rows_and_the_others_survive():
    items = [{"n": 2, "steps": 500}, {"n": "many"}, {"n": 3, "eta": 5.0, "steps": 500}]
    frame = sweep(items, workers=1)
    assert list(frame.status) == ["completed", "invalid", "diverged"]
    assert "n" in frame.message[1]
    assert "4/n" in frame.message[2]


@pytest.fixture
def plain_main(monkeypatch):
    """A __main__ without a file for the processes a test spawns: each spawned
    child imports its parent's __main__, which Streamlit's AppTest leaves as router.py,
    so each child would run the app's script beside the runs (and
    re-import the engine from the repository on a Dask worker)."""
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))


@pytest.mark.slow  # seconds of compute: the full suite runs it
@pytest.mark.usefixtures("plain_main")
def test_local_processes_and_a_dask_cluster_give_identical_rows():
    distributed = pytest.importorskip("dask.distributed")
    serial = sweep(CONFIGS, workers=1)
    processes = sweep(CONFIGS, workers=2)
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",  # None means port 8787, maybe taken
    ) as cluster:
        on_dask = sweep(CONFIGS, scheduler=cluster.scheduler_address)
    np.testing.assert_array_equal(_numeric(serial), _numeric(processes))
    np.testing.assert_array_equal(_numeric(serial), _numeric(on_dask))
    assert list(serial.status) == list(on_dask.status)


def test_progress_is_reported_per_finished_run():
    seen = []
    sweep(
        CONFIGS[:3], workers=1, progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_ensemble_bands_align_seeds_record_by_record():
    frames = [
        simulate(RunConfig(n=2, d=5, sigma=0.1, eta=0.05, steps=2000, seed=s)).metrics
        for s in range(5)
    ]
    bands = ensemble_bands(frames, columns=("loss", "Z"))
    assert len(bands) == len(frames[0])
    assert (bands.runs == 5).all()
    losses = np.array([f.loss.to_numpy() for f in frames])
    np.testing.assert_allclose(bands.loss_median, np.median(losses, axis=0))
    assert (bands.loss_lo <= bands.loss_median).all()
    assert (bands.loss_median <= bands.loss_hi).all()


def test_summary_tail_matches_the_t_minus_3_law_in_the_slow_phase():
    """Toy-1-like mirror pair: L (eta t)^3 -> pi^2/6, so tail_C -> 1.645."""
    v = np.array([1.0, 0.0, 0.0])
    W0 = np.array([[0.3, 0.3, 0.0], [0.3, -0.3, 0.0]])
    row = summarise(simulate(RunConfig(n=2, d=3, eta=0.1, steps=10**5), W0=W0, v=v))
    assert row["tail_exponent"] == pytest.approx(-3.0, abs=0.01)
    assert row["tail_C"] == pytest.approx(np.pi**2 / 6, rel=0.01)


def test_a_sweep_over_the_cap_is_refused_before_any_run(monkeypatch):
    monkeypatch.setattr(SWEEP_MODULE, "MAX_RUNS", 2)
    monkeypatch.setattr(SWEEP_MODULE, "run_item", lambda item: pytest.fail("ran"))
    with pytest.raises(ValueError, match="at most 2 runs"):
        sweep(CONFIGS[:3], workers=1)


def test_version_mismatches_name_each_worker_package_and_both_versions():
    def report(**packages):
        base = {"python": "3.11.7.final.0", "numpy": "2.4.6", "scipy": "1.17.1"}
        return {"packages": base | packages}

    versions = {
        "client": report(),
        "workers": {
            "tcp://b:1": report(numpy="2.3.0"),
            "tcp://a:1": report(),
            "tcp://c:1": report(python="3.12.1.final.0", scipy=None),
        },
    }
    assert version_mismatches(versions) == [
        "tcp://b:1: numpy 2.3.0 (here 2.4.6)",
        "tcp://c:1: python 3.12.1.final.0 (here 3.11.7.final.0)",
        "tcp://c:1: scipy None (here 1.17.1)",
    ]


def test_a_worker_with_another_neuronlab_is_refused():
    """Workers import their installed engine: its version is checked like numpy's."""
    assert "neuronlab" in PACKAGES

    def report(**changes):
        packages = {"python": "3.11.7.final.0", "neuronlab": neuronlab.__version__}
        return {"packages": packages | changes}

    versions = {"client": report(), "workers": {"tcp://a:1": report(neuronlab="0.1")}}
    assert version_mismatches(versions) == [
        f"tcp://a:1: neuronlab 0.1 (here {neuronlab.__version__})"
    ]

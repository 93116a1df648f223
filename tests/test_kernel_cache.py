"""numba's on-disk cache notices an edit anywhere in the engine
(neuronlab.kernel_cache), in fresh processes on a copy of the package."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

import neuronlab
from neuronlab import kernel_cache

# relu.gradient, called from Python: its cached machine code has pairs.py's
# TWO_PI and angles compiled in.
PROBE = """
import json, numpy as np, neuronlab
from neuronlab.models import relu
W = np.array([[1.0, 0.2, 0.0], [0.3, -1.0, 0.5]])
grad = neuronlab.population_gradient(W, np.array([1.0, 0.0, 0.0]))
hits = sum(relu.gradient.stats.cache_hits.values())
print(json.dumps({"file": neuronlab.__file__, "grad": grad.ravel().tolist(), "hits": hits}))
"""


def run_probe(root: Path, cache: Path) -> dict:
    env = os.environ | {"PYTHONPATH": str(root), "NUMBA_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=root, env=env, capture_output=True, text=True, check=True, timeout=300,
    ).stdout  # fmt: skip
    return json.loads(out.splitlines()[-1])


def test_an_edit_in_a_called_modules_file_recompiles_its_callers(tmp_path):
    package = tmp_path / "neuronlab"
    shutil.copytree(
        Path(neuronlab.__file__).parent,
        package,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    cache = tmp_path / "numba-cache"
    first = run_probe(tmp_path, cache)
    assert Path(first["file"]).parent == package  # the copy, not the install
    again = run_probe(tmp_path, cache)
    assert again["hits"] > 0, "the stamp changed between two processes"
    assert again["grad"] == first["grad"]

    # An edit in pairs.py only: relu.py, whose kernel is cached, is unchanged.
    pairs = package / "models" / "pairs.py"
    source = pairs.read_text()
    assert "TWO_PI = 2.0 * math.pi" in source
    pairs.write_text(source.replace("TWO_PI = 2.0 * math.pi", "TWO_PI = 4.0 * math.pi"))
    edited = run_probe(tmp_path, cache)
    fresh = run_probe(tmp_path, tmp_path / "empty-cache")
    assert edited["hits"] == 0
    assert edited["grad"] == fresh["grad"]
    assert not np.allclose(edited["grad"], first["grad"])  # numba alone: stale


def test_the_stamp_covers_every_source_of_the_package_and_nothing_else():
    sources = sorted(
        p for p in kernel_cache.PACKAGE.rglob("*.py") if "__pycache__" not in p.parts
    )
    assert kernel_cache.PACKAGE / "models" / "pairs.py" in sources
    assert all(kernel_cache._in_package(str(p)) for p in sources)
    assert not kernel_cache._in_package(np.__file__)
    assert not kernel_cache._in_package(__file__)  # tests and ui/ keep numba's own

"""Sweeps on a Dask cluster: connect, check the workers' software, ship the engine.

A worker needs only the pinned requirements (`pip install -r requirements.txt`):
the engine (this package) travels to every worker, present and future, as a zip
through a worker plugin, and every worker must run the client's versions of the
packages the numbers depend on (bit-identical rows need one software stack).
dask is imported only here, and only when a scheduler is given.
"""

import hashlib
import io
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGES = ("numpy", "scipy", "pandas", "numba", "llvmlite", "dask", "distributed")
CONNECT_SECONDS = 5
# One plugin name: registering the engine again replaces the previous one, so a
# worker that joins later loads only the current engine.
PLUGIN = "single-neuron-lab-engine"
ENGINE = Path(__file__).resolve().parent


class ClusterError(RuntimeError):
    """The cluster cannot run this sweep (unreachable, no workers, other software)."""


def engine_zip() -> bytes:
    """This package's sources as a zip with `core/` at its root; the same sources
    give the same bytes (fixed timestamps), so the name below identifies them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(ENGINE.rglob("*.py")):
            name = (Path(ENGINE.name) / path.relative_to(ENGINE)).as_posix()
            archive.writestr(
                zipfile.ZipInfo(name), path.read_bytes(), zipfile.ZIP_DEFLATED
            )
    return buffer.getvalue()


def engine_name(data: bytes) -> str:
    """A file name per engine content: a worker never reuses a stale zip index."""
    return f"single_neuron_lab_engine-{hashlib.sha256(data).hexdigest()[:16]}.zip"


def version_mismatches(versions: dict) -> list[str]:
    """'worker: package theirs (here mine)' for each difference between a worker
    and this client in `Client.get_versions(packages=PACKAGES)`, python included."""
    mine = versions["client"]["packages"]
    return [
        f"{worker}: {name} {theirs} (here {mine.get(name)})"
        for worker, info in sorted(versions["workers"].items())
        for name in ("python", *PACKAGES)
        if (theirs := info["packages"].get(name)) != mine.get(name)
    ]


def engine_files() -> list[str]:
    """On a worker: the file of every loaded engine module."""
    modules = [
        m for name, m in list(sys.modules.items()) if name.split(".")[0] == "core"
    ]
    return sorted(str(getattr(m, "__file__", None)) for m in modules)


def connect(address: str):
    """A dask.distributed Client on `address`, ready to run the engine.

    Raises ClusterError within a few seconds when the scheduler cannot be reached
    or has no workers, when a worker's software differs from this machine's, or
    when a worker cannot load the shipped engine.
    """
    from dask.distributed import Client
    from distributed.comm import get_address_host_port

    try:
        # Parsed first: a Client that fails on a malformed address hangs 10 s in
        # its finaliser at exit and prints a traceback then.
        get_address_host_port(address)
    except ValueError as error:
        raise ClusterError(
            f"{address!r} is not a scheduler address like tcp://10.0.0.5:8786 ({error})"
        ) from None
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except OSError as error:
        raise ClusterError(
            f"cannot reach a Dask scheduler at {address!r} within "
            f"{CONNECT_SECONDS} s ({error})"
        ) from None
    try:
        _prepare(client, address)
    except BaseException:
        client.close()
        raise
    return client


def _prepare(client, address: str) -> None:
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except TimeoutError:
        raise ClusterError(
            f"the scheduler at {address} has no workers after {CONNECT_SECONDS} s: "
            f"start some with `dask worker {address}`"
        ) from None
    mismatches = version_mismatches(client.get_versions(packages=list(PACKAGES)))
    if mismatches:
        raise ClusterError(
            "workers run other software than this machine (bit-identical rows need "
            "the same; install requirements.txt there): " + "; ".join(mismatches)
        )
    _ship_engine(client)


def _ship_engine(client) -> None:
    from distributed.diagnostics.plugin import UploadFile

    def forget_engine() -> None:
        """On a worker: drop an engine loaded before, so that the upload imports
        the new zip (nested, so cloudpickle sends it by value: a worker may have
        no engine to import this module from)."""
        for name in [name for name in sys.modules if name.split(".")[0] == "core"]:
            del sys.modules[name]

    data = engine_zip()
    try:
        client.run(forget_engine)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / engine_name(data)
            path.write_bytes(data)
            client.register_plugin(UploadFile(str(path)), name=PLUGIN)
        loaded = client.run(engine_files)
    except Exception as error:  # noqa: BLE001 - a worker's failure, raised here
        raise ClusterError(
            f"a worker could not load the engine: {type(error).__name__}: {error}"
        ) from None
    stale = {
        worker: [f for f in files if engine_name(data) not in f]
        for worker, files in loaded.items()
    }
    stale = {worker: files for worker, files in stale.items() if files}
    if stale:
        raise ClusterError(
            "workers did not load the shipped engine: "
            + "; ".join(f"{w}: {files[0]}" for w, files in sorted(stale.items()))
        )

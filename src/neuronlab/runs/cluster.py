"""Sweeps on a Dask cluster: connect, and check that every worker runs this engine.

A worker runs the installed package (`pip install neuronlab-<version>.whl`, or the
checkout, with the pinned requirements): the sweep refuses to start when a
worker's neuronlab, Python or any package the numbers depend on differs from this
machine's, since bit-identical rows need one software stack. Nothing is shipped:
a worker imports the engine it has installed. dask is imported only here, and
only when a scheduler is given.
"""

PACKAGES = (
    "neuronlab",
    "numpy",
    "scipy",
    "pandas",
    "numba",
    "llvmlite",
    "dask",
    "distributed",
)
CONNECT_SECONDS = 5


class ClusterError(RuntimeError):
    """The cluster cannot run this sweep (unreachable, no workers, other software)."""


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
            "the same: install this neuronlab and requirements.txt there): "
            + "; ".join(mismatches)
        )

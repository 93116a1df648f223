"""How many cores this process may use: one answer for the engine's sweeps, the
CLI's bound on --workers and the app's turns on the cores (ui.jobs).

os.cpu_count() is the host's count. A process pinned to some cores (a cpuset)
sees fewer in its affinity; a container limited by a CPU quota sees the host's
cores everywhere but in its cgroup, where hosted apps are often limited.
"""

import math
import os
from pathlib import Path


def cpu_quota(cgroup: Path = Path("/sys/fs/cgroup")) -> float | None:
    """Cores a container's CPU quota allows (cgroup v2 `cpu.max`, else v1's
    `cpu.cfs_quota_us` over `cpu.cfs_period_us`), None without one. Read where
    a container sees its own cgroup (a cgroup namespace, as Docker and
    Kubernetes set up): a quota is no cpuset, the affinity does not show it."""
    try:
        if (v2 := cgroup / "cpu.max").exists():
            quota, period = v2.read_text().split()[:2]
        else:
            quota = (cgroup / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (cgroup / "cpu" / "cpu.cfs_period_us").read_text().strip()
        if quota in ("max", "-1"):
            return None
        return int(quota) / int(period)
    except (OSError, ValueError):
        return None


def usable_cores(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """The cores this process may run on: its affinity (a cpuset's, where the
    OS tells), and at most its container's quota, rounded up."""
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    quota = cpu_quota(cgroup)
    return cores if quota is None else max(1, min(cores, math.ceil(quota)))

"""neuronlab.cores: the cores this process may use, a container's CPU quota
included (cgroup files written in a temporary folder)."""

import math
import os

import pytest

from neuronlab.cores import cpu_quota, usable_cores


@pytest.mark.parametrize(
    ("files", "quota"),
    [
        ({"cpu.max": "150000 100000\n"}, 1.5),  # cgroup v2
        ({"cpu.max": "max 100000\n"}, None),
        ({"cpu/cpu.cfs_quota_us": "50000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 0.5),
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ({}, None),  # no cgroup files (macOS, a bare process)
        ({"cpu.max": "garbled\n"}, None),
    ],
)
def test_turns_count_a_containers_cpu_quota(tmp_path, files, quota):
    """A quota of half a core on a many-core host gives one core's turns, not
    the host's: the affinity does not show a quota."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert cpu_quota(tmp_path) == quota
    affinity = len(os.sched_getaffinity(0))
    expected = affinity if quota is None else max(1, min(affinity, math.ceil(quota)))
    assert usable_cores(tmp_path) == expected

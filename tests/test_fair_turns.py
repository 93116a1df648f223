"""The live jobs take turns at the registry's cores (ui.jobs): fake tasks that
count their own chunks, so what is checked is what the tasks saw, not what the
registry says about itself."""

import itertools
import threading
import time

import pytest

from tests.polling import wait_until
from ui.jobs import RUNNING, WAITING, Task

CHUNK = 0.004  # seconds a fake chunk takes (sleeping: no GIL, no CPU)


class Chunks:
    """A log of every fake chunk: who ran it, and how many ran at once."""

    def __init__(self):
        self.lock, self.now, self.most = threading.Lock(), 0, 0
        self.order: list[int] = []

    def task(self, name: int, chunks: int | None) -> Task:
        """`chunks` chunks (None: until stopped), progress between two."""

        def work(progress):
            done = 0
            while chunks is None or done < chunks:
                with self.lock:
                    self.now += 1
                    self.most = max(self.most, self.now)
                    self.order.append(name)
                time.sleep(CHUNK)
                with self.lock:
                    self.now -= 1
                done += 1
                progress(done / (chunks or 10**9))
            return done

        return Task(("fake", name), 1.0, work)

    def count(self, name: int) -> int:
        with self.lock:
            return self.order.count(name)


@pytest.fixture
def registry(registry):
    """conftest's registries; nobody polls these fake jobs, so the poll timeout
    is long unless a test sets it (a loaded machine hands turns over slowly)."""

    def make(**limits):
        limits.setdefault("poll_timeout", 600)
        return registry(**limits)

    return make


@pytest.mark.parametrize("cores", [1, 2, 3])
def test_at_most_cores_chunks_at_once_and_every_job_finishes(registry, cores):
    chunks = Chunks()
    runs = registry(cores=cores, max_live=16)
    jobs = [runs.submit(chunks.task(name, 30)) for name in range(8)]
    for job in jobs:
        assert job.wait(60)
    assert [job.result for job in jobs] == [30] * 8
    assert chunks.most <= cores
    assert chunks.most == cores  # eight jobs: the cores were all used


def test_no_job_starves_turns_go_round(registry):
    """Ten jobs on two cores: once all are live, between two chunks of one job
    the others run in turn (strict turns: the 8 waiting behind it; a thread
    waking late may let one more pass), so none waits behind another's run."""
    chunks, jobs = Chunks(), 10
    runs = registry(cores=2, max_live=16)
    submitted = [runs.submit(chunks.task(name, 40)) for name in range(jobs)]
    for job in submitted:
        assert job.wait(60)
    order = chunks.order
    start = max(order.index(name) for name in range(jobs))  # all have begun
    end = min(len(order) - order[::-1].index(name) for name in range(jobs))
    gaps = []
    for name in range(jobs):
        mine = [i for i, n in enumerate(order[:end]) if n == name and i >= start]
        for a, b in itertools.pairwise(mine):
            gaps.append((b - a - 1, len(set(order[a + 1 : b]))))
    assert gaps
    assert max(others for others, _ in gaps) <= 2 * (jobs - 1)  # none starves
    assert min(distinct for _, distinct in gaps) >= jobs - 1 - 2  # turns go round


def test_a_late_job_runs_its_first_chunk_within_a_round(registry):
    """Four endless jobs hold the two cores in turn; a fifth submitted now runs
    its first chunk after at most one chunk of each of the others (not after
    their whole runs, as a first-in first-out queue of two slots would)."""
    chunks = Chunks()
    runs = registry(cores=2, max_live=16)
    busy = [runs.submit(chunks.task(name, None)) for name in range(4)]
    wait_until(lambda: all(chunks.count(name) >= 3 for name in range(4)))
    before = len(chunks.order)
    late = runs.submit(chunks.task(99, 1))
    assert late.wait(10)
    assert late.result == 1
    first = chunks.order.index(99)
    assert first - before <= 4 + 2  # a round of the four, and two in flight
    for job in busy:
        job.stop()
        assert job.wait(10)
        assert job.reason == "stopped by the user"


def test_beyond_max_live_jobs_wait_in_order_and_hold_no_core(registry):
    """max_live bounds the live jobs (their arrays): the others wait first in,
    first out, and never take a turn."""
    chunks = Chunks()
    runs = registry(cores=2, max_live=3)
    jobs = [runs.submit(chunks.task(name, None)) for name in range(5)]
    wait_until(lambda: all(chunks.count(name) >= 2 for name in range(3)))
    assert [job.phase for job in jobs] == [RUNNING] * 3 + [WAITING] * 2
    assert [runs.queue_position(job) for job in jobs[3:]] == [1, 2]
    assert chunks.count(3) == chunks.count(4) == 0
    jobs[1].stop()
    wait_until(lambda: jobs[3].phase == RUNNING)
    wait_until(lambda: chunks.count(3) >= 1)
    assert runs.queue_position(jobs[4]) == 1
    assert chunks.count(4) == 0


def test_a_job_waiting_for_its_turn_still_stops(registry):
    """Stop, the time cap and the poll timeout reach a job between its turns:
    one core, a long chunk ahead of it; it ends without running again."""
    gate = threading.Event()

    def hog(progress):
        gate.wait(10)  # holds the only core
        return "hog"

    chunks = Chunks()
    runs = registry(cores=1, max_live=4, poll_timeout=60)
    first = runs.submit(Task("hog", 1.0, hog))
    waiting = runs.submit(chunks.task(1, None))
    wait_until(lambda: waiting.phase == RUNNING)
    waiting.stop()
    assert waiting.wait(5)
    assert waiting.reason == "stopped by the user"
    assert chunks.count(1) == 0
    gate.set()
    assert first.wait(5)
    assert first.result == "hog"

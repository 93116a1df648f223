"""Background jobs: one registry per server runs every page's work (DESIGN §5).

A `Task` is a cache key, an estimate in seconds and `work(progress) -> result`.
Work reports `progress(fraction, partial)` at least every ~0.5 s; that call raises
`Stopped` when the job must end (Stop, the time cap, a page gone), so every cap
holds within one chunk. Up to `max_live` jobs are live at once, each in a thread
at a lower priority than the server's own; the rest wait in a FIFO queue. The
live jobs take turns on the cores, chunk by chunk (`turns` compute at once, the
others wait in line between two chunks): every live run moves every few
seconds, and the server's own threads (drawing pages, answering websockets)
compete with two compiled loops per core, not with dozens of threads that also
want the GIL. Results are cached, bounded in entries and bytes. The
app's probes keep a job alive while its tab is open, however slow the redraws
(no Streamlit).
"""

import contextlib
import os
import sys
import threading
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from neuronlab.cores import usable_cores
from neuronlab.runs.metered import Stopped

WAITING, RUNNING, FINISHED = "waiting", "running", "finished"
# A job thread's nice value: the server's threads (nice 0, drawing pages, answering
# websockets) come first; the jobs share what is left equally. On a machine shared
# with other busy processes at nice 0 (a CI runner with its browsers), each of them
# would outweigh a job tenfold: NEURONLAB_JOB_NICE=5 there gives the jobs a fairer
# share and still keeps the server's threads first (the browser tests' servers).
JOB_NICE = int(os.environ.get("NEURONLAB_JOB_NICE", "10"))


@dataclass(frozen=True)
class Task:
    """What a job computes: `work(progress)` returns the result cached under `key`."""

    key: Hashable
    seconds: float  # estimated compute
    work: Callable[["Job"], Any]
    subject: Any = None  # what it computes (a RunConfig, a plan), for its page
    held: int = 0  # bytes its work holds while live (records, a run's samples)


@dataclass(frozen=True)
class JobLimits:
    """What keeps one server responsive (the app's values: ui.run_fields.LIMITS)."""

    # Jobs live at once (taking turns on the cores); others wait in a FIFO queue.
    # Ten visitors' runs and their n = 1 controls fit.
    max_live: int = 24
    # Live jobs computing at once; the others wait for a turn between chunks.
    # Measured on 2 cores: with every live job computing, a page opened under 24
    # busy runs took 5-10 s to draw (24 low-priority threads fought the server's
    # for the cores and the GIL); 4 turns: 0.5-1.8 s, and ten visitors' long runs
    # as fast as before (slowdown 7.9x against 7.4x); 2 turns: the runs 15x.
    turns: int = 2 * usable_cores()
    # What the live jobs together may hold (Task.held: KBs for most runs, up to
    # ~110 MB for finite-sample GD at the app's caps); with the cache's bytes,
    # the memory bound. A job larger than this alone still runs, alone.
    live_bytes: int = 400 * 2**20
    max_seconds: float = 120.0  # wall clock per job (Continue starts a new one)
    poll_timeout: float = 10.0  # no poll and no open page for this long: stop
    cache_entries: int = 64
    cache_bytes: int = 200 * 2**20


def nbytes(value: Any) -> int:
    """Approximate memory of a result: its arrays and frames, recursively."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return int(np.sum(value.memory_usage()))
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, list | tuple | dict):
        return sum(map(nbytes, value.values() if isinstance(value, dict) else value))
    return sum(map(nbytes, vars(value).values())) if hasattr(value, "__dict__") else 64


class Job:
    """One task in the registry. The worker writes; pages read (atomic assignments).
    The work's `progress` is the job itself: `job(fraction, partial)`, `job.memo`.

    owner : who submitted it (the app: (session, page)), or None.
    partial : what the work last reported (a run's state, the rows so far).
    released : its arrays were dropped because its session ended.
    """

    def __init__(self, task: Task, registry, owner=None, result=None):
        self.task, self.owner, self._registry = task, owner, registry
        self.phase = FINISHED if result is not None else WAITING
        self.progress = 1.0 if result is not None else 0.0
        self.partial, self.result = None, result
        self.reason = self.error = ""  # why it ended early; an exception's text
        self.released = False
        self._turn = False  # holds one of the registry's turns on the cores
        self.started = self.cap_at = 0.0  # monotonic times, once running
        self._polled = time.monotonic()
        self._stop, self._done = threading.Event(), threading.Event()
        if result is not None:
            self._done.set()

    def touch(self) -> None:  # the page is still looking
        self._polled = time.monotonic()

    def stop(self) -> None:
        self._stop.set()

    def wait(self, timeout: float) -> bool:
        """Block up to `timeout` seconds for the job to finish; True if it did."""
        return self._done.wait(timeout)

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    def __call__(self, fraction: float, partial: Any = None) -> None:
        """Record progress (0..1) and a partial result, then queue for the next
        turn on the cores; Stopped if it must end."""
        self.progress = min(max(float(fraction), 0.0), 1.0)
        if partial is not None:
            self.partial = partial
        if reason := self._registry.stop_reason(self) or self._registry.next_turn(self):
            raise Stopped(reason)

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """A part of the work cached on its own (a seed run reused by many views)."""
        if (found := self._registry.cached(key)) is None:
            self._registry.store(key, found := compute())
        return found


class _Turns:
    """`count` turns on the cores, handed out first come, first served: a live
    job holds one while it computes a chunk and queues again after it."""

    def __init__(self, count: int):
        self._cond = threading.Condition()
        self._free = max(1, count)
        self._line: deque[Job] = deque()

    def take(self, job: "Job", stop_reason: Callable[["Job"], str]) -> str:
        """Wait for `job`'s turn; "" once it has one, else why it must stop."""
        with self._cond:
            self._line.append(job)
            while not (self._line[0] is job and self._free > 0):
                if reason := stop_reason(job):
                    self._line.remove(job)
                    self._cond.notify_all()
                    return reason
                self._cond.wait(0.25)
            self._line.popleft()
            self._free -= 1
            job._turn = True
            self._cond.notify_all()  # the next in line, if a turn is left
            return ""

    def give_back(self, job: "Job") -> None:
        with self._cond:
            if job._turn:
                job._turn = False
                self._free += 1
                self._cond.notify_all()


class JobRegistry:
    """Server-wide: live jobs, the FIFO queue and the result cache.

    alive(owner) -> bool: the owner's page is open (a job it owns lives on without
    polls); gone(owner) -> bool: its session ended (its jobs' arrays are freed).
    Without them (tests) only polls count. ready(timeout) -> bool: whether the
    server's warm-up has loaded the engine's first kernels, waiting up to
    `timeout` seconds (ui.cache.WarmUp.loaded); a job computes only after.
    """

    def __init__(
        self, limits: JobLimits | None = None, alive=None, gone=None, ready=None
    ):
        self.limits = limits or JobLimits()
        self._owner_alive, self._owner_gone = alive, gone
        self._ready = ready
        self._cond = threading.Condition()
        self._live: set[Job] = set()
        self._queue: deque[Job] = deque()
        self._cache: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._turns = _Turns(self.limits.turns)
        self._jobs: weakref.WeakSet[Job] = weakref.WeakSet()
        self._threads: list[threading.Thread] = []
        self._closing = threading.Event()
        self._watchdog: threading.Thread | None = None

    def submit(self, task: Task, owner=None, use_cache: bool = True) -> Job:
        """Queue a task (a cached result returns a finished job at once)."""
        found = self.cached(task.key) if use_cache else None
        job = Job(task, self, owner, result=found)
        with self._cond:
            self._jobs.add(job)
            if found is None:
                self._queue.append(job)
                thread = threading.Thread(
                    target=self._work, args=(job,), name=f"job-{id(job)}", daemon=True
                )
                self._threads = [t for t in self._threads if t.is_alive()] + [thread]
                thread.start()
            if self._owner_gone and self._watchdog is None:
                self._watchdog = threading.Thread(target=self._free, daemon=True)
                self._watchdog.start()
        return job

    def cached(self, key: Hashable):
        with self._cond:
            if key not in self._cache:
                return None
            self._cache.move_to_end(key)
            return self._cache[key][0]

    def store(self, key: Hashable, result: Any) -> None:
        """Keep a result; the least recently used go first past either bound."""
        size = nbytes(result)
        with self._cond:
            self._cache[key] = (result, size)
            self._cache.move_to_end(key)
            while len(self._cache) > self.limits.cache_entries or (
                sum(s for _, s in self._cache.values()) > self.limits.cache_bytes
            ):
                self._cache.popitem(last=False)

    def jobs_for(self, key: Hashable) -> list[Job]:
        """The jobs of `key` still held by someone, live or ended (a reloaded tab
        looks for the one it left: ui.resume)."""
        with self._cond:
            return [job for job in self._jobs if job.task.key == key]

    def queue_position(self, job: Job) -> int:  # 1: next to start; 0: not waiting
        with self._cond:
            return self._queue.index(job) + 1 if job in self._queue else 0

    def live_count(self) -> int:
        return len(self._live)

    def stop_reason(self, job: Job) -> str:
        """Why `job` must end now ("" if it may go on)."""
        limits = self.limits
        if job._stop.is_set():
            return "stopped by the user"
        if not self._alive(job):
            return f"stopped: the page stopped polling for {limits.poll_timeout:g} s"
        if job.phase == RUNNING and time.monotonic() > job.cap_at:
            return f"stopped at the time cap of {limits.max_seconds:g} s per job"
        return ""

    def next_turn(self, job: Job) -> str:
        """`job` lets the next in line compute and waits for its own turn again;
        "" once it has it, else why it must stop."""
        self._turns.give_back(job)
        return self._turns.take(job, self.stop_reason)

    def stop_all(self, timeout: float = 10.0) -> None:
        """Stop every job and join every thread (tests, shutdown)."""
        with self._cond:
            jobs, threads = [*self._live, *self._queue], [*self._threads]
            threads += [self._watchdog] if self._watchdog else []
            self._watchdog = None
            self._closing.set()
        for job in jobs:
            job.stop()
        for thread in threads:
            thread.join(timeout)
        self._closing.clear()

    def _alive(self, job: Job) -> bool:
        if time.monotonic() - job._polled <= self.limits.poll_timeout:
            return True
        probe = self._owner_alive
        return bool(probe and job.owner is not None and probe(job.owner))

    def _work(self, job: Job) -> None:
        _lower_priority()
        try:
            if (
                self._wait_for_slot(job)
                and self._wait_for_kernels(job)
                and not self._first_turn(job)
            ):
                job.result, job.partial = job.task.work(job), None
                job.progress = 1.0
                self.store(job.task.key, job.result)
        except Stopped as stopped:
            job.reason = str(stopped)
        # Any failure becomes a message on the page, never a traceback.
        except Exception as error:  # noqa: BLE001
            job.error = f"{type(error).__name__}: {error}"
        finally:
            self._turns.give_back(job)
            with self._cond:
                self._live.discard(job)
                if job in self._queue:
                    self._queue.remove(job)
                self._cond.notify_all()
            # The work's closure may hold its inputs (a resumed run's samples).
            job.task, job.phase = replace(job.task, work=None), FINISHED
            job._done.set()

    def _wait_for_slot(self, job: Job) -> bool:
        """FIFO: start when first in line and a slot is free (False: stopped)."""
        with self._cond:
            while True:
                if reason := self.stop_reason(job):
                    job.reason = reason
                    return False
                if self._queue[0] is job and self._fits(job):
                    break
                self._cond.wait(0.5)
            self._queue.popleft()
            self._live.add(job)
            job.started = time.monotonic()
            job.cap_at = job.started + self.limits.max_seconds
            job.phase = RUNNING
            return True

    def _wait_for_kernels(self, job: Job) -> bool:
        """Until the warm-up has loaded the first kernels (False: stopped). On a
        fresh server another process compiles some of them: a job compiling
        them here too would wait as long, and hold up every request (the GIL)."""
        while self._ready is not None and not self._ready(0.25):
            if reason := self.stop_reason(job):
                job.reason = reason
                return False
        return True

    def _first_turn(self, job: Job) -> str:
        """Wait for `job`'s first turn on the cores ("" once it has it)."""
        if reason := self._turns.take(job, self.stop_reason):
            job.reason = reason
        return reason

    def _fits(self, job: Job) -> bool:
        """A free slot, and room in the live jobs' bytes (or nothing else live)."""
        limits, live = self.limits, self._live
        held = sum(other.task.held for other in live) + job.task.held
        return len(live) < limits.max_live and (not live or held <= limits.live_bytes)

    def _free(self) -> None:
        """Each second, the ended sessions' finished jobs drop their arrays."""
        while not self._closing.wait(1.0):
            for job in list(self._jobs):
                ended = job.owner is not None and self._owner_gone(job.owner)
                if ended and job.finished and not self._alive(job):
                    job.partial = job.result = None
                    job.released = True


def _lower_priority() -> None:
    """This thread JOB_NICE below the server's own (a server started under `nice`
    keeps its threads ahead too; 19 is the lowest). Linux keeps a nice value per
    thread (setpriority of a thread id); elsewhere it would be the whole
    server's, so nothing."""
    if sys.platform.startswith("linux"):
        # A container that forbids it: equal priority, still fair.
        with contextlib.suppress(OSError):
            me = threading.get_native_id()
            lower = min(os.getpriority(os.PRIO_PROCESS, me) + JOB_NICE, 19)
            os.setpriority(os.PRIO_PROCESS, me, lower)

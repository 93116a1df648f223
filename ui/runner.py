"""Background runs: a worker thread per run, a server-wide limit, a bounded cache.

No Streamlit here: the page submits a RunConfig, then polls `Job` (touching it, so
a closed tab's worker stops) and draws `job.trajectory()`. Each worker runs the
engine in chunks (`core.advance`) of about CHUNK_SECONDS, so it can report progress
and honour Stop, the time cap and the poll timeout between chunks.
"""

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass

import core

WAITING, RUNNING, FINISHED = "waiting", "running", "finished"
# A chunk this long keeps Stop responsive and the per-chunk overhead negligible.
CHUNK_SECONDS = 0.25
FIRST_CHUNK_STEPS = 1_000


@dataclass(frozen=True)
class RunLimits:
    """Caps that keep one server process responsive for everyone."""

    max_live: int = 2  # runs computing at once; others wait in a FIFO queue
    max_seconds: float = 120.0  # wall clock per run (Continue starts a new one)
    max_steps: int = 10**8
    poll_timeout: float = 10.0  # no poll for this long: the tab is gone, stop
    cache_size: int = 64  # finished trajectories kept, keyed by config


def config_key(config: core.RunConfig) -> tuple:
    """Cache key: the config's scalar fields, sorted by name."""
    return tuple(sorted(config.to_dict().items()))


class Job:
    """One run. The worker writes `state`; the page reads; assignments are atomic."""

    def __init__(self, config, state=None, trajectory=None):
        self.config = config
        self.state = state  # latest core.RunState, None until started
        self.phase = FINISHED if trajectory is not None else WAITING
        self.reason = ""  # why a run ended early, for the page
        self.error = ""  # engine exception text (never a traceback on the page)
        self.steps_per_second = 0.0
        self.started = 0.0  # monotonic time the computation began
        self._trajectory = trajectory
        self._drawn_state = None
        self._last_poll = time.monotonic()
        self._stop = threading.Event()
        self._done = threading.Event()
        if trajectory is not None:
            self._done.set()

    def touch(self) -> None:
        """The page is still looking: keep the worker alive."""
        self._last_poll = time.monotonic()

    def stop(self) -> None:
        self._stop.set()

    def wait(self, timeout: float) -> bool:
        """Block up to `timeout` seconds for the run to finish; True if it did."""
        return self._done.wait(timeout)

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    def seconds_left(self) -> float:
        """Remaining wall clock, extrapolated from progress so far (NaN at start)."""
        done = self.state.progress if self.state is not None else 0.0
        if self.phase != RUNNING or done <= 0:
            return float("nan")
        return (time.monotonic() - self.started) * (1 - done) / done

    def trajectory(self):
        """The records so far (a finished run's are cached); None before any."""
        state = self.state
        if self._trajectory is not None and (self.finished or state is None):
            return self._trajectory
        if state is None:
            return None
        if state is not self._drawn_state:
            self._trajectory, self._drawn_state = state.trajectory(), state
        return self._trajectory

    def _stop_reason(self, started: float, limits: RunLimits) -> str:
        if self._stop.is_set():
            return "stopped by the user"
        if time.monotonic() - self._last_poll > limits.poll_timeout:
            return f"stopped: the page stopped polling for {limits.poll_timeout:g} s"
        if time.monotonic() - started > limits.max_seconds:
            return f"stopped at the time cap of {limits.max_seconds:g} s per run"
        return ""


class RunRegistry:
    """Server-wide: the live runs, the FIFO queue of waiting ones, the cache."""

    job_class = Job  # a subclass (ui.sweep_runner) computes other kinds of job

    def __init__(self, limits: RunLimits | None = None):
        self.limits = limits or RunLimits()
        self._cond = threading.Condition()
        self._live: set[Job] = set()
        self._queue: deque[Job] = deque()
        self._cache: OrderedDict[tuple, object] = OrderedDict()
        self._threads: list[threading.Thread] = []

    def submit(self, config, resume_from=None, use_cache: bool = True) -> Job:
        """Start (or continue from a RunState) a run; a cached result returns at once.

        use_cache=False reruns from step 0 even if the result is known (Reset).
        """
        if config.steps > self.limits.max_steps:
            raise ValueError(
                f"steps = {config.steps:,} exceeds {self.limits.max_steps:,}"
            )
        cached = self.cached(config) if use_cache and resume_from is None else None
        if cached is not None:
            return self.job_class(config, trajectory=cached)
        job = self.job_class(config, state=resume_from)
        with self._cond:
            self._queue.append(job)
            thread = threading.Thread(
                target=self._work, args=(job,), name="explore-run", daemon=True
            )
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return job

    def cached(self, config):
        with self._cond:
            key = config_key(config)
            if key in self._cache:
                self._cache.move_to_end(key)
            return self._cache.get(key)

    def run_now(self, config):
        """Run a small config in the caller's thread (cached): the n = 1 contrast.

        Bypasses the live limit, so only for runs estimated well under a second.
        """
        trajectory = self.cached(config)
        if trajectory is None:
            trajectory = core.simulate(config)
            self._store(config, trajectory)
        return trajectory

    def queue_position(self, job: Job) -> int:
        """1 for the next run to start, 0 if not waiting."""
        with self._cond:
            return self._queue.index(job) + 1 if job in self._queue else 0

    def live_count(self) -> int:
        with self._cond:
            return len(self._live)

    def stop_all(self, timeout: float = 10.0) -> None:
        """Stop every run and join its thread (tests, shutdown)."""
        with self._cond:
            jobs, threads = [*self._live, *self._queue], list(self._threads)
        for job in jobs:
            job.stop()
        with self._cond:
            self._cond.notify_all()
        for thread in threads:
            thread.join(timeout)

    def _work(self, job: Job) -> None:
        started = time.monotonic()
        try:
            if self._wait_for_slot(job, started):
                self._compute(job, time.monotonic())
        # Any engine failure becomes a message on the page, never a traceback.
        except Exception as error:  # noqa: BLE001
            job.error = f"{type(error).__name__}: {error}"
        finally:
            with self._cond:
                self._live.discard(job)
                if job in self._queue:
                    self._queue.remove(job)
                self._cond.notify_all()
            job.phase = FINISHED
            job._done.set()

    def _wait_for_slot(self, job: Job, started: float) -> bool:
        """FIFO: start when first in line and a live slot is free."""
        with self._cond:
            while not (
                self._queue[0] is job and len(self._live) < self.limits.max_live
            ):
                reason = job._stop_reason(time.monotonic(), self.limits)
                if reason:
                    job.reason = reason
                    return False
                self._cond.wait(0.5)
            self._queue.popleft()
            self._live.add(job)
            job.started = time.monotonic()
            job.phase = RUNNING
            return True

    def _run_to_end(self, job, state, started: float, on_chunk):
        """Advance `state` in chunks until done, calling on_chunk(state, steps/s)
        after each; None if the job was told to stop first (job.reason says why)."""
        chunk = FIRST_CHUNK_STEPS
        while not state.done:
            job.reason = job._stop_reason(started, self.limits)
            if job.reason:
                return None
            tick, before = time.perf_counter(), state.step
            state = core.advance(state, max_steps=chunk)
            rate = (state.step - before) / max(time.perf_counter() - tick, 1e-6)
            on_chunk(state, rate)
            # Aim each chunk at CHUNK_SECONDS from the measured rate.
            chunk = int(min(max(rate * CHUNK_SECONDS, 100), 10**7))
        return state

    def _compute(self, job: Job, started: float) -> None:
        def show(state, rate: float) -> None:
            job.state, job.steps_per_second = state, rate

        job.state = job.state or core.start_run(job.config)
        state = self._run_to_end(job, job.state, started, show)
        if state is None:
            return
        trajectory = state.trajectory()
        job._trajectory, job._drawn_state = trajectory, state
        self._store(job.config, trajectory)

    def _store(self, config, trajectory) -> None:
        with self._cond:
            self._cache[config_key(config)] = trajectory
            while len(self._cache) > self.limits.cache_size:
                self._cache.popitem(last=False)

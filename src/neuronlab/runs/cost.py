"""What runs cost in this process: neuronlab.estimate_seconds scaled by the measured
compute of finished work (the working thread's CPU seconds). The estimate is a fit
on one machine; another may run the same steps 2-3x slower (1e7 GD steps at
n = 3: estimated 3.0 s, 7-8 s in the app), and only a measurement here can say
so. CPU seconds, not wall: jobs that share the cores each wait for them, and that
wait is not what a run costs (a busy server would otherwise refuse short views).
"""

import threading
import time

from neuronlab.config import RunConfig
from neuronlab.dynamics.run import simulate
from neuronlab.runs.warmup import estimate_seconds

# Older measurements fade as newer ones come in: about this many seconds count.
MEMORY_SECONDS = 30.0
# The warm-up's timing: ~0.1 s of GD at the estimate, long enough to see the loop.
REFERENCE = RunConfig(n=3, d=10, steps=300_000)


class Cost:
    """Measured compute seconds per estimated second, by method (thread-safe).

    observe(method, estimated, measured) after each chunk of work; seconds(config)
    is estimate_seconds(config) times the ratio of its method (GD's for a method
    not measured yet, 1 before any measurement). clock : the timer of calibrate,
    the calling thread's CPU seconds like the Meter's chunks.
    """

    def __init__(self, clock=time.thread_time):
        self._clock, self._lock = clock, threading.Lock()
        self._sums: dict[str, tuple[float, float]] = {}

    def observe(self, method: str, estimated: float, measured: float) -> None:
        if estimated <= 0 or measured <= 0:
            return
        fade = max(0.0, 1.0 - measured / MEMORY_SECONDS)
        with self._lock:
            old_estimated, old_measured = self._sums.get(method, (0.0, 0.0))
            self._sums[method] = (
                old_estimated * fade + estimated,
                old_measured * fade + measured,
            )

    def ratio(self, method: str) -> float:
        estimated, measured = self._sums.get(method, self._sums.get("gd", (0, 0)))
        return measured / estimated if estimated > 0 else 1.0

    def seconds(self, config: RunConfig) -> float:
        """Expected compute seconds of simulate(config) in this process now (its
        wall seconds on a core of its own)."""
        return estimate_seconds(config) * self.ratio(config.method)

    def calibrate(self, config: RunConfig = REFERENCE, times: int = 3) -> None:
        """Time a small run: a measurement before any job has run. The fastest of
        `times` tries, as one 0.1 s try may meet a first call's loading or a
        moment of someone else's load (it read 2x the later runs' ratio in CI)."""
        took = []
        for _ in range(times):
            began = self._clock()
            simulate(config)
            took.append(self._clock() - began)
        self.observe(config.method, estimate_seconds(config), min(took))

"""Shared pytest setup: one hypothesis profile for the whole suite."""

from hypothesis import settings

# deadline=None: the first engine call may compile numba kernels (seconds) on a shared
# 2-core machine; derandomize=True: the same examples on every run and every machine.
settings.register_profile("engine", deadline=None, derandomize=True, max_examples=60)
settings.load_profile("engine")

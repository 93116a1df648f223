"""The record grid shared by every run (DESIGN §4).

Steps 0..10, then round(10^(j/20)) for integer j, then the last step. Decades are
hit exactly and runs of any length or seed align record by record, so memory is
O(log T) and ensembles can be summarised at common steps.
"""

import numpy as np

PER_DECADE = 20


def record_steps(last: int) -> np.ndarray:
    """Record steps (int64, increasing, unique) for a run of `last` steps."""
    dense = np.arange(min(last, 10) + 1, dtype=np.int64)
    if last <= 10:
        return dense
    top = int(np.ceil(PER_DECADE * np.log10(last))) + 1
    grid = np.round(10.0 ** (np.arange(PER_DECADE, top) / PER_DECADE)).astype(np.int64)
    grid = grid[(grid > 10) & (grid < last)]
    return np.unique(np.concatenate([dense, grid, [last]]))

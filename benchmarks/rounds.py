"""Medians over interleaved rounds, with their spread: on a shared machine one
round can be hit by a burst of load, so a figure is the median of at least five
rounds, each of which timed every contender back to back, and a ratio is the
median of the rounds' own ratios (both sides of one round saw the same load)."""

import statistics

ROUNDS = 5  # at least five rounds for every printed ratio


def median(values: list[float]) -> float:
    return statistics.median(values)


def ratios(numerators: list[float], denominators: list[float]) -> list[float]:
    """Round-by-round ratios (the i-th round's numerator over its denominator)."""
    return [a / b for a, b in zip(numerators, denominators, strict=True)]


def spread(values: list[float], unit: str = "x", digits: int = 2) -> str:
    """'median [min-max]' of `values`, e.g. '4.21x [3.90-6.10]'."""
    low, mid, high = min(values), median(values), max(values)
    return f"{mid:.{digits}f}{unit} [{low:.{digits}f}-{high:.{digits}f}]"

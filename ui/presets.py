"""Named starting points: a preset fixes some parameters, the URL may override them."""

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Preset:
    """A named set of RunConfig field values, with a one-line reason to pick it."""

    key: str
    label: str
    description: str
    values: MappingProxyType


def _preset(key: str, label: str, description: str, **values) -> Preset:
    return Preset(key, label, description, MappingProxyType(values))


PRESETS = {
    p.key: p
    for p in (
        _preset(
            "figure1",
            "Paper's Figure 1 (n = 5)",
            "σ = 0.1, η = 0.05, ‖v‖ = 1, d = 5 to T = 50 000 (paper notes §8).",
            n=5,
            d=5,
            sigma=0.1,
            eta=0.05,
            steps=50_000,
            seed=0,
            method="gd",
            teacher_norm=1.0,
        ),
        _preset(
            "theorem",
            "Theorem-like small σ",
            "σ = 1e-4, η = 0.01: the three phases separate cleanly (paper notes §10).",
            n=3,
            d=20,
            sigma=1e-4,
            eta=0.01,
            steps=200_000,
            seed=0,
            method="gd",
            teacher_norm=1.0,
        ),
        _preset(
            "n1-vs-n2",
            "n = 1 vs n = 2",
            "Two students against the n = 1 curve: the exponential loses to t⁻³.",
            n=2,
            d=5,
            sigma=0.1,
            eta=0.05,
            steps=5_000,
            seed=0,
            method="gd",
            teacher_norm=1.0,
        ),
        _preset(
            "long",
            "Long horizon (1e7 steps)",
            "Slow phase over five decades: L^{-1/3} and 1/Z stay straight lines.",
            n=3,
            d=10,
            sigma=0.01,
            eta=0.1,
            steps=10_000_000,
            seed=0,
            method="gd",
            teacher_norm=1.0,
        ),
    )
}

"""The URL names, defaults, ranges and presets of the story pages' controls.

One place for them, so the pages read them and the Theory page's link reference
lists them (it never drifts from what the pages accept).
"""

from dataclasses import dataclass

from ui.toy_runs import COLLAPSE_NS, TOY_NAMES
from ui.url_fields import Field, choice, integer, integer_list, number


@dataclass(frozen=True)
class PageFields:
    """A page's controls (`fields`), its presets (name -> values) and their labels."""

    fields: tuple[Field, ...]
    presets: dict
    labels: dict

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


FIGURE1 = {"ns": [2, 5, 10], "seeds": 5, "d": 5, "sigma": 0.1, "eta": 0.05}
COMPARE = PageFields(
    fields=(
        integer_list("ns", [2, 5, 10], 2, 20, most=5),
        integer("seeds", 5, 1, 20),
        integer("d", 5, 1, 10_000),
        number("sigma", 0.1, 1e-4, 1.0),
        number("eta", 0.05, 1e-3, 0.2),
        integer("steps", 50_000, 1_000, 200_000),
    ),
    presets={
        "figure1": {**FIGURE1, "steps": 50_000},
        "figure1-d10": {**FIGURE1, "d": 10, "steps": 50_000},
        "n1-vs-n2": {**FIGURE1, "ns": [2], "seeds": 10, "steps": 50_000},
    },
    labels={
        "figure1": "Paper's Figure 1 (d = 5)",
        "figure1-d10": "Figure 1 at d = 10",
        "n1-vs-n2": "n = 1 vs n = 2, 10 seeds",
    },
)

THEOREM = {"n": 3, "d": 20, "sigma": 1e-4, "eta": 0.01, "steps": 200_000, "seed": 0}
PHASES = PageFields(
    fields=(
        integer("n", 3, 1, 20),
        integer("d", 20, 1, 10_000),
        number("sigma", 1e-4, 1e-6, 2.0),
        number("eta", 0.01, 1e-4, 0.5),
        integer("steps", 200_000, 100, 1_000_000),
        integer("seed", 0, 0, 2**32 - 1),
        integer_list("at", [10, 100, 1_000, 10_000, 100_000, 1_000_000], 1, 10**6, 8),
    ),
    presets={
        "theorem": THEOREM,
        "figure1": {
            "n": 5,
            "d": 5,
            "sigma": 0.1,
            "eta": 0.05,
            "steps": 50_000,
            "seed": 0,
        },
        # Measured: final h_max/h_min = 19, slope -3.00 (paper notes §8: balance fails).
        "large-sigma": {
            "n": 5,
            "d": 5,
            "sigma": 1.0,
            "eta": 0.02,
            "steps": 100_000,
            "seed": 0,
        },
        "n1": {**THEOREM, "n": 1},
    },
    labels={
        "theorem": "Theorem-like: small σ, n = 3",
        "figure1": "Figure 1's σ = 0.1, n = 5",
        "large-sigma": "Large σ = 1: balance fails",
        "n1": "n = 1: no slow phase",
    },
)

TOYS = PageFields(
    fields=(choice("preset", "toy1", TOY_NAMES), choice("n", 2, COLLAPSE_NS)),
    presets={},
    labels={
        "toy1": "Toy 1: mirror pair",
        "toy2": "Toy 2: parallel to the teacher",
        "toy3": "Toy 3: identical students",
        "toy3+eps": "Toy 3 + ε: perturbed",
        "remark26": "Remark 26: collapse to 0",
    },
)

"""Every URL query name of every page, read from the modules that parse them.

The Theory page shows this table; it is built from the same declarations the
pages use, so it cannot drift from what a link may carry.
"""

import pandas as pd

from core import RunConfig
from ui.params import APP_CAPS, QUERY_FIELDS, SEEDS_CAP
from ui.presets import PRESETS
from ui.story_fields import COMPARE, PHASES, TOYS, PageFields
from ui.sweep_params import PAGE_NAMES as SWEEP_NAMES

MEANING = {
    "n": "students n",
    "ns": "the set of n compared with n = 1",
    "d": "input dimension d",
    "sigma": "initial scale σ (W₀ = σ·N(0, I))",
    "eta": "step size η",
    "steps": "GD steps T (flow: horizon t = η·steps)",
    "seed": "random seed of W₀ (Sweeps: the first seed)",
    "seeds": "how many seeds (0, 1, …): median and band",
    "method": "gd | flow | sgd",
    "teacher_norm": "teacher norm ‖v‖",
    "samples": "training samples (finite-sample GD)",
    "batch": "minibatch size (full = every sample)",
    "preset": "a named starting point",
    "at": "steps at which the Hessian spectrum is shown",
    "x": "sweep axis across",
    "xs": "values along x",
    "y": "sweep axis down",
    "ys": "values along y",
    "summary": "the number shown per cell",
    "classroom": "1: classroom mode (fewer controls, projector fonts, guided steps)",
}


def _story_rows(page: str, declared: PageFields) -> list[dict]:
    rows = []
    for field in declared.fields:
        allowed = field.allowed
        if field.name == "preset" and not declared.presets:
            allowed = "one of " + ", ".join(declared.labels)
        rows.append(
            {
                "page": page,
                "name": field.name,
                "meaning": MEANING.get(field.name, ""),
                "allowed": allowed,
                "default": field.text(field.default),
            }
        )
    if declared.presets:
        rows.append(_preset_row(page, list(declared.presets)))
    return rows


def _preset_row(page: str, names: list[str]) -> dict:
    return {
        "page": page,
        "name": "preset",
        "meaning": MEANING["preset"],
        "allowed": "one of " + ", ".join([*names, "custom"]),
        "default": "",
    }


def link_reference() -> pd.DataFrame:
    """One row per (page, URL name): meaning, allowed values, default."""
    explore_defaults = RunConfig().to_dict()
    rows = [
        {
            "page": "Explore",
            "name": name,
            "meaning": MEANING[name],
            "allowed": APP_CAPS[name].describe() if name in APP_CAPS else "",
            "default": "full"
            if explore_defaults[name] is None
            else str(explore_defaults[name]),
        }
        for name in QUERY_FIELDS
    ]
    rows.append(
        {
            "page": "Explore",
            "name": "seeds",
            "meaning": "K: seeds seed, …, seed + K − 1 as a median and 10–90 % band "
            "on the loss charts",
            "allowed": SEEDS_CAP.describe(),
            "default": "1",
        }
    )
    rows.append(_preset_row("Explore", list(PRESETS)))
    rows += _story_rows("Compare", COMPARE)
    rows += _story_rows("Phases", PHASES)
    rows += _story_rows("Toy cases", TOYS)
    rows += [
        {"page": "Sweeps", "name": name, "meaning": MEANING.get(name, "")}
        for name in SWEEP_NAMES
    ]
    rows.append(
        {"page": "every page", "name": "classroom", "meaning": MEANING["classroom"]}
    )
    return pd.DataFrame(rows).fillna("")

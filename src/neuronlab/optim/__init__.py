"""The optimisers: how a discrete step uses the gradient (their state and steps)."""

__all__ = ["OPTIMIZERS"]


def __getattr__(name: str):
    # Loaded on first use, like the package's names (neuronlab/__init__): the
    # step loop imports optim.steps, and optim.optimizers imports that loop
    # (through gauss_newton); imported here at once, the two made a cycle.
    if name == "OPTIMIZERS":
        from neuronlab.optim.optimizers import OPTIMIZERS

        return OPTIMIZERS
    raise AttributeError(f"module 'neuronlab.optim' has no attribute {name!r}")

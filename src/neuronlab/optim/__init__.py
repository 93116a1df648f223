"""The optimisers: how a discrete step uses the gradient (their state and steps)."""

from neuronlab.optim.optimizers import OPTIMIZERS

__all__ = ["OPTIMIZERS"]

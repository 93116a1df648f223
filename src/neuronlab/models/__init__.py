"""The models: one module per activation (its kernels, loss, gradient, Hessian,
Gauss-Newton matrix), the pair geometry they share, the registry, the exact
population functions and the reduction to span{v, w_i(0)}."""

from neuronlab.models.registry import MODELS, Model, model_of, workspace

__all__ = ["MODELS", "Model", "model_of", "workspace"]

"""The fast path: the core's math with preallocated buffers, in-place work and minibatch streaming.

``Network`` holds the parameters as one flat vector with per-layer views and a ``Workspace`` of
buffers per batch size; ``make_optimizer`` builds an in-place update rule; ``loop.train`` runs epochs;
``predict_forward`` is the in-place forward pass of trained parameters, for prediction.
Tests hold all of it to ``layerwise.core`` (1e-12 relative in float64, 1e-5 in float32).
"""
from .kernels import ACTIVATIONS, OUTPUTS
from .loop import DivergenceError, FitConfig, TrainState, end_epoch, run_epoch, train
from .network import Network, Workspace
from .optimizers import OPTIMIZERS, make_optimizer
from .predict import forward as predict_forward

__all__ = ["ACTIVATIONS", "OUTPUTS", "DivergenceError", "FitConfig", "TrainState", "end_epoch", "run_epoch",
           "train", "Network", "Workspace", "OPTIMIZERS", "make_optimizer",
           "predict_forward"]

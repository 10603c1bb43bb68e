"""The fast path: the core's math with preallocated buffers, in-place work and minibatch streaming.

``Network`` holds the parameters as one flat vector with per-layer views and a ``Workspace`` of
buffers per batch size; ``make_optimizer`` builds an in-place update rule; ``loop.train`` runs epochs.
Tests hold all of it to ``layerwise.core`` (1e-12 relative in float64, 1e-5 in float32).
"""
from .kernels import ACTIVATIONS, OUTPUTS
from .loop import DivergenceError, FitConfig, TrainState, end_epoch, run_epoch, train
from .shard import Shard, shard_epoch
from .network import Network, Workspace
from .optimizers import OPTIMIZERS, make_optimizer

__all__ = ["ACTIVATIONS", "OUTPUTS", "DivergenceError", "FitConfig", "Shard", "TrainState", "end_epoch", "run_epoch",
           "shard_epoch", "train", "Network", "Workspace", "OPTIMIZERS", "make_optimizer"]

"""The fast path: the core's math with preallocated buffers, in-place work and minibatch streaming.

``fit`` (engine/fit.py) is the entry the estimators call: it chooses the loop, the CUDA graph or
L-BFGS, threads and precision. ``Network`` holds the parameters as one flat vector with per-layer
views and a ``Workspace`` of buffers per batch size; ``make_optimizer`` builds an in-place update rule;
``loop.train`` runs epochs; ``predict_forward`` is the in-place forward pass of trained parameters.
Tests hold all of it to ``layerwise.core`` (1e-12 relative in float64, 1e-5 in float32).
"""

from .fit import FitResult, fit
from .kernels import ACTIVATIONS
from .loop import DivergenceError, FitConfig, TrainState, end_epoch, run_epoch, train
from .network import Network, Workspace
from .ops import host_dtype, ops_for
from .optimizers import OPTIMIZERS, make_optimizer
from .outputs import OUTPUTS
from .precision import precision_scope
from .predict import forward as predict_forward
from .shard import Shard, shard_epoch

__all__ = [
    "fit",
    "FitResult",
    "precision_scope",
    "ACTIVATIONS",
    "OUTPUTS",
    "DivergenceError",
    "FitConfig",
    "Shard",
    "TrainState",
    "end_epoch",
    "run_epoch",
    "shard_epoch",
    "train",
    "Network",
    "Workspace",
    "host_dtype",
    "ops_for",
    "OPTIMIZERS",
    "make_optimizer",
    "predict_forward",
]

"""The course's math: pure functions on explicit arrays, in the course's notation, any namespace."""

from .activations import ACTIVATIONS, Activation, get_activation, leaky_relu, sigmoid, softmax
from .gradcheck import check_block, check_network, numerical_gradient, relative_error
from .initializers import INITIALIZERS, Initializer, check_layer_dims, draw_weights, get_initializer
from .layers import (
    LayerCache,
    LinearCache,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
)
from .losses import LOSSES, Loss, get_loss, log_softmax, softplus
from .network import (
    LayerGrads,
    LayerParams,
    check_finite,
    compute_cost,
    hidden_activations,
    init_params,
    model_backward,
    model_forward,
    predict,
    predict_proba,
)
from .optimizers import OPTIMIZERS, Optimizer, adam, gd, get_optimizer, momentum, rmsprop, update_parameters
from .training import check_learning_rate, train

# the public surface, named explicitly (mypy's strict mode re-exports nothing implicitly)
__all__ = [
    "ACTIVATIONS",
    "Activation",
    "get_activation",
    "leaky_relu",
    "sigmoid",
    "softmax",
    "check_block",
    "check_network",
    "numerical_gradient",
    "relative_error",
    "INITIALIZERS",
    "Initializer",
    "check_layer_dims",
    "draw_weights",
    "get_initializer",
    "LayerCache",
    "LinearCache",
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
    "LOSSES",
    "Loss",
    "get_loss",
    "log_softmax",
    "softplus",
    "LayerGrads",
    "LayerParams",
    "check_finite",
    "compute_cost",
    "hidden_activations",
    "init_params",
    "model_backward",
    "model_forward",
    "predict",
    "predict_proba",
    "OPTIMIZERS",
    "Optimizer",
    "adam",
    "gd",
    "get_optimizer",
    "momentum",
    "rmsprop",
    "update_parameters",
    "check_learning_rate",
    "train",
]

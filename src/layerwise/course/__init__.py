"""The course's notebooks, function for function: one module per assignment week, over NumPy.

``week2`` (logistic regression), ``week3`` (one hidden layer, planar data), ``week4`` (the deep network,
Step by Step and the application) keep each notebook's names, signatures, defaults, return types,
seeding and printed lines, so a learner's notebook can be checked line by line; each function's
docstring names the ``layerwise.core`` function that computes the same thing. The names here at the
top are week 4's, plus week 2's and week 3's that week 4 does not also define (``sigmoid``,
``initialize_with_zeros``, ``propagate``, ``optimize``, ``model``, ``layer_sizes``,
``forward_propagation``, ``backward_propagation``, ``nn_model``); ``predict``, ``compute_cost``,
``initialize_parameters`` and ``update_parameters`` are week 4's: use ``week2.predict`` or
``week3.predict`` for the others. ``to_params`` / ``to_dict`` convert to and from the core's parameters.
"""

from . import week2, week3, week4, week4_app, week4_steps
from .check import check
from .convert import grads_dict, to_dict, to_grads, to_params
from .week2 import initialize_with_zeros, model, optimize, propagate, sigmoid
from .week3 import backward_propagation, forward_propagation, layer_sizes, nn_model
from .week4 import (
    L_layer_model,
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters,
    initialize_parameters_deep,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    predict,
    two_layer_model,
    update_parameters,
)

__all__ = [
    "week2",
    "week3",
    "week4",
    "week4_app",
    "week4_steps",
    "to_params",
    "to_dict",
    "to_grads",
    "grads_dict",
    "check",
    *week4.__all__,
    "sigmoid",
    "initialize_with_zeros",
    "propagate",
    "optimize",
    "model",
    "layer_sizes",
    "forward_propagation",
    "backward_propagation",
    "nn_model",
]

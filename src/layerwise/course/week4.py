"""Week 4, both notebooks in one namespace: the Step by Step functions and the application's models.

``layerwise.course.week4`` holds the functions of "Building your Deep Neural Network: Step by Step"
(``week4_steps``) and the models of "Deep Neural Network - Application" (``week4_app``): a learner's
notebook cell ``L_layer_model(...)`` or ``L_model_backward(...)`` finds its function here under the
same name. ``initialize_parameters_deep`` here is the Step by Step one (seed 3, x 0.01); the
application's (seed 1, 1/sqrt(n[l-1])) is ``week4_app.initialize_parameters_deep``.
"""

from .week4_app import L_layer_model, predict, two_layer_model
from .week4_steps import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters,
    initialize_parameters_deep,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    update_parameters,
)

__all__ = [
    "initialize_parameters",
    "initialize_parameters_deep",
    "linear_forward",
    "linear_activation_forward",
    "L_model_forward",
    "compute_cost",
    "linear_backward",
    "linear_activation_backward",
    "L_model_backward",
    "update_parameters",
    "two_layer_model",
    "L_layer_model",
    "predict",
]

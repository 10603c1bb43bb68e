"""Week 4, both notebooks in one namespace: the Step by Step functions and the application's models.

``layerwise.course.week4`` holds the functions of "Building your Deep Neural Network: Step by Step"
(``week4_steps``) and the models of "Deep Neural Network - Application" (``week4_app``): a learner's
notebook cell ``L_layer_model(...)`` or ``L_model_backward(...)`` finds its function here under the
same name. ``initialize_parameters_deep`` here is the Step by Step one (seed 3, x 0.01); the
application's (seed 1, 1/sqrt(n[l-1])) is ``week4_app.initialize_parameters_deep``. The Step by Step
names are listed once, in ``week4_steps.__all__``.
"""

from . import week4_steps
from .week4_app import L_layer_model, predict, two_layer_model
from .week4_steps import *  # noqa: F403  (every name of week4_steps.__all__, listed there once)

__all__ = [*week4_steps.__all__, "two_layer_model", "L_layer_model", "predict"]

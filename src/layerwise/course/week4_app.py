"""Week 4's second notebook, "Deep Neural Network - Application": its models, exactly.

``two_layer_model`` and ``L_layer_model`` train on the course's cat images with the Step by Step
blocks (``week4_steps``) and the notebook's ``dnn_app_utils``: ``initialize_parameters`` (seed 1,
x 0.01) and ``initialize_parameters_deep`` (seed 1, scale 1/sqrt(n[l-1])). Both models call
``np.random.seed(1)`` first, record the cost (a 0-d array) at iterations 0, 100, 200, ..., and with
``print_cost`` print ``Cost after iteration {i}: {cost}`` (full precision) at those iterations and at
the last one, as the notebook. Its condition, ``print_cost and i % 100 == 0 or i == num_iterations - 1``,
prints the last iteration's line even when ``print_cost`` is False (the published notebook shows it);
so do these. Labels may be real numbers, as the notebook's code accepts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._typing import Array
from .week4_steps import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters,
    linear_activation_backward,
    linear_activation_forward,
    update_parameters,
)

__all__ = ["initialize_parameters", "initialize_parameters_deep", "two_layer_model", "L_layer_model", "predict"]


def initialize_parameters_deep(layer_dims: Sequence[int], *, seed: int = 1) -> dict[str, Array]:
    """The application's L-layer parameters: W[l] = randn / sqrt(n[l-1]), b[l] zeros, after
    ``np.random.seed(1)``. ``layerwise.core.init_params(layer_dims, "xavier", random_state=1)`` draws
    the same."""
    np.random.seed(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def _record(i: int, cost: float, num_iterations: int, print_cost: bool, costs: list[float]) -> None:
    if (print_cost and i % 100 == 0) or i == num_iterations - 1:  # the notebook's precedence, kept
        print(f"Cost after iteration {i}: {np.squeeze(cost)}")
    if i % 100 == 0 or i == num_iterations:  # the notebook's condition: the second half never holds
        costs.append(cost)


def two_layer_model(
    X: Array,
    Y: Array,
    layers_dims: Sequence[int],
    learning_rate: float = 0.0075,
    num_iterations: int = 3000,
    print_cost: bool = False,
) -> tuple[dict[str, Array], list[float]]:
    """LINEAR -> RELU -> LINEAR -> SIGMOID, ``layers_dims`` = (n_x, n_h, n_y) -> (parameters, costs).

    Backward from dA2 = -(Y/A2 - (1 - Y)/(1 - A2)), as the notebook.
    ``layerwise.core.train([n_x, n_h, n_y], "relu", init="random", random_state=1)`` runs the same loop.
    """
    np.random.seed(1)
    grads = {}
    costs: list[float] = []
    (n_x, n_h, n_y) = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(num_iterations):
        W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]
        A1, cache1 = linear_activation_forward(X, W1, b1, "relu")
        A2, cache2 = linear_activation_forward(A1, W2, b2, "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, grads["dW2"], grads["db2"] = linear_activation_backward(dA2, cache2, "sigmoid")
        dA0, grads["dW1"], grads["db1"] = linear_activation_backward(dA1, cache1, "relu")
        parameters = update_parameters(parameters, grads, learning_rate)
        _record(i, cost, num_iterations, print_cost, costs)
    return parameters, costs


def L_layer_model(
    X: Array,
    Y: Array,
    layers_dims: Sequence[int],
    learning_rate: float = 0.0075,
    num_iterations: int = 3000,
    print_cost: bool = False,
) -> tuple[dict[str, Array], list[float]]:
    """[LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID, ``layers_dims`` = [n_x, ..., 1] -> (parameters, costs).

    ``layerwise.core.train(X, Y, layers_dims, "relu", init="xavier", random_state=1)`` runs the same loop.
    """
    np.random.seed(1)
    costs: list[float] = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        _record(i, cost, num_iterations, print_cost, costs)
    return parameters, costs


def predict(X: Array, y: Array, parameters: dict[str, Array]) -> Array:
    """p (1, m) of 0.0 / 1.0 (1 where AL > 0.5), printing ``Accuracy: `` + the share of p == y.

    ``layerwise.core.predict(X, params, "relu")`` gives the same labels, as integers.
    """
    m = X.shape[1]
    p = np.zeros((1, m))
    probas, caches = L_model_forward(X, parameters)
    p[probas > 0.5] = 1
    print("Accuracy: " + str(np.sum((p == y) / m)))
    return p

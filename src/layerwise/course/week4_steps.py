"""Week 4's first notebook, "Building your Deep Neural Network: Step by Step": its functions, exactly.

[LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID over the notebook's dicts {"W1", "b1", ..., "WL", "bL"}.
Caches are the notebook's plain tuples: a linear cache ``(A_prev, W, b)``, a layer's cache
``((A_prev, W, b), Z)``, and ``L_model_forward`` returns a list of them. ``L_model_backward`` starts
from the generic dAL = -(Y/AL - (1 - Y)/(1 - AL)) through ``sigmoid_backward`` and returns the
notebook's keys dA{l-1}, dW{l}, db{l}. ``initialize_parameters`` seeds ``np.random.seed(1)``,
``initialize_parameters_deep`` ``np.random.seed(3)``, as the notebook does inside them.
``sigmoid``, ``relu``, ``sigmoid_backward`` and ``relu_backward`` are the notebook's ``dnn_utils``.
Each docstring names the ``layerwise.core`` function that computes
the same thing; the tests hold the two equal.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import TypeAlias

import numpy as np

from .._typing import Array

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
]

LinearCache: TypeAlias = tuple[Array, Array, Array]  # (A_prev, W, b)
LayerCache: TypeAlias = tuple[LinearCache, Array]  # ((A_prev, W, b), Z)


# ---------------------------------------------------------------- dnn_utils: activations and derivatives
def sigmoid(Z: Array) -> tuple[Array, Array]:
    """A = 1 / (1 + e^-Z) -> (A, cache Z). ``layerwise.core.sigmoid`` computes the same A."""
    with np.errstate(over="ignore"):  # e^-Z = inf for Z < -709 gives the right 0
        A = 1 / (1 + np.exp(-Z))
    return A, Z


def relu(Z: Array) -> tuple[Array, Array]:
    """A = max(0, Z) -> (A, cache Z). ``layerwise.core.ACTIVATIONS["relu"]`` computes the same A."""
    return np.maximum(0, Z), Z


def sigmoid_backward(dA: Array, cache: Array) -> Array:
    """dZ = dA * s (1 - s), s = sigmoid(Z) from the cached Z. Same as ``core.ACTIVATIONS["sigmoid"].backward``."""
    s, _ = sigmoid(cache)
    return dA * s * (1 - s)


def relu_backward(dA: Array, cache: Array) -> Array:
    """dZ = dA where Z > 0, else 0 (a copy). Same as ``core.ACTIVATIONS["relu"].backward``."""
    dZ = np.array(dA, copy=True)
    dZ[cache <= 0] = 0
    return dZ


_FORWARD: dict[str, Callable[[Array], tuple[Array, Array]]] = {"sigmoid": sigmoid, "relu": relu}
_BACKWARD: dict[str, Callable[[Array, Array], Array]] = {"sigmoid": sigmoid_backward, "relu": relu_backward}


# ---------------------------------------------------------------- initialization
def initialize_parameters(n_x: int, n_h: int, n_y: int, *, seed: int = 1) -> dict[str, Array]:
    """Two-layer parameters: W1 (n_h, n_x), W2 (n_y, n_h) = randn x 0.01, zero biases.

    Calls ``np.random.seed(1)`` first, as the notebook. ``layerwise.core.init_params([n_x, n_h, n_y],
    "random", random_state=1)`` draws the same.
    """
    np.random.seed(seed)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def initialize_parameters_deep(layer_dims: Sequence[int], *, seed: int = 3) -> dict[str, Array]:
    """L-layer parameters: W[l] (n[l], n[l-1]) = randn x 0.01, b[l] (n[l], 1) zeros, l = 1..L.

    Calls ``np.random.seed(3)`` first, as the notebook. (The application notebook's version, seed 1
    and scale 1/sqrt(n[l-1]), is ``layerwise.course.week4_app.initialize_parameters_deep``.)
    ``layerwise.core.init_params(layer_dims, "random", random_state=3)`` draws the same.
    """
    np.random.seed(seed)
    parameters: dict[str, Array] = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


# ---------------------------------------------------------------- forward
def linear_forward(A: Array, W: Array, b: Array) -> tuple[Array, LinearCache]:
    """Z = W A + b -> (Z (n[l], m), cache (A, W, b)). ``layerwise.core.linear_forward`` computes the same Z."""
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache


def linear_activation_forward(A_prev: Array, W: Array, b: Array, activation: str) -> tuple[Array, LayerCache]:
    """A = g(W A_prev + b), g "sigmoid" or "relu" -> (A, cache ((A_prev, W, b), Z)).

    ``layerwise.core.linear_activation_forward`` computes the same A.
    """
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = _FORWARD[activation](Z)
    cache = (linear_cache, activation_cache)
    return A, cache


def L_model_forward(X: Array, parameters: dict[str, Array]) -> tuple[Array, list[LayerCache]]:
    """X (n[0], m) -> (AL (1, m), caches: a list of L layer caches).

    ``layerwise.core.model_forward(X, params, "relu")`` computes the same AL.
    """
    caches: list[LayerCache] = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL: Array, Y: Array) -> Array:
    """J = -1/m (Y log AL^T + (1 - Y) log(1 - AL)^T), squeezed to a 0-d array, as the course.

    AL, Y (1, m); labels may be real numbers, as the notebook's code accepts.
    ``layerwise.core.compute_cost`` computes the same J from the logits Z[L].
    """
    m = Y.shape[1]
    cost = (1.0 / m) * (-np.dot(Y, np.log(AL).T) - np.dot(1 - Y, np.log(1 - AL).T))
    return np.squeeze(cost)


# ---------------------------------------------------------------- backward
def linear_backward(dZ: Array, cache: LinearCache) -> tuple[Array, Array, Array]:
    """dZ (n[l], m), cache (A_prev, W, b) -> (dA_prev = W^T dZ, dW = dZ A_prev^T / m, db = sum(dZ) / m).

    ``layerwise.core.linear_backward`` computes the same.
    """
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA: Array, cache: LayerCache, activation: str) -> tuple[Array, Array, Array]:
    """dA -> (dA_prev, dW, db) through g'(Z) of the cached Z, g "sigmoid" or "relu".

    ``layerwise.core.linear_activation_backward`` computes the same.
    """
    linear_cache, activation_cache = cache
    dZ = _BACKWARD[activation](dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL: Array, Y: Array, caches: Sequence[LayerCache]) -> dict[str, Array]:
    """Gradients {"dA{l-1}", "dW{l}", "db{l}"} for l = L..1, from dAL = -(Y/AL - (1 - Y)/(1 - AL)).

    The output layer goes through ``sigmoid_backward`` of its cached Z, the others through
    ``relu_backward``, as the notebook. When AL = sigmoid(Z[L]) (a consistent cache) this equals
    ``layerwise.core.model_backward(AL, Y, caches, "relu")``, which starts from the fused dZ[L] = AL - Y.
    """
    grads: dict[str, Array] = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA_prev, dW, db = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA_prev, dW, db
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dA_prev, dW, db
    return grads


def update_parameters(params: dict[str, Array], grads: dict[str, Array], learning_rate: float) -> dict[str, Array]:
    """W[l] -= alpha dW[l], b[l] -= alpha db[l] for l = 1..L, on a copy of ``params``.

    ``layerwise.core.update_parameters`` computes the same.
    """
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
    return parameters

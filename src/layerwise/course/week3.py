"""Week 3's notebook, "Planar data classification with one hidden layer": its functions, exactly.

LINEAR -> TANH -> LINEAR -> SIGMOID with n_h hidden units; parameters are the notebook's dict
{"W1", "b1", "W2", "b2"}, the cache its dict {"Z1", "A1", "Z2", "A2"}. Seeding is the current
notebook's: ``nn_model`` calls ``np.random.seed(3)``, and ``initialize_parameters`` draws from the
caller's global ``np.random`` (the unit test seeds it with 2 first). Older versions of the notebook
seeded ``np.random.seed(2)`` inside ``initialize_parameters``; pass ``seed=2`` (or ``init_seed=2`` to
``nn_model``) to get those draws, and the older published figures. Each docstring names the
``layerwise.core`` function that computes the same thing; the tests hold the two equal.
"""

from __future__ import annotations

import copy

import numpy as np

from .._typing import Array

__all__ = [
    "layer_sizes",
    "initialize_parameters",
    "forward_propagation",
    "compute_cost",
    "backward_propagation",
    "update_parameters",
    "nn_model",
    "predict",
]


def _sigmoid(x: Array) -> Array:
    with np.errstate(over="ignore"):  # e^-x = inf for x < -709 gives the right 0
        return 1 / (1 + np.exp(-x))


def layer_sizes(X: Array, Y: Array) -> tuple[int, int, int]:
    """(n_x, n_h, n_y) = (rows of X, 4, rows of Y), a tuple, as the notebook (n_h is fixed at 4).

    In ``layerwise.core`` the same sizes are the ``layer_dims`` list ``[n_x, n_h, n_y]``.
    """
    n_x = X.shape[0]
    n_h = 4
    n_y = Y.shape[0]
    return (n_x, n_h, n_y)


def initialize_parameters(n_x: int, n_h: int, n_y: int, seed: int | None = None) -> dict[str, Array]:
    """W1 (n_h, n_x) and W2 (n_y, n_h) = randn x 0.01, b1 (n_h, 1) and b2 (n_y, 1) zeros.

    Draws from NumPy's global generator, W1 first, as the current notebook. ``seed=2`` first calls
    ``np.random.seed(2)``, as older versions of the notebook did inside this function.
    ``layerwise.core.init_params([n_x, n_h, n_y], "random", random_state=seed)`` draws the same.
    """
    if seed is not None:
        np.random.seed(seed)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def forward_propagation(X: Array, parameters: dict[str, Array]) -> tuple[Array, dict[str, Array]]:
    """X (n_x, m) -> (A2 (1, m), cache {"Z1", "A1", "Z2", "A2"}).

    Z1 = W1 X + b1, A1 = tanh(Z1), Z2 = W2 A1 + b2, A2 = sigmoid(Z2).
    ``layerwise.core.model_forward(X, params, "tanh")`` computes the same A2 and Z's.
    """
    W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]
    Z1 = np.dot(W1, X) + b1  # (n_h, m)
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2  # (n_y, m)
    A2 = _sigmoid(Z2)
    assert A2.shape == (1, X.shape[1])
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return A2, cache


def compute_cost(A2: Array, Y: Array, parameters: dict[str, Array] | None = None) -> float:
    """J = -1/m sum(Y log A2 + (1 - Y) log(1 - A2)), a Python float, as the notebook.

    A2 (1, m) or (m,), Y (1, m); labels may be booleans (the unit tests' ``randn > 0``) or real
    numbers, as the notebook's code accepts. ``parameters`` is the older notebook's third argument
    (``compute_cost(A2, Y, parameters)``), accepted and unused as it was there.
    ``layerwise.core.compute_cost`` computes the same J from the logits Z2.
    """
    m = Y.shape[1]
    logprobs = np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)
    cost = -np.sum(logprobs) / m
    return float(np.squeeze(cost))


def backward_propagation(parameters: dict[str, Array], cache: dict[str, Array], X: Array, Y: Array) -> dict[str, Array]:
    """Gradients {"dW1", "db1", "dW2", "db2"} from ``forward_propagation``'s cache.

    dZ2 = A2 - Y; dW2 = dZ2 A1^T / m; db2 = sum(dZ2) / m; dZ1 = W2^T dZ2 * (1 - A1^2) (tanh's
    derivative from the cached A1, as the notebook: Z1 is not read); dW1 = dZ1 X^T / m; db1 = sum(dZ1) / m.
    ``layerwise.core.model_backward(A2, Y, caches, "tanh")`` gives the same when the cache is consistent.
    """
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y  # (n_y, m)
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))  # (n_h, m)
    dW1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(
    parameters: dict[str, Array], grads: dict[str, Array], learning_rate: float = 1.2
) -> dict[str, Array]:
    """W -= alpha dW, b -= alpha db for both layers, on copies; alpha = 1.2 by default, as the notebook.

    ``layerwise.core.update_parameters`` computes the same.
    """
    W1, b1 = copy.deepcopy(parameters["W1"]), copy.deepcopy(parameters["b1"])
    W2, b2 = copy.deepcopy(parameters["W2"]), copy.deepcopy(parameters["b2"])
    W1 = W1 - learning_rate * grads["dW1"]
    b1 = b1 - learning_rate * grads["db1"]
    W2 = W2 - learning_rate * grads["dW2"]
    b2 = b2 - learning_rate * grads["db2"]
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def nn_model(
    X: Array,
    Y: Array,
    n_h: int,
    num_iterations: int = 10000,
    print_cost: bool = False,
    *,
    init_seed: int | None = None,
    learning_rate: float = 1.2,
) -> dict[str, Array]:
    """Train the one-hidden-layer network; returns the parameters dict.

    Calls ``np.random.seed(3)``, then ``initialize_parameters`` and ``num_iterations`` steps of
    forward, cost, backward, update (learning rate 1.2). ``print_cost`` prints
    ``Cost after iteration %i: %f`` every 1000 iterations, as the notebook. Keyword-only additions:
    ``init_seed=2`` reproduces the older notebook (``initialize_parameters`` seeding 2 inside, the draw
    behind the older published figures); ``learning_rate`` changes the step.
    ``layerwise.core.train([n_x, n_h, n_y], "tanh", init="random", random_state=3)`` runs the same loop.
    """
    np.random.seed(3)
    n_x = layer_sizes(X, Y)[0]
    n_y = layer_sizes(X, Y)[2]
    parameters = initialize_parameters(n_x, n_h, n_y, seed=init_seed)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = compute_cost(A2, Y)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and i % 1000 == 0:
            print("Cost after iteration %i: %f" % (i, cost))
    return parameters


def predict(parameters: dict[str, Array], X: Array) -> Array:
    """predictions (1, m), booleans: A2 > 0.5, as the notebook.

    ``layerwise.core.predict(X, params, "tanh")`` gives the same labels, as integers.
    """
    A2, cache = forward_propagation(X, parameters)
    predictions = A2 > 0.5
    return predictions

"""Week 2's notebook, "Logistic Regression with a Neural Network mindset": its functions, exactly.

Names, signatures, defaults, return types and printed lines are the notebook's: ``w`` is a column
(n_x, 1), ``b`` a scalar, examples are columns of X (n_x, m), labels Y (1, m). The cost comes back as
a 0-d array (the notebook's ``np.squeeze(np.array(cost))``), ``db`` as a NumPy float. Nothing here is
seeded: the notebook's week 2 draws no random numbers. Each docstring names the ``layerwise.core``
function that computes the same thing; the tests hold the two equal.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from .._typing import Array

__all__ = ["sigmoid", "initialize_with_zeros", "propagate", "optimize", "predict", "model"]


def sigmoid(z: Any) -> Any:
    """sigma(z) = 1 / (1 + e^-z), elementwise; a NumPy scalar for a scalar z, an array for an array.

    Same values as ``layerwise.core.sigmoid`` (which is written to avoid the overflow warning of
    e^-z for z < -709; here that overflow is silenced, and 1 / (1 + inf) = 0 is the right answer).
    """
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


def initialize_with_zeros(dim: int) -> tuple[Array, float]:
    """w (dim, 1) of zeros and the Python float b = 0.0.

    ``layerwise.core.init_params([dim, 1], "zeros")`` gives the same numbers as W[1] = w^T (1, dim).
    """
    w = np.zeros((dim, 1))
    b = 0.0
    return w, b


def propagate(w: Array, b: float, X: Array, Y: Array) -> tuple[dict[str, Any], Any]:
    """Forward and backward pass of logistic regression.

    w (n_x, 1), b scalar, X (n_x, m), Y (1, m) -> ({"dw": (n_x, 1), "db": NumPy float}, cost 0-d array).
    A = sigmoid(w^T X + b); J = -1/m sum(Y log A + (1 - Y) log(1 - A)); dw = X (A - Y)^T / m;
    db = sum(A - Y) / m. ``layerwise.core.model_forward`` / ``compute_cost`` / ``model_backward`` with
    L = 1 compute the same (the core's J from the logits, stably); ``layerwise.core.reference``
    has the per-example loop version.
    """
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)  # (1, m)
    cost = -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    dw = 1 / m * np.dot(X, (A - Y).T)  # (n_x, 1)
    db = 1 / m * np.sum(A - Y)
    cost = np.squeeze(np.array(cost))
    grads = {"dw": dw, "db": db}
    return grads, cost


def optimize(
    w: Array,
    b: float,
    X: Array,
    Y: Array,
    num_iterations: int = 100,
    learning_rate: float = 0.009,
    print_cost: bool = False,
) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    """Gradient descent: w -= alpha dw, b -= alpha db, ``num_iterations`` times.

    Returns ({"w", "b"}, {"dw", "db"} of the last step, costs), the costs of iterations 0, 100, 200, ...
    (the cost before that iteration's update). ``print_cost`` prints ``Cost after iteration %i: %f``
    at the same iterations, as the notebook. ``layerwise.core.train`` with ``layer_dims=[n_x, 1]``
    runs the same loop from the same start (it records every iteration's cost).
    """
    w = copy.deepcopy(w)
    b = copy.deepcopy(b)
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        dw = grads["dw"]
        db = grads["db"]
        w = w - learning_rate * dw
        b = b - learning_rate * db
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print("Cost after iteration %i: %f" % (i, cost))
    params = {"w": w, "b": b}
    grads = {"dw": dw, "db": db}
    return params, grads, costs


def predict(w: Array, b: float, X: Array) -> Array:
    """Y_prediction (1, m) of 0.0 / 1.0: 1 where sigmoid(w^T X + b) > 0.5.

    ``layerwise.core.predict`` (a single sigmoid unit) gives the same labels, as integers.
    """
    m = X.shape[1]
    w = w.reshape(X.shape[0], 1)
    A = sigmoid(np.dot(w.T, X) + b)  # (1, m)
    Y_prediction = np.zeros((1, m))
    Y_prediction[A > 0.5] = 1
    return Y_prediction


def model(
    X_train: Array,
    Y_train: Array,
    X_test: Array,
    Y_test: Array,
    num_iterations: int = 2000,
    learning_rate: float = 0.5,
    print_cost: bool = False,
) -> dict[str, Any]:
    """The whole model: zeros, ``optimize``, then ``predict`` on both sets.

    Returns the notebook's dict ``d`` with "costs", "Y_prediction_test", "Y_prediction_train", "w",
    "b", "learning_rate" and "num_iterations". ``print_cost`` also prints the notebook's two lines
    ``train accuracy: {} %`` and ``test accuracy: {} %`` (100 - mean |prediction - label| x 100).
    ``layerwise.core.train`` with ``[n_x, 1]``, ``init="zeros"`` and ``layerwise.core.predict`` compute
    the same.
    """
    w, b = initialize_with_zeros(X_train.shape[0])
    params, grads, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate, print_cost)
    w = params["w"]
    b = params["b"]
    Y_prediction_test = predict(w, b, X_test)
    Y_prediction_train = predict(w, b, X_train)
    if print_cost:
        print(f"train accuracy: {100 - np.mean(np.abs(Y_prediction_train - Y_train)) * 100} %")
        print(f"test accuracy: {100 - np.mean(np.abs(Y_prediction_test - Y_test)) * 100} %")
    return {
        "costs": costs,
        "Y_prediction_test": Y_prediction_test,
        "Y_prediction_train": Y_prediction_train,
        "w": w,
        "b": b,
        "learning_rate": learning_rate,
        "num_iterations": num_iterations,
    }

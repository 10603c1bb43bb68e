"""The week-3 flower network in plain NumPy: the independent implementation BLAS-dependent figures are held to.

At learning rate 1.2 the course's run turns rounding-chaotic after about 7,800 iterations (see
test_estimators_course.py::test_flower_trajectory_past_7800_iterations_is_rounding_sensitive): from
there its decision boundary, and so a point or two of its accuracy, depends on the BLAS's summation
order. Tests compare such a figure with this implementation computed in the same process (the same
BLAS), within ``FLIPS`` points of 400, never with a figure printed on another machine.
"""

from __future__ import annotations

import numpy as np

FLIPS = 2  # points of 400 near the boundary that may fall either way in the chaotic regime


def tanh_network_accuracy(X, Y, n_h, iterations, lr=1.2):
    """The week 3 notebook's nn_model (seed 2, weights x 0.01) on X (2, m), Y (1, m); training accuracy in %."""
    rng = np.random.RandomState(2)
    W1, b1 = rng.randn(n_h, 2) * 0.01, np.zeros((n_h, 1))
    W2, b2 = rng.randn(1, n_h) * 0.01, np.zeros((1, 1))
    m = X.shape[1]
    for _ in range(iterations):  # the notebook's arithmetic in its order, so layerwise.course.week3 matches it bitwise
        A1 = np.tanh(np.dot(W1, X) + b1)
        A2 = 1 / (1 + np.exp(-(np.dot(W2, A1) + b2)))
        dZ2 = A2 - Y
        dW2, db2 = (1 / m) * np.dot(dZ2, A1.T), (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
        dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
        dW1, db1 = (1 / m) * np.dot(dZ1, X.T), (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2
    A2 = 1 / (1 + np.exp(-(np.dot(W2, np.tanh(np.dot(W1, X) + b1)) + b2)))
    return 100 * float(np.mean((A2 > 0.5) == Y))

"""Logistic regression the course's non-vectorized way: explicit loops, as in the lecture notes.

    J = 0, dw1 = ... = dwn = 0, db = 0
    for i = 1..m:
        z(i) = w^T x(i) + b            (itself a loop over the n_x features)
        a(i) = sigma(z(i))
        J  += -[y(i) log a(i) + (1 - y(i)) log(1 - a(i))]
        dz(i) = a(i) - y(i)
        dw_j += x_j(i) dz(i)  for j = 1..n_x
        db  += dz(i)
    J /= m, dw /= m, db /= m

This is the independent reference the vectorized code is tested against, and the slow baseline in
the vectorization benchmark. Pure Python over NumPy scalars; no vector operations.
"""

from __future__ import annotations

import math

import numpy as np

from .._typing import Array


def _sigma(z: float) -> float:
    # the same value as 1 / (1 + e^-z), written so that no z overflows
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def propagate_loops(w: Array, b: Array, X: Array, Y: Array) -> tuple[Array, float, float]:
    """Two loops, over examples and features. w (n_x, 1), b scalar, X (n_x, m), Y (1, m) ->
    (dw (n_x, 1), db, cost)."""
    n_x, m = X.shape
    w = [float(v) for v in np.ravel(w)]
    X = X.tolist()
    Y = np.ravel(Y).tolist()
    J, dw, db = 0.0, [0.0] * n_x, 0.0
    for i in range(m):
        z = float(b)
        for j in range(n_x):
            z += w[j] * X[j][i]
        a = _sigma(z)
        J += -(Y[i] * math.log(a) + (1 - Y[i]) * math.log(1 - a))
        dz = a - Y[i]
        for j in range(n_x):
            dw[j] += X[j][i] * dz
        db += dz
    return np.array(dw).reshape(n_x, 1) / m, db / m, J / m


def propagate_example_loop(w: Array, b: Array, X: Array, Y: Array) -> tuple[Array, float, float]:
    """One loop, over examples; each example's features are vectorized (dw += x(i) dz(i))."""
    n_x, m = X.shape
    J, dw, db = 0.0, np.zeros((n_x, 1)), 0.0
    for i in range(m):
        x = X[:, i : i + 1]  # (n_x, 1)
        a = _sigma(float((w.T @ x)[0, 0]) + float(b))
        y = float(Y[0, i])
        J += -(y * math.log(a) + (1 - y) * math.log(1 - a))
        dz = a - y
        dw += x * dz
        db += dz
    return dw / m, db / m, J / m

"""Random inputs for the checker's cases: one ``make(rng, act, forward) -> (args, m)`` per course function.

Shapes are drawn with n[l-1], n[l] and m all different, so that a transpose shows; labels are 0.0/1.0;
parameters are the course's dict {"W1", "b1", ...} with W[l] (n[l], n[l-1]) ~ N(0, 1/n[l-1]) and nonzero
b[l]. A backward function's case runs the forward it is given (the learner's or the reference's) to
get its caches. course/check_cases.py pairs these with the references in ``SPECS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Args = tuple[Any, ...]
Forward = Callable[..., Any] | None  # the forward whose caches a backward case reads


def three_sizes(rng: np.random.RandomState) -> tuple[int, int, int]:
    """Three different sizes (n[l-1], n[l], m) in 2..8, so no product is square by chance."""
    n_prev, n, m = rng.choice(np.arange(2, 9), 3, replace=False)
    return int(n_prev), int(n), int(m)


def labels(rng: np.random.RandomState, m: int) -> np.ndarray:
    return (rng.rand(1, m) > 0.5).astype(np.float64)  # (1, m) of 0.0 / 1.0


def course_params(rng: np.random.RandomState, dims: list[int]) -> dict[str, np.ndarray]:
    """The course's dict {"W1", "b1", ...} with W[l] (n[l], n[l-1]) ~ N(0, 1/n[l-1]), b[l] (n[l], 1) nonzero."""
    out = {}
    for l in range(1, len(dims)):
        out[f"W{l}"] = rng.randn(dims[l], dims[l - 1]) / np.sqrt(dims[l - 1])
        out[f"b{l}"] = rng.randn(dims[l], 1) * 0.1
    return out


def w2_inputs(rng: np.random.RandomState) -> tuple[Any, ...]:
    n, _, m = three_sizes(rng)
    return rng.randn(n, 1) * 0.5, float(rng.randn() * 0.5), rng.randn(n, m), labels(rng, m), m


def propagate_case(rng: np.random.RandomState, act: Any, fwd: Forward) -> tuple[Args, int]:
    w, b, X, Y, m = w2_inputs(rng)
    return (w, b, X, Y), m


def optimize_case(rng: np.random.RandomState, act: Any, fwd: Forward) -> tuple[Args, int]:
    w, b, X, Y, m = w2_inputs(rng)
    return (w, b, X, Y, 201, 0.05), m


def model_case(rng: np.random.RandomState, act: Any, fwd: Forward) -> tuple[Args, int]:
    _, _, X, Y, m = w2_inputs(rng)
    return (X, Y, X[:, : m // 2], Y[:, : m // 2], 201, 0.05), m


def w3_inputs(rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], int]:
    n_x, n_h, m = three_sizes(rng)
    return rng.randn(n_x, m), labels(rng, m), course_params(rng, [n_x, n_h, 1]), m


def backward_propagation_case(rng: np.random.RandomState, act: Any, fwd: Forward) -> tuple[Args, int]:
    X, Y, params, m = w3_inputs(rng)
    assert fwd is not None  # backward cases always get a forward
    return (params, fwd(X, params)[1], X, Y), m


def deep_dims(rng: np.random.RandomState) -> tuple[list[int], int]:
    n_x, n, m = three_sizes(rng)
    L = int(rng.randint(2, 5))
    return [n_x] + [int(k) for k in rng.randint(2, 7, L - 1)] + [1], m


def linear_inputs(rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    n_prev, n, m = three_sizes(rng)
    return rng.randn(n_prev, m), rng.randn(n, n_prev), rng.randn(n, 1), m


def linear_backward_case(rng: np.random.RandomState, act: Any, fwd: Forward) -> tuple[Args, int]:
    A_prev, W, b, m = linear_inputs(rng)
    assert fwd is not None  # backward cases always get a forward
    Z, cache = fwd(A_prev, W, b)
    return (rng.randn(*Z.shape), cache), m


def linear_activation_backward_case(rng: np.random.RandomState, act: Any, fwd: Forward) -> tuple[Args, int]:
    A_prev, W, b, m = linear_inputs(rng)
    assert fwd is not None  # backward cases always get a forward
    A, cache = fwd(A_prev, W, b, act)
    return (rng.randn(*A.shape), cache, act), m


def L_model_backward_case(rng: np.random.RandomState, act: Any, fwd: Forward) -> tuple[Args, int]:
    dims, m = deep_dims(rng)
    X, Y = rng.randn(dims[0], m), labels(rng, m)
    assert fwd is not None  # backward cases always get a forward
    AL, caches = fwd(X, course_params(rng, dims))
    return (AL, Y, caches), m


def model_data(rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray, int]:
    X, Y, params, m = w3_inputs(rng)
    return X, Y, m


def random_grads(rng: np.random.RandomState, params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"d" + k: rng.randn(*v.shape) for k, v in params.items()}


def L_model_forward_case(rng: np.random.RandomState, act: Any, fwd: Forward) -> tuple[Args, int]:
    dims, m = deep_dims(rng)
    return (rng.randn(dims[0], m), course_params(rng, dims)), m


def w3_predict_case(rng: np.random.RandomState, act: Any, fwd: Forward) -> tuple[Args, int]:
    X, _, params, m = w3_inputs(rng)
    return (params, X), m


def w4_predict_case(rng: np.random.RandomState, act: Any, fwd: Forward) -> tuple[Args, int]:
    X, Y, params, m = w3_inputs(rng)
    return (X, Y, params), m


def two_layer_case(rng: np.random.RandomState, act: Any, fwd: Forward) -> tuple[Args, int]:
    X, Y, m = model_data(rng)
    return (X, Y, (X.shape[0], 4, 1), 0.05, 201), m


def L_layer_case(rng: np.random.RandomState, act: Any, fwd: Forward) -> tuple[Args, int]:
    X, Y, m = model_data(rng)
    return (X, Y, [X.shape[0], 5, 3, 1], 0.05, 201), m


def update_case(week: int) -> Callable[..., tuple[Args, int]]:
    def make(rng: np.random.RandomState, act: Any, fwd: Forward) -> tuple[Args, int]:
        params = w3_inputs(rng)[2] if week == 3 else course_params(rng, deep_dims(rng)[0])
        return (params, random_grads(rng, params), 0.5), 1

    return make


def cost_case(rng: np.random.RandomState, act: Any, fwd: Forward) -> tuple[Args, int]:
    m = three_sizes(rng)[2]
    return (rng.rand(1, m) * 0.9 + 0.05, labels(rng, m)), m


__all__ = [
    "L_layer_case",
    "L_model_backward_case",
    "L_model_forward_case",
    "backward_propagation_case",
    "cost_case",
    "course_params",
    "deep_dims",
    "labels",
    "linear_activation_backward_case",
    "linear_backward_case",
    "linear_inputs",
    "model_case",
    "model_data",
    "optimize_case",
    "propagate_case",
    "random_grads",
    "three_sizes",
    "two_layer_case",
    "update_case",
    "w2_inputs",
    "w3_inputs",
    "w3_predict_case",
    "w4_predict_case",
]

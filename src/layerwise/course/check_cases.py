"""The checker's cases, written here (never the course's files): for each course function, random inputs.

``SPECS[(week, name)]`` is a ``Spec``: the reference function, the names of what it returns (see
``check_compare.flatten``), ``make(rng, act, forward) -> (args, m)`` that draws one case (random shapes
with n[l-1], n[l] and m all different, so that a transpose shows; every activation the function takes),
and for backward functions the forward whose caches they read (the learner's or the reference's: the
cache swap), numerical gradients of the same cost (``numerical(args)``) and known wrong variants
(``variants(args, act)``: {likely cause: what that bug returns}). The makers are course/check_inputs.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core import numerical_gradient
from . import check_inputs as draw
from . import week2, week3, week4_app, week4_steps
from .check_inputs import Args


@dataclass(frozen=True)
class Spec:
    reference: Callable[..., Any]
    outputs: Any
    make: Callable[[np.random.RandomState, Any, Callable[..., Any] | None], tuple[Args, int]]
    acts: tuple[Any, ...] = (None,)
    forward: str | None = None  # the notebook name of the forward whose caches a backward function reads
    numerical: Callable[[Args], dict[str, np.ndarray]] | None = None
    variants: Callable[[Args, Any], dict[str, Any]] | None = None
    seeds: tuple[int, ...] = (0, 1, 2)


def _num(cost: Callable[[dict[str, np.ndarray]], float], params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """{"dW1": dJ/dW1, "db1": ...} by central differences of ``cost(params)`` (the reference forward's J)."""
    out = {}
    for key in params:

        def J(x: np.ndarray, key: str = key) -> float:  # the cost with params[key] replaced by x
            return cost({**params, key: x})

        out["d" + key] = numerical_gradient(J, params[key])
    return out


# ---------------------------------------------------------------- week 2
def _propagate_num(args: Args) -> dict[str, np.ndarray]:
    w, b, X, Y = args
    num = _num(lambda p: week2.propagate(p["w"], float(p["b"]), X, Y)[1], {"w": w, "b": np.array(b)})  # b: 0-d
    return {"dw": num["dw"], "db": num["db"]}


# ---------------------------------------------------------------- week 3
def _backward_propagation_num(args: Args) -> dict[str, np.ndarray]:
    params, _, X, Y = args
    return _num(lambda p: week3.compute_cost(week3.forward_propagation(X, p)[0], Y), params)


def _tanh_from_z(args: Args, act: Any) -> dict[str, Any]:
    params, cache, X, Y = args
    wrong = {**cache, "A1": cache["Z1"]}  # 1 - Z1^2 where 1 - A1^2 belongs; A1 itself stays right in dW2
    grads = week3.backward_propagation(params, wrong, X, Y)
    right = week3.backward_propagation(params, cache, X, Y)
    return {
        "tanh's derivative computed from Z1 (1 - Z1^2); it is 1 - A1^2, A1 = tanh(Z1)": {**grads, "dW2": right["dW2"]}
    }


# ---------------------------------------------------------------- week 4
def _block_num(forward: Callable[..., Any], dout: np.ndarray, inputs: list[np.ndarray]) -> dict[str, np.ndarray]:
    """dW, db = d/dW of J = sum(out * dout) / m; dA_prev on the course's per-example scale (m times that)."""
    m = dout.shape[1]
    grads = []
    for k, x in enumerate(inputs):
        f = lambda v, k=k: np.sum(forward(*(inputs[:k] + [v] + inputs[k + 1 :])) * dout) / m  # noqa: E731
        grads.append(numerical_gradient(f, x) * (m if k == 0 else 1))
    return dict(zip(("dA_prev", "dW", "db"), grads))


def _other_derivative(args: Args, act: Any) -> dict[str, Any]:
    dA, cache, _ = args
    other = {"relu": "sigmoid", "sigmoid": "relu"}[act]
    wrong = week4_steps.linear_activation_backward(dA, cache, other)
    return {f"{other}'s derivative where {act}'s belongs": wrong}


def _L_model_backward_num(args: Args) -> dict[str, np.ndarray]:
    AL, Y, caches = args
    X = caches[0][0][0]
    params = {}
    for l, ((_, W, b), _) in enumerate(caches, start=1):
        params[f"W{l}"], params[f"b{l}"] = W, b
    return _num(lambda p: float(week4_steps.compute_cost(week4_steps.L_model_forward(X, p)[0], Y)), params)


def _linear_Z(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    return week4_steps.linear_forward(A_prev, W, b)[0]


_LIN = ("A_prev", "W", "b")
SPECS: dict[tuple[int, str], Spec] = {
    (2, "sigmoid"): Spec(week2.sigmoid, "s", lambda rng, a, f: ((rng.randn(*draw.three_sizes(rng)[:2]) * 3,), 1)),
    (2, "initialize_with_zeros"): Spec(
        week2.initialize_with_zeros, ("w", "b"), lambda rng, a, f: ((draw.three_sizes(rng)[0],), 1)
    ),
    (2, "propagate"): Spec(week2.propagate, (dict, "cost"), draw.propagate_case, numerical=_propagate_num),
    (2, "optimize"): Spec(week2.optimize, (dict, dict, "costs"), draw.optimize_case, seeds=(0,)),
    (2, "predict"): Spec(week2.predict, "Y_prediction", lambda rng, a, f: (draw.w2_inputs(rng)[:3], 1)),
    (2, "model"): Spec(week2.model, dict, draw.model_case, seeds=(0,)),
    (3, "layer_sizes"): Spec(week3.layer_sizes, "sizes", lambda rng, a, f: (draw.w3_inputs(rng)[:2], 1)),
    (3, "initialize_parameters"): Spec(week3.initialize_parameters, dict, lambda rng, a, f: (draw.three_sizes(rng), 1)),
    (3, "forward_propagation"): Spec(
        week3.forward_propagation, ("A2", {"cache": dict}), lambda rng, a, f: (draw.w3_inputs(rng)[::2][:2], 1)
    ),
    (3, "compute_cost"): Spec(week3.compute_cost, "cost", draw.cost_case),
    (3, "backward_propagation"): Spec(
        week3.backward_propagation,
        dict,
        draw.backward_propagation_case,
        forward="forward_propagation",
        numerical=_backward_propagation_num,
        variants=_tanh_from_z,
    ),
    (3, "update_parameters"): Spec(week3.update_parameters, dict, draw.update_case(3)),
    (3, "nn_model"): Spec(week3.nn_model, dict, lambda rng, a, f: ((*draw.model_data(rng)[:2], 4, 200), 1), seeds=(0,)),
    (3, "predict"): Spec(week3.predict, "predictions", draw.w3_predict_case),
    (4, "initialize_parameters"): Spec(
        week4_steps.initialize_parameters, dict, lambda rng, a, f: (draw.three_sizes(rng), 1)
    ),
    (4, "initialize_parameters_deep"): Spec(
        week4_steps.initialize_parameters_deep, dict, lambda rng, a, f: ((draw.deep_dims(rng)[0],), 1)
    ),
    (4, "linear_forward"): Spec(
        week4_steps.linear_forward, ("Z", {"cache": _LIN}), lambda rng, a, f: (draw.linear_inputs(rng)[:3], 1)
    ),
    (4, "linear_activation_forward"): Spec(
        week4_steps.linear_activation_forward,
        ("A", {"cache": (_LIN, "Z")}),
        lambda rng, a, f: ((*draw.linear_inputs(rng)[:3], a), 1),
        acts=("sigmoid", "relu"),
    ),
    (4, "L_model_forward"): Spec(
        week4_steps.L_model_forward,
        ("AL", {"caches": [(_LIN, "Z")]}),
        draw.L_model_forward_case,
    ),
    (4, "compute_cost"): Spec(week4_steps.compute_cost, "cost", draw.cost_case),
    (4, "linear_backward"): Spec(
        week4_steps.linear_backward,
        ("dA_prev", "dW", "db"),
        draw.linear_backward_case,
        forward="linear_forward",
        numerical=lambda args: _block_num(_linear_Z, args[0], list(args[1])),
    ),
    (4, "linear_activation_backward"): Spec(
        week4_steps.linear_activation_backward,
        ("dA_prev", "dW", "db"),
        draw.linear_activation_backward_case,
        acts=("sigmoid", "relu"),
        forward="linear_activation_forward",
        variants=_other_derivative,
        numerical=lambda args: _block_num(
            lambda A, W, b: week4_steps.linear_activation_forward(A, W, b, args[2])[0], args[0], list(args[1][0])
        ),
    ),
    (4, "L_model_backward"): Spec(
        week4_steps.L_model_backward,
        dict,
        draw.L_model_backward_case,
        forward="L_model_forward",
        numerical=_L_model_backward_num,
    ),
    (4, "update_parameters"): Spec(week4_steps.update_parameters, dict, draw.update_case(4)),
    (4, "two_layer_model"): Spec(
        week4_app.two_layer_model,
        (dict, "costs"),
        draw.two_layer_case,
        seeds=(0,),
    ),
    (4, "L_layer_model"): Spec(
        week4_app.L_layer_model,
        (dict, "costs"),
        draw.L_layer_case,
        seeds=(0,),
    ),
    (4, "predict"): Spec(week4_app.predict, "p", draw.w4_predict_case),
}

__all__ = ["SPECS", "Spec"]

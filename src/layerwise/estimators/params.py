"""The estimators' parameter checks: one small explicit rule per parameter, checked when fit starts.

Each failure is a ValueError (TypeError for a wrong type) saying what was expected, what came, and
what to do. No private scikit-learn machinery: its signatures change between releases.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from .._typing import Array
from ..core.activations import HIDDEN_ACTIVATIONS

SOLVERS = ("gd", "sgd", "rmsprop", "adam", "lbfgs")
INITS = ("auto", "random", "xavier", "he", "zeros")


def _real(v: object) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _integer(v: object) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _between(low: float, high: float | None, closed: str) -> tuple[Callable[[Any], bool], str]:
    """A check that v is a real number in the interval (low, high) with the ends ``closed`` says."""
    lo_ok: Callable[[Any], bool] = (lambda v: v >= low) if closed in ("left", "both") else (lambda v: v > low)
    hi_ok: Callable[[Any], bool] = (
        (lambda v: high is None or v <= high) if closed in ("right", "both") else (lambda v: high is None or v < high)
    )
    left, right = "[" if closed in ("left", "both") else "(", "]" if closed in ("right", "both") else ")"
    text = f"a float in the range {left}{float(low)}, {'inf' if high is None else float(high)}{right}"
    return (lambda v: _real(v) and lo_ok(v) and hi_ok(v)), text


def _one_of(*names: str) -> tuple[Callable[[Any], bool], str]:
    return (lambda v: isinstance(v, str) and v in names), "a str among " + ", ".join(repr(n) for n in names)


def _integer_from(low: int) -> tuple[Callable[[Any], bool], str]:
    return (lambda v: _integer(v) and v >= low), f"an integer >= {low}"


def _boolean() -> tuple[Callable[[Any], bool], str]:
    return (lambda v: isinstance(v, (bool, np.bool_))), "True or False"


def _hidden_sizes(v: Any) -> bool:
    sizes = [v] if _integer(v) else v
    try:
        return all(_integer(n) and n >= 1 for n in sizes)
    except TypeError:
        return False


def _activation(v: Any) -> bool:
    names = [v] if isinstance(v, str) else v
    return isinstance(names, (list, tuple, str)) and all(isinstance(a, str) and a in HIDDEN_ACTIVATIONS for a in names)


def _random_state(v: Any) -> bool:
    return v is None or _integer(v) or isinstance(v, np.random.RandomState)


def _dtype(v: Any) -> bool:
    return v is None or v in ("float32", "float64") or v in (np.float32, np.float64)


def _class_weight(v: Any) -> bool:
    return v is None or v == "balanced" or isinstance(v, dict)


# parameter -> (check, what it expects)
RULES = {
    "hidden_layer_sizes": (_hidden_sizes, "positive integers, one per hidden layer"),
    "activation": (_activation, f"one of {sorted(HIDDEN_ACTIVATIONS)}, or a list of them, one per hidden layer"),
    "init": _one_of(*INITS),
    "solver": _one_of(*SOLVERS),
    "learning_rate": _between(0, None, "neither"),
    "learning_rate_schedule": _one_of("constant", "invscaling", "adaptive"),
    "batch_size": ((lambda v: v == "auto" or (_integer(v) and v >= 1)), "'auto' or an integer >= 1"),
    "max_iter": _integer_from(1),
    "shuffle": _boolean(),
    "momentum": _between(0, 1, "left"),
    "nesterovs_momentum": _boolean(),
    "beta_1": _between(0, 1, "left"),
    "beta_2": _between(0, 1, "left"),
    "epsilon": _between(0, None, "neither"),
    "alpha": ((lambda v: v == "auto" or (_real(v) and v >= 0)), "'auto' or a number >= 0"),
    "dropout": _between(0, 1, "left"),
    "tol": _between(0, None, "left"),
    "n_iter_no_change": _integer_from(1),
    "early_stopping": _boolean(),
    "validation_fraction": _between(0, 1, "neither"),
    "warm_start": _boolean(),
    "random_state": (_random_state, "None, an integer seed or a numpy.random.RandomState"),
    "verbose": ((lambda v: (_integer(v) and v >= 0) or isinstance(v, (bool, np.bool_))), "an integer >= 0"),
    "dtype": (_dtype, "None, 'float32' or 'float64'"),
    "device": _one_of("cpu", "cuda"),
    "precision": _one_of("ieee", "tf32"),
    "class_weight": (_class_weight, "None, 'balanced' or a dict {class: weight}"),
    "standardize_target": _boolean(),
}


def check_params(estimator: Any) -> None:
    """Raise ValueError naming the first parameter of ``estimator`` that breaks its rule."""
    for name, value in estimator.get_params(deep=False).items():
        ok, expected = RULES[name]
        if name == "hidden_layer_sizes" and not ok(value):
            raise ValueError(
                f"hidden_layer_sizes must be positive integers (one per hidden layer), got {value!r}; "
                "use () for logistic or linear regression"
            )
        if not ok(value):
            raise ValueError(
                f"The {name!r} parameter of {type(estimator).__name__} must be {expected}. Got {value!r} "
                f"instead; pass a valid value (the default is {name}={_default(estimator, name)!r})"
            )


def _default(estimator: Any, name: str) -> Any:
    return type(estimator)().get_params(deep=False)[name]


def check_sample_weight(sample_weight: Any, m: int, dtype: Any) -> Array:
    """``sample_weight`` as a 1-D array of m finite, non-negative weights (None: all ones)."""
    if sample_weight is None:
        return np.ones(m, dtype=dtype)
    if _real(sample_weight):
        return np.full(m, sample_weight, dtype=dtype)
    w = np.asarray(sample_weight)
    if w.dtype.kind not in "biuf":
        raise ValueError(f"sample_weight must be numbers, got an array of {w.dtype}; pass one weight per sample")
    w = w.astype(dtype)
    if w.ndim != 1 or w.shape[0] != m:
        raise ValueError(f"sample_weight.shape == {w.shape}, expected ({m},): one weight per sample")
    if not np.all(np.isfinite(w)):
        raise ValueError("sample_weight contains NaN or infinity; pass finite weights")
    if np.any(w < 0):
        raise ValueError("Negative values in data passed to sample_weight; weights must be >= 0")
    if not np.any(w):
        raise ValueError("Sample weights must contain at least one non-zero number; give some samples weight")
    return w


__all__ = ["check_params", "check_sample_weight", "RULES", "SOLVERS", "INITS"]

"""Options the commands share: value types that say what they expected, and the data/--task/--scale options."""

from __future__ import annotations

import argparse
import math

from .errors import UsageError

TASKS = ("auto", "classification", "regression")


def _parse(text, cast, ok, expected):
    try:
        value = cast(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_int(text):
    return _parse(text, int, lambda v: v >= 1, "a positive integer")


def positive_float(text):
    return _parse(text, float, lambda v: 0 < v < math.inf, "a positive number")


def fraction(text):
    return _parse(text, float, lambda v: 0 <= v < 1, "a fraction in [0, 1)")


def open_fraction(text):
    return _parse(text, float, lambda v: 0 < v < 1, "a fraction in (0, 1)")


def hidden_sizes(text):
    """'20,7,5' -> (20, 7, 5); '' or 'none' -> () (no hidden layer: logistic/linear regression)."""
    if text.strip().lower() in ("", "none"):
        return ()
    try:
        sizes = tuple(int(n) for n in text.split(","))
    except ValueError:
        sizes = (0,)
    if min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"expected layer sizes like 20,7,5 (positive integers), got {text!r}")
    return sizes


def batch_size(text):
    return "auto" if text == "auto" else positive_int(text)


def l2_penalty(text):
    """'auto' (the estimator's default) or a number >= 0."""
    return "auto" if text == "auto" else _parse(text, float, lambda v: 0 <= v < math.inf, "a number >= 0 or auto")


def add_data_options(p, target_help="target column (for .npy a column number, e.g. -1)"):
    """DATA and --target COL."""
    p.add_argument("data", metavar="DATA", help="data file: .csv, .parquet, .npy, .npz, .h5/.hdf5")
    p.add_argument("--target", required=True, metavar="COL", help=target_help)


def add_task_option(p):
    p.add_argument(
        "--task",
        choices=TASKS,
        default="auto",
        help="auto (default): regression for a numeric target with fractional values or more than "
        f"{MAX_CLASSES} distinct values in more than {100 * MAX_CLASS_SHARE:g}%% of the rows; "
        "classification otherwise",
    )


def add_scale_option(p, when="fitted on the training data"):
    from ..io.preprocessing import SCALERS

    p.add_argument(
        "--scale",
        choices=[*SCALERS, "none"],
        default="standard",
        help=f"feature scaling {when} and saved with the model (default standard)",
    )


# The task rule, the one place it lives: a numeric target is regression when it holds a fractional
# value, or more distinct values than a classifier could sensibly learn: more than MAX_CLASSES and more
# than MAX_CLASS_SHARE of the rows (so 30 integer classes in 3,000 rows stay classes, while the diabetes
# target, 214 distinct integers in 442 rows, is a quantity). Strings, booleans and few integers are classes.
MAX_CLASSES = 20
MAX_CLASS_SHARE = 0.05


def inferred_task(y):
    """'classification' or 'regression' for target values y (n_samples,) or (n_samples, n_targets)."""
    import numpy as np

    y = np.asarray(y)
    if y.dtype.kind not in "iuf" or y.size == 0:  # strings, objects, booleans: labels
        return "classification"
    finite = y[np.isfinite(y)] if y.dtype.kind == "f" else y
    if np.any(finite != np.round(finite)):
        return "regression"
    n = y.shape[0]
    distinct = max(len(np.unique(column)) for column in y.reshape(n, -1).T)
    return "regression" if distinct > MAX_CLASSES and distinct > MAX_CLASS_SHARE * n else "classification"


def task_of(y, task):
    """``task`` itself, or for "auto" the task the target's values say (``inferred_task``)."""
    if task != "auto":
        if task == "regression" and y.dtype.kind not in "biuf":
            raise UsageError(f"--task regression needs a numeric target, but it holds {y.dtype} values")
        return task
    return inferred_task(y)


def estimator_class(task):
    """NeuralNetClassifier or NeuralNetRegressor for 'classification' or 'regression'."""
    from ..estimators import NeuralNetClassifier, NeuralNetRegressor

    return NeuralNetClassifier if task == "classification" else NeuralNetRegressor

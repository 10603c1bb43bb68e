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


def add_data_options(p, target_help="target column (for .npy a column number, e.g. -1)"):
    """DATA and --target COL."""
    p.add_argument("data", metavar="DATA", help="data file: .csv, .parquet, .npy, .npz, .h5/.hdf5")
    p.add_argument("--target", required=True, metavar="COL", help=target_help)


def add_task_option(p):
    p.add_argument("--task", choices=TASKS, default="auto",
                   help="auto (default): regression for real-valued targets, classification otherwise")


def add_scale_option(p, when="fitted on the training data"):
    from ..io.preprocessing import SCALERS

    p.add_argument("--scale", choices=[*SCALERS, "none"], default="standard",
                   help=f"feature scaling {when} and saved with the model (default standard)")


def task_of(y, task):
    """'classification' or 'regression' from the target's values (real numbers -> regression)."""
    from sklearn.utils.multiclass import type_of_target

    if task != "auto":
        if task == "regression" and y.dtype.kind not in "biuf":
            raise UsageError(f"--task regression needs a numeric target, but it holds {y.dtype} values")
        return task
    return "regression" if type_of_target(y).startswith("continuous") else "classification"


def estimator_class(task):
    """NeuralNetClassifier or NeuralNetRegressor for 'classification' or 'regression'."""
    from ..estimators import NeuralNetClassifier, NeuralNetRegressor

    return NeuralNetClassifier if task == "classification" else NeuralNetRegressor

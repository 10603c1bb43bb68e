"""Options the commands share: value types that say what they expected, the data/--task/--scale options, output checks."""

from __future__ import annotations

import argparse
import codecs
import math
import os
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import UsageError

TASKS = ("auto", "classification", "regression")
T = TypeVar("T")


def _parse(text: str, cast: Callable[[str], T], ok: Callable[[T], bool], expected: str) -> T:
    try:
        value = cast(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    return _parse(text, int, lambda v: v >= 1, "a positive integer")


def positive_float(text: str) -> float:
    return _parse(text, float, lambda v: 0 < v < math.inf, "a positive number")


def fraction(text: str) -> float:
    return _parse(text, float, lambda v: 0 <= v < 1, "a fraction in [0, 1)")


def open_fraction(text: str) -> float:
    return _parse(text, float, lambda v: 0 < v < 1, "a fraction in (0, 1)")


def hidden_sizes(text: str) -> tuple[int, ...]:
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


def batch_size(text: str) -> int | str:
    return "auto" if text == "auto" else positive_int(text)


def l2_penalty(text: str) -> float | str:
    """'auto' (the estimator's default) or a number >= 0."""
    return "auto" if text == "auto" else _parse(text, float, lambda v: 0 <= v < math.inf, "a number >= 0 or auto")


def separator(text: str) -> str:
    """--sep: ',' ';' 'tab' (or '\\t'), or any other single character; 'comma', 'semicolon', 'pipe' by name."""
    from ..io.delimited import SEP_NAMES

    sep = SEP_NAMES.get(text.lower(), text)
    if len(sep) != 1 or sep in '"\r\n':
        raise argparse.ArgumentTypeError(f"expected one delimiter character such as , ; or tab, got {text!r}")
    return sep


def encoding(text: str) -> str:
    """--encoding: a text encoding Python knows (utf-8, latin-1, cp1252, utf-16, ...)."""
    try:
        if not codecs.lookup(text)._is_text_encoding:  # rot13, hex: codecs, but not text encodings
            raise LookupError(text)
    except LookupError:
        raise argparse.ArgumentTypeError(
            f"expected a text encoding such as utf-8, latin-1 or cp1252, got {text!r}"
        ) from None
    return text


def add_read_options(p: argparse.ArgumentParser) -> None:
    """--sep and --encoding, for CSV/TSV data files."""
    p.add_argument(
        "--sep",
        type=separator,
        default=None,
        metavar="SEP",
        help="CSV delimiter: , ; tab or another character (default: sniffed among , ; and tab; tab for .tsv)",
    )
    p.add_argument(
        "--encoding",
        type=encoding,
        default=None,
        metavar="NAME",
        help="text encoding of a CSV/TSV file, e.g. latin-1 or cp1252 (default UTF-8, with or without BOM)",
    )


def read_options(args: argparse.Namespace) -> dict[str, Any]:
    """The reading options the command line was given, as ``load_table``/``read_columns`` keywords."""
    return {"sep": getattr(args, "sep", None), "encoding": getattr(args, "encoding", None)}


def add_data_options(
    p: argparse.ArgumentParser, target_help: str = "target column (for .npy a column number, e.g. -1)"
) -> None:
    """DATA and --target COL, and --sep/--encoding for CSV."""
    p.add_argument("data", metavar="DATA", help="data file: .csv, .tsv, .parquet, .npy, .npz, .h5/.hdf5")
    p.add_argument("--target", required=True, metavar="COL", help=target_help)
    add_read_options(p)


# suffixes that say a file is data, a picture or another program's model: never a layerwise model file
NOT_A_MODEL: tuple[str, ...] = (
    ".csv",
    ".tsv",
    ".parquet",
    ".pq",
    ".npy",
    ".npz",
    ".h5",
    ".hdf5",
    ".json",
    ".jsonl",
    ".txt",
)
NOT_A_MODEL += (".png", ".pdf", ".svg", ".jpg", ".jpeg", ".onnx", ".pkl", ".pickle", ".joblib", ".pt", ".pth")


def check_output(option: str, path: str, formats: tuple[str, ...] | None = None) -> None:
    """Before any work: ``path`` can be written (its folder exists and is writable, it is not a folder)
    and, when ``formats`` is given, its suffix is one of them. ``option`` ('--out') names it in messages."""
    suffix = os.path.splitext(path)[1].lower()
    if formats is not None and suffix not in formats:
        raise UsageError(
            f"{option} {path}: unknown format {suffix or '(no suffix)'!r}; the suffix picks it: {', '.join(formats)}"
        )
    folder = os.path.dirname(path) or "."
    if os.path.isdir(path):
        raise UsageError(f"{option} {path} is a folder; give a file name inside it")
    if not os.path.isdir(folder):
        what = "is not a folder" if os.path.exists(folder) else "does not exist"
        raise UsageError(f"{option} {path}: the folder {folder} {what}; create it first or write elsewhere")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path}: the folder {folder} is not writable; write elsewhere")


def check_model_output(args: argparse.Namespace) -> None:
    """--out (a model file, when given) and --plot (a picture), checked before any data is read or trained on."""
    if getattr(args, "out", None):
        suffix = os.path.splitext(args.out)[1].lower()
        if suffix in NOT_A_MODEL:
            raise UsageError(
                f"--out {args.out}: a model file is written in safetensors, not {suffix}; e.g. model.safetensors"
            )
        check_output("--out", args.out)
        if os.path.exists(args.data) and os.path.exists(args.out) and os.path.samefile(args.data, args.out):
            raise UsageError(f"--out {args.out} is the data file: writing the model would overwrite the data")
    if getattr(args, "plot", None):
        check_plot(args.plot)


def check_plot(path: str) -> None:
    """--plot: matplotlib installed, a picture format it writes, a writable folder."""
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        raise UsageError(f"--plot {path} needs matplotlib: pip install 'layerwise[plot]'")
    from matplotlib.backend_bases import FigureCanvasBase

    check_output("--plot", path, tuple(f".{k}" for k in FigureCanvasBase.get_supported_filetypes()))


def add_task_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--task",
        choices=TASKS,
        default="auto",
        help="auto (default): regression for a numeric target with fractional values or more than "
        f"{MAX_CLASSES} distinct values in more than {100 * MAX_CLASS_SHARE:g}%% of the rows; "
        "classification otherwise",
    )


def add_scale_option(p: argparse.ArgumentParser, when: str = "fitted on the training data") -> None:
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


def inferred_task(y: Any) -> str:
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


def task_of(y: Any, task: str) -> str:
    """``task`` itself, or for "auto" the task the target's values say (``inferred_task``)."""
    if task != "auto":
        if task == "regression" and y.dtype.kind not in "biuf":
            raise UsageError(f"--task regression needs a numeric target, but it holds {y.dtype} values")
        return task
    return inferred_task(y)


def estimator_class(task: str) -> type[Any]:
    """NeuralNetClassifier or NeuralNetRegressor for 'classification' or 'regression'."""
    from ..estimators import NeuralNetClassifier, NeuralNetRegressor

    return NeuralNetClassifier if task == "classification" else NeuralNetRegressor

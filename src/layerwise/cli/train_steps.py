"""The steps every ``layerwise train`` path shares: the estimator its options ask for, the task line, the fit guard
(warnings as one line each, an error from NumPy, SciPy or scikit-learn as one line saying what to do), and
the report and the model file at the end. The options themselves, and their defaults, are cli/train.py's.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from . import epochs
from .errors import UsageError
from .options import estimator_class


def estimator_for(task: str, args: Any, y: Any = None) -> Any:
    """The estimator the options ask for, for ``task`` ("classification" or "regression"); ``y``: the target,
    to decide the default hold-out (None: nothing held out unless --validation-fraction asks)."""
    validation = epochs.validation_fraction(args.validation_fraction, task, y)
    if getattr(args, "class_weight", None) is not None and task != "classification":
        raise UsageError("--class-weight is for classification; the task here is regression")
    weights = {} if task != "classification" else {"class_weight": getattr(args, "class_weight", None)}
    return estimator_class(task)(
        **weights,
        hidden_layer_sizes=args.hidden,
        activation=args.activation,
        solver=args.solver,
        learning_rate=args.learning_rate,
        max_iter=args.epochs,
        batch_size=args.batch_size,
        alpha=args.alpha,
        early_stopping=validation > 0,
        validation_fraction=validation or 0.1,
        random_state=args.seed,
        verbose=args.verbose,
        dtype=args.dtype,
    )


def task_line(task: str, asked: str, y: Any) -> str:
    """What the task is and how to choose the other one."""
    other = "regression" if task == "classification" else "classification"
    if asked != "auto":
        return f"Task: {task} (--task {asked})."
    from .options import MAX_CLASS_SHARE, MAX_CLASSES

    return (
        f"Task: {task}, inferred from the target ({_describe(y)}; regression means fractional values, or "
        f"more than {MAX_CLASSES} distinct values in more than {MAX_CLASS_SHARE:.0%} of the rows). "
        f"Pass --task {other} to override."
    )


def _describe(y: Any) -> str:
    import numpy as np

    kind = {"b": "booleans", "i": "integers", "u": "integers", "f": "numbers"}.get(y.dtype.kind, "labels")
    distinct = len(np.unique(y if y.dtype.kind in "biuf" else y.astype(str)))
    return f"{distinct} distinct {kind} in {len(y)} rows"


def _fit_error(exc: BaseException, task: str, args: Any) -> BaseException:
    """An error NumPy, SciPy or scikit-learn raised on the user's data -> one line saying what to do.

    Our own errors (they name the parameter and the remedy) pass through as they are."""
    tb = exc.__traceback__
    assert tb is not None  # a caught exception carries its traceback
    while tb.tb_next is not None:
        tb = tb.tb_next
    origin = tb.tb_frame.f_globals.get("__name__", "").split(".")[0]
    if origin not in ("numpy", "scipy", "sklearn"):
        return exc
    message = " ".join(str(exc).split())
    if task == "classification" and ("least populated class" in message or "too few members" in message):
        hint = (
            "some classes have too few examples to hold out validation rows: pass --validation-fraction 0, "
            "or --task regression if the target is a quantity rather than a label"
        )
    else:
        hint = (
            f"check that --target {args.target} is the column to predict and that the task ({task}) is right "
            "(--task classification or regression), and that the features are numbers"
        )
    if len(message) > 200:
        message = message[:200] + "..."
    return UsageError(f"training failed on {args.data}: {hint} (from {origin}: {message})")


@contextmanager
def fitting(task: str, args: Any) -> Iterator[None]:
    """Warnings printed as one line each; an error NumPy, SciPy or scikit-learn raises, as one line."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except (ValueError, TypeError, ArithmeticError, MemoryError) as exc:
            error = _fit_error(exc, task, args)
            if error is exc:
                raise
            raise error from exc
    for w in caught:
        print(f"layerwise: warning: {' '.join(str(w.message).split())}", file=sys.stderr)


def report_and_save(
    args: Any, saved: Any, task: str, shape: tuple[int, ...], score: float, scaler: Any, features: Any
) -> int:
    """Print the training summary and write ``saved`` (an estimator, or the table Pipeline ending in one)."""
    from ..io import modelfile
    from ..io.tables import target_names

    model = saved[-1] if hasattr(saved, "steps") else saved
    metric = "accuracy" if task == "classification" else "R^2"
    print(f"Trained {type(model).__name__} on {shape[0]} examples x {shape[1]} features for {model.n_iter_} epochs.")
    print(model.summary())
    print(f"Final training cost: {model.history_['cost'][-1]:.6g}")
    print(f"Training {metric}: {score:.4f}")
    if getattr(model, "best_validation_score_", None) is not None:
        print(f"Validation {metric} (best epoch): {model.best_validation_score_:.4f}")
    columns = {"features": list(features), "target": target_names(args.target)}
    modelfile.save(saved, args.out, preprocessing=scaler, columns=columns)
    print(f"Saved the model to {args.out}")
    if args.plot:
        from ..plotting import plot_cost

        plot_cost(model).figure.savefig(args.plot, dpi=100)
        print(f"Saved the cost curve to {args.plot}")
    return 0


__all__ = ["estimator_for", "task_line", "fitting", "report_and_save"]

"""How long ``layerwise train`` trains: the epoch count chosen on held-out rows, then a fit on every row.

By default (``--validation-fraction`` not given) ``train`` holds out ``AUTO_FRACTION`` of the rows
(stratified for classes), trains on the rest until the validation cost has not improved for
``n_iter_no_change`` epochs (at most ``--epochs``), and takes the epoch of least validation cost, E.
It then trains the same network again from its first weights on **all** rows for exactly E epochs:
the held-out rows choose when to stop and still teach the final model (measured in bench/RESULTS.md,
"Real mixed tables" and "Accuracy of the defaults"). A data set too small to hold rows out (fewer than
2 validation rows, a class with a single row, fewer validation rows than classes) trains for
``--epochs`` on all rows instead, and says so.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

AUTO_FRACTION = 0.2


def validation_fraction(requested: float | None, task: str, y: Any) -> float:
    """The share to hold out: ``requested`` when the user gave one, else AUTO_FRACTION where ``y`` allows it.

    ``y`` None (training that resumes or spreads over processes) means no automatic hold-out."""
    if requested is not None:
        return requested
    if y is None:
        return 0.0
    m = len(y)
    n_val = math.ceil(AUTO_FRACTION * m)
    if n_val < 2:
        return 0.0
    if task == "classification" and np.ndim(y) == 1:
        _, counts = np.unique(np.asarray(y).astype(str), return_counts=True)
        if counts.min() < 2 or n_val < len(counts) or m - n_val < len(counts):
            return 0.0
    return AUTO_FRACTION


def fit(fitted: Any, model: Any, X: Any, y: Any) -> tuple[int, int, float] | None:
    """Fit ``fitted`` (``model``, or a Pipeline ending in it); with early stopping, refit on all rows.

    Returns None without early stopping, else (E, epochs run on the training part, validation score at E).
    Unseeded, one seed is drawn for both fits, so the refit starts from the weights whose E was chosen."""
    seed = model.random_state
    if seed is None and model.early_stopping:
        model.set_params(random_state=int(np.random.default_rng().integers(2**32 - 1)))
    try:
        return _fit_twice(fitted, model, X, y)
    finally:
        model.set_params(random_state=seed)  # the user's setting, as given


def _fit_twice(fitted: Any, model: Any, X: Any, y: Any) -> tuple[int, int, float] | None:
    fitted.fit(X, y)
    val_cost = (getattr(model, "history_", None) or {}).get("val_cost")
    if not model.early_stopping or not val_cost:  # no validation (lbfgs ignores early_stopping)
        return None
    best = int(np.argmin(val_cost)) + 1  # the epoch whose weights early stopping kept
    chosen = (best, len(val_cost), model.best_validation_score_)
    model.set_params(early_stopping=False, max_iter=best)
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)  # stopping at E is the point
        fitted.fit(X, y)  # from the same first weights
    return chosen


def describe(chosen: tuple[int, int, float], fraction: float, task: str) -> str:
    """The line ``train`` prints about the epoch choice."""
    best, run, score = chosen
    metric = "accuracy" if task == "classification" else "R^2"
    return (
        f"Epochs chosen on {fraction:.0%} of the rows held out: least validation loss at epoch {best} of {run} "
        f"(validation {metric} {score:.4f}); then trained on all rows for {best} epochs (--validation-fraction 0: "
        "all rows for --epochs)."
    )


__all__ = ["AUTO_FRACTION", "validation_fraction", "fit", "describe"]

"""One trial's work, run on a Dask worker (or in-process): fit and score an estimator on each fold.

This module must stay importable without Dask: the sequential baseline and the tests call
``run_trial`` directly.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import clone, is_classifier

from .._typing import Array


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):  # not inside a Dask worker
        return "local"


def _score(est: Any, X: Array, y: Any, scoring: Any) -> float:
    if scoring is None:
        return float(est.score(X, y))
    from sklearn.metrics import get_scorer

    scorer = get_scorer(scoring) if isinstance(scoring, str) else scoring
    return float(scorer(est, X, y))


def _cost_curve(est: Any) -> list[float]:
    """The training cost per epoch/iteration: layerwise's history_["cost"] or sklearn's loss_curve_."""
    history = getattr(est, "history_", None)
    curve = history.get("cost") if isinstance(history, dict) else None
    if curve is None:
        curve = getattr(est, "loss_curve_", None)
    return [float(c) for c in curve] if curve is not None else []


def _partial_fit(est: Any, X: Array, y: Any, epochs: int, classes: Any) -> Any:
    kwargs = {}
    if classes is not None and "classes" in inspect.signature(est.partial_fit).parameters:
        kwargs["classes"] = classes
    for _ in range(epochs):
        est.partial_fit(X, y, **kwargs)
    return est


def _summary(models: Sequence[Any], scores: Sequence[float], fit_time: float) -> dict[str, Any]:
    curves = [_cost_curve(est) for est in models]
    n_iter = [getattr(est, "n_iter_", len(c)) for est, c in zip(models, curves)]
    row = {"scores": scores, "n_iter": int(np.mean(n_iter)), "fit_time": fit_time, "worker": _worker_name()}
    if all(curves):
        row.update(
            cost_first=float(np.mean([c[0] for c in curves])),
            cost_last=float(np.mean([c[-1] for c in curves])),
            cost_min=float(np.mean([min(c) for c in curves])),
        )
    return row


def run_trial(
    estimator: Any,
    params: dict[str, Any],
    X: Array,
    y: Any,
    folds: Any,
    scoring: Any = None,
    epochs: int | None = None,
    states: Any = None,
    blas_threads: int = 1,
) -> dict[str, Any]:
    """Fit ``clone(estimator).set_params(**params)`` on each fold's rows and score it on the held-out rows.

    X (m, n_x), y (m,) or (m, n_y); folds: list of (train_idx, val_idx) integer arrays into the rows.
    ``epochs=None``: one full ``fit`` per fold. ``epochs=k``: k more ``partial_fit`` passes over each
    fold, continuing ``states`` (the fold estimators of the previous rung; None to start), so the caller
    can look at the learning curve between rungs and stop (prune) the trial.
    ``blas_threads`` caps BLAS threads while fitting (one per trial, so trials run side by side).
    Returns a dict: scores (one per fold), n_iter, cost_first/last/min, fit_time (s), worker, and
    states (the fold estimators, when ``epochs`` is given) or error (text, when fitting raised).
    """
    from threadpoolctl import threadpool_limits

    start = time.perf_counter()
    try:
        with threadpool_limits(limits=blas_threads):
            classes = np.unique(y) if is_classifier(estimator) else None
            models, scores = [], []
            for k, (train, val) in enumerate(folds):
                if states is None:
                    est = clone(estimator).set_params(**params)
                else:
                    est = states[k]
                if epochs is None:
                    est.fit(X[train], y[train])
                else:
                    _partial_fit(est, X[train], y[train], epochs, classes)
                models.append(est)
                scores.append(_score(est, X[val], y[val], scoring))
    except Exception as exc:  # a trial that cannot train is a result ("failed"), not a crash of the search
        return {
            "error": f"{type(exc).__name__}: {exc}",
            "fit_time": time.perf_counter() - start,
            "worker": _worker_name(),
        }
    row = _summary(models, scores, time.perf_counter() - start)
    if epochs is not None:
        row["states"] = models
    return row

"""``search(estimator, space, X, y, ...)``: the public entry point, tying space, sampler, runner,
results table, refit, model file and plot together."""

from __future__ import annotations

import json
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

from .._typing import Array
from .cluster import connect
from .results import ResultsTable
from .runner import run_trials, rung_plan
from .samplers import make_sampler
from .space import Dimension, parse_space, to_estimator


@dataclass
class SearchResult:
    """What a search leaves: the rows (one per trial), the best trial, and the refitted best model."""

    rows: list[dict[str, Any]]
    best_params: dict[str, Any] | None
    best_score: float | None
    best_estimator: Any = None
    results_path: str | None = None
    param_names: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    def frame(self) -> Any:
        """The results as a pandas DataFrame, one row per trial, ordered by trial number."""
        import pandas as pd

        return pd.DataFrame(sorted(self.rows, key=lambda r: r["number"]), columns=self.columns or None)

    def plot(self, param: str | None = None, ax: Any = None, score: str = "score") -> Any:
        """Score against one hyperparameter (``param``), or a Figure with one Axes per hyperparameter."""
        from ..plotting import plot_search_results

        rows = [r for r in self.rows if r["status"] == "ok"]
        if param is not None:
            return plot_search_results(rows, param, score=score, ax=ax)
        from matplotlib.figure import Figure

        fig = Figure(figsize=(4 * len(self.param_names), 3.5), layout="constrained")
        for ax_i, name in zip(np.atleast_1d(fig.subplots(1, len(self.param_names))), self.param_names):
            plot_search_results(rows, name, score=score, ax=ax_i)
        return fig


def make_folds(
    estimator: Any, X: Array, y: Any, cv: Any = None, validation_fraction: float = 0.2, random_state: int = 0
) -> list[tuple[Any, Any]]:
    """(train_idx, val_idx) pairs: a stratified (for classifiers) shuffled split holding out
    ``validation_fraction`` of the rows when ``cv`` is None, K shuffled folds when ``cv`` is an int,
    or ``cv.split(X, y)`` for a scikit-learn splitter."""
    m = len(y)
    stratify = is_classifier(estimator) and np.ndim(y) == 1
    if cv is None:
        if not (isinstance(validation_fraction, numbers.Real) and 0 < validation_fraction < 1):
            raise ValueError(f"validation_fraction must be in (0, 1), got {validation_fraction!r}")
        labels = y if stratify and np.unique(y, return_counts=True)[1].min() >= 2 else None
        train, val = train_test_split(
            np.arange(m), test_size=validation_fraction, random_state=random_state, stratify=labels
        )
        return [(train, val)]
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        if cv < 2:
            raise ValueError(f"cv must be at least 2 folds (or None for one validation split), got {cv}")
        cv = (StratifiedKFold if stratify else KFold)(n_splits=int(cv), shuffle=True, random_state=random_state)
    if not hasattr(cv, "split"):
        raise TypeError(f"cv must be None, an int or a scikit-learn splitter, got {cv!r}")
    return [(np.asarray(tr), np.asarray(va)) for tr, va in cv.split(X, y)]


def _check(estimator: Any, dims: dict[str, Dimension], X: Array, y: Any) -> tuple[Array, Any]:
    known = estimator.get_params()
    unknown = [name for name in dims if name not in known]
    if unknown:
        raise ValueError(
            f"{type(estimator).__name__} has no parameter(s) {unknown}; its parameters are {sorted(known)}"
        )
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError(f"expected X (n_samples, n_features) and y with as many rows, got {X.shape}, {y.shape}")
    return X, y


def _plan(default_iter: int, rungs: int, params: dict[str, Any]) -> list[int]:
    """Epochs per rung for a trial's parameters (its max_iter, or the estimator's)."""
    return rung_plan(int(params.get("max_iter", default_iter)), rungs)


def search(
    estimator: Any,
    space: Any,
    X: Array,
    y: Any,
    *,
    sampler: str = "random",
    n_trials: int | None = None,
    cv: Any = None,
    validation_fraction: float = 0.2,
    scoring: Any = None,
    prune: bool | None = None,
    rungs: int = 4,
    results: Any = None,
    out: Any = None,
    refit: bool = True,
    random_state: int = 0,
    address: str | None = None,
    client: Any = None,
    n_workers: int | None = None,
    retries: int = 2,
    progress: bool = True,
    callback: Callable[[dict[str, Any]], object] | None = None,
) -> SearchResult:
    """Search ``space`` for the parameters of ``estimator`` that score best on held-out data.

    X (n_samples, n_features), y (n_samples,) or (n_samples, n_outputs). ``space``: a dict (or TOML
    path) of parameter -> one of {values, choice, uniform, loguniform, int}. ``sampler``: "grid" (all
    combinations, or the first n_trials), "random" or "tpe" (Optuna, asked and told from here).
    Scores (``scoring``: None = estimator.score, or a scikit-learn scorer name) come from a held-out
    ``validation_fraction`` or from ``cv`` folds. ``prune`` (default: on for tpe) trains each trial in
    ``rungs`` chunks of partial_fit epochs and stops those below the median learning curve.
    Trials run on Dask: ``client``, the scheduler at ``address``, or an embedded LocalCluster of
    ``n_workers`` processes. ``results`` (.csv/.parquet) is written as trials finish; a rerun with it
    skips finished trials. The best parameters are refitted on all rows and saved to ``out`` (a model
    file, via layerwise.save). ``callback(row)`` runs after each trial. Ctrl-C stops cleanly (the table
    keeps every finished trial) and re-raises KeyboardInterrupt.
    """
    dims = parse_space(space)
    X, y = _check(estimator, dims, X, y)
    folds = make_folds(estimator, X, y, cv, validation_fraction, random_state)
    prune = (sampler == "tpe") if prune is None else bool(prune)
    plan = None
    if prune:
        if not hasattr(estimator, "partial_fit"):
            raise ValueError(
                f"pruning trains in chunks with partial_fit, which {type(estimator).__name__} lacks; pass prune=False"
            )
        default_iter = estimator.get_params().get("max_iter", 200)
        plan = partial(_plan, default_iter, rungs)
    smp = make_sampler(sampler, dims, n_trials, random_state, prune)
    table = ResultsTable(results, list(dims))
    smp.resume(table.finished())
    with connect(address, client, n_workers) as c:
        run_trials(
            c, smp, table, estimator, X, y, folds, scoring, plan, retries=retries, progress=progress, callback=callback
        )
    best = table.best()
    best_params: dict[str, Any] | None = json.loads(best["params"]) if best else None
    model = None
    if best is not None and best_params is not None and (refit or out is not None):
        model = clone(estimator).set_params(**{k: to_estimator(v) for k, v in best_params.items()}).fit(X, y)
        if out is not None:
            from ..io.modelfile import save

            save(model, out)
    return SearchResult(
        rows=list(table.rows),
        best_params=best_params,
        best_score=best["score"] if best else None,
        best_estimator=model,
        results_path=table.path,
        param_names=list(dims),
        columns=table.columns,
    )

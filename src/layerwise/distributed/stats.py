"""Facts about all processes' rows together: sizes, the gathered target and weights, scaling, the split.

Nothing here is computed from one process's share alone. X itself never moves: scaling statistics
are sums (and minima, maxima) over processes. The target column and the sample weights are gathered
whole on every process (8 bytes a row each, ``gather_rows``), because class lists, task inference, class
weights and the stratified validation split need them exactly as one process would see them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import is_classifier

from .._typing import Array
from ..io.preprocessing import make_scaler
from .comm import agree, sum_all


def gather_rows(comm: Any, a: Array) -> Array:
    """Each process's rows a (m_r, ...) -> all rows (m, ...), in rank order (pickled; once per fit)."""
    parts = comm.allgather(a)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def check_same(comm: Any, what: str, value: Any) -> None:
    """ValueError on every process unless all processes hold the same ``value`` (a shape, a dtype, ...)."""
    values = comm.allgather(value)
    differ = [r for r, v in enumerate(values) if v != values[0]]
    error = (
        None
        if not differ
        else ValueError(
            f"the processes disagree on {what}: rank 0 has {values[0]!r}, rank {differ[0]} has {values[differ[0]]!r}; "
            "every process must read the same file (or arrays with the same columns)"
        )
    )
    agree(comm, error)


def fit_scaler(comm: Any, X: Array, kind: str) -> Any:
    """A StandardScaler or MinMaxScaler fitted on the rows of all processes; X (m_r, n_x) is this one's."""
    n = int(sum_all(comm, [X.shape[0]])[0])
    if kind == "standard":
        mean = sum_all(comm, X.sum(axis=0, dtype=np.float64)) / n
        var = sum_all(comm, ((X - mean) ** 2).sum(axis=0, dtype=np.float64)) / n  # two passes: no cancellation
        scaler = make_scaler(kind)
        scaler.mean_, scaler.var_ = mean, var
        eps = np.finfo(np.float64).eps
        constant = var <= n * eps * var + (n * mean * eps) ** 2  # scikit-learn's test for a constant feature
        scaler.scale_ = np.where(constant, 1.0, np.sqrt(var))
    elif kind == "minmax":
        lows, highs = zip(*comm.allgather((X.min(axis=0), X.max(axis=0))))
        low, high = np.min(lows, axis=0).astype(np.float64), np.max(highs, axis=0).astype(np.float64)
        scaler = make_scaler(kind)
        scaler.data_min_, scaler.data_max_, scaler.data_range_ = low, high, high - low
        scaler.scale_ = 1.0 / np.where(high - low == 0, 1.0, high - low)
        scaler.min_ = -low * scaler.scale_
    else:
        raise ValueError(f"unknown scaling {kind!r}; expected 'standard' or 'minmax'")
    scaler.n_samples_seen_, scaler.n_features_in_ = n, X.shape[1]
    return scaler


def global_score(comm: Any, model: Any, X: Array, y: Any) -> float:
    """``model.score`` over all processes' rows: accuracy (classifiers) or R^2 averaged over outputs."""
    pred = model.predict(X)
    if is_classifier(model):
        y = np.asarray(y)
        ok = np.all(pred == y, axis=1) if pred.ndim == 2 else pred == y.reshape(len(y))
        correct, n = sum_all(comm, [np.sum(ok), len(ok)])
        return float(correct / n)
    Y, P = np.asarray(y, dtype=np.float64).reshape(len(y), -1), np.asarray(pred, np.float64).reshape(len(y), -1)
    n = sum_all(comm, [len(Y)])[0]
    mean = sum_all(comm, Y.sum(axis=0)) / n
    ss_res, ss_tot = sum_all(comm, ((Y - P) ** 2).sum(axis=0)), sum_all(comm, ((Y - mean) ** 2).sum(axis=0))
    r2 = np.where(ss_tot > 0, 1 - ss_res / np.where(ss_tot > 0, ss_tot, 1), np.where(ss_res == 0, 1.0, 0.0))
    return float(np.mean(r2))  # scikit-learn's r2_score, uniform average, finite for constant targets

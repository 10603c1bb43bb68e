"""Helpers the classifier and regressor share: scores of device arrays on the host, stacking, 1-D labels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.base import is_classifier

from .._backend import host, namespace
from .._typing import Array
from .device import is_device_array


def hstack(arrays: Sequence[Array]) -> Array:
    # side by side, in the arrays' own library (NumPy's hstack for NumPy)
    return np.hstack(arrays) if isinstance(arrays[0], np.ndarray) else namespace(arrays[0]).concat(arrays, axis=1)


def host_score(score: Callable[..., float], est: Any, X: Array, y: Any, sample_weight: Any) -> float:
    """scikit-learn's score; for device arrays the metric runs on host copies of y and the predictions."""
    if not is_device_array(X):
        return score(X, y, sample_weight)
    from sklearn.metrics import accuracy_score, r2_score

    metric = accuracy_score if is_classifier(est) else r2_score
    y_true = host(y) if is_device_array(y) else y
    return float(metric(y_true, host(est.predict(X)), sample_weight=sample_weight))


def column_or_1d_labels(y: Array) -> Array:
    y = np.asarray(y)
    return y.ravel() if y.ndim == 2 and y.shape[1] == 1 else y


__all__ = ["hstack", "host_score", "column_or_1d_labels"]

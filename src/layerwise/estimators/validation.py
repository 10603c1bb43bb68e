"""Early stopping's held-out rows: the split of the training data and the score on the validation part."""

from __future__ import annotations

import numpy as np
from sklearn.base import is_classifier
from sklearn.model_selection import train_test_split

from .. import core
from .._backend import host
from ..core import LayerParams
from ..engine import ops_for
from .device import is_device_array


def split(est, X, y, Y, w, rs):
    """Training and validation rows: (X, X_val, Y, Y_val, y_val, w), stratified for classes."""
    stratify = y if is_classifier(est) and est.output_type_ in ("binary", "multiclass") else None
    idx = np.arange(X.shape[0])
    tr, va = train_test_split(idx, random_state=rs, test_size=est.validation_fraction, stratify=stratify)
    if len(va) < 2:
        raise ValueError(
            f"validation_fraction={est.validation_fraction} leaves {len(va)} validation sample(s) "
            f"of {X.shape[0]}; use a larger validation_fraction or early_stopping=False"
        )
    tr.sort()
    if is_device_array(X):  # rows gathered on the device (y, for scoring, stays on the host)
        o = ops_for(X)

        def rows(A, i):
            return o.take_rows(A, o.from_host(i), out=o.empty((len(i), *A.shape[1:]), A.dtype))

        return rows(X, tr), rows(X, va), rows(Y, tr), rows(Y, va), y[va], None if w is None else rows(w, tr)
    return (
        np.ascontiguousarray(X[tr]),
        X[va],
        np.ascontiguousarray(Y[tr]),
        Y[va],
        y[va],
        None if w is None else np.ascontiguousarray(w[tr]),
    )


class Validation:
    """validate(net) -> (cost, score) of the current weights on the held-out rows, for early stopping.

    ``score(AL rows on the host, y_val)`` is the estimator's own metric (accuracy or R^2).
    """

    def __init__(self, activations, loss, score, X_val, Y_val, y_val):
        self.activations, self.loss, self.score = activations, loss, score
        self.X_val, self.Y_val, self.y_val = X_val, Y_val, y_val

    def __call__(self, net):
        params = tuple(LayerParams(W, b) for W, b in zip(net.W, net.b))
        with np.errstate(under="ignore"):
            AL, caches = core.model_forward(self.X_val.T, params, self.activations, self.loss)
        cost = float(core.compute_cost(caches, self.Y_val.T, self.loss))  # host sync: logged
        return cost, self.score(host(AL.T), self.y_val)


__all__ = ["split", "Validation"]

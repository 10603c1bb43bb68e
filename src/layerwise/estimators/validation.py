"""Early stopping's held-out rows: the split of the training data and the score on the validation part."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import is_classifier
from sklearn.model_selection import train_test_split

from .. import core
from .._backend import host
from .._typing import Array
from ..core import LayerParams
from ..engine import ops_for
from .device import is_device_array


def split(
    est: Any, X: Array, Y: Array, w: Array | None, y_all: Any, rows: Any, bounds: Any, rs: Any
) -> tuple[Any, ...]:
    """Early stopping's split of all m rows, drawn as one process draws it (stratified for classes), and this
    process's part: (X, Y, w of its training rows, the validator, (start, stop, m) of the training rows).

    ``y_all`` (m, ...) is every process's target; this process holds the rows [bounds[rank], bounds[rank + 1]).
    """
    stratify = y_all if is_classifier(est) and est.output_type_ in ("binary", "multiclass") else None
    m, start, stop = bounds[-1], bounds[rows.rank], bounds[rows.rank + 1]
    tr, va = train_test_split(np.arange(m), random_state=rs, test_size=est.validation_fraction, stratify=stratify)
    if len(va) < 2:
        raise ValueError(
            f"validation_fraction={est.validation_fraction} leaves {len(va)} validation sample(s) "
            f"of {m}; use a larger validation_fraction or early_stopping=False"
        )
    tr.sort()
    mine, mine_va = (tr, va) if rows.size == 1 else (local_part(tr, start, stop), local_part(va, start, stop))
    if is_device_array(X):  # rows gathered on the device (y, for scoring, stays on the host)
        o = ops_for(X)

        def take(A: Array, i: Any) -> Array:
            return o.take_rows(A, o.from_host(i), out=o.empty((len(i), *A.shape[1:]), A.dtype))
    else:

        def take(A: Array, i: Any) -> Array:
            return np.ascontiguousarray(A[i])

    gather: Any = None  # (set after construction, see ``split``)
    position: Any = None
    if rows.size > 1:  # the validation rows come gathered grouped by process; position puts them in va's order
        owner = np.searchsorted(bounds, va, side="right") - 1
        gather, position = rows.gather, np.argsort(np.argsort(owner, kind="stable"))
    Y_val = take(Y, mine_va) if gather is None else gather(take(Y, mine_va))[position]
    validate = Validation(est.activations_, est.loss_, est._score_outputs, take(X, mine_va), Y_val, y_all[va])
    validate.gather, validate.position = gather, position
    local = (int(np.searchsorted(tr, start)), int(np.searchsorted(tr, stop)), len(tr))
    return take(X, mine), take(Y, mine), None if w is None else take(w, mine), validate, local


def local_part(rows: Array, start: int, stop: int) -> Array:
    """The entries of global row numbers ``rows`` that fall in [start, stop), minus start (in their order)."""
    rows = np.asarray(rows)
    return rows[(rows >= start) & (rows < stop)] - start


class Validation:
    """validate(net) -> (cost, score) of the current weights on the held-out rows, for early stopping.

    ``score(AL rows on the host, y_val)`` is the estimator's own metric (accuracy or R^2). With ``gather``
    (rows spread over processes) each process forwards its own validation rows X_val; the logits of all
    are gathered and put in the order of Y_val and y_val (all validation rows) by ``position``.
    """

    gather, position = None, None

    def __init__(
        self, activations: Any, loss: str, score: Callable[[Any, Any], float], X_val: Array, Y_val: Array, y_val: Any
    ) -> None:
        self.activations, self.loss, self.score = activations, loss, score
        self.X_val, self.Y_val, self.y_val = X_val, Y_val, y_val

    def __call__(self, net: Any) -> tuple[float, float]:
        params = tuple(LayerParams(W, b) for W, b in zip(net.W, net.b))
        if self.gather is None:
            with np.errstate(under="ignore"):
                AL, caches = core.model_forward(self.X_val.T, params, self.activations, self.loss)
            cost = float(core.compute_cost(caches, self.Y_val.T, self.loss))  # host sync: logged
            return cost, self.score(host(AL.T), self.y_val)
        ZL = np.empty((0, net.layer_dims[-1]), net.dtype)
        if self.X_val.shape[0]:
            with np.errstate(under="ignore"):
                _, caches = core.model_forward(self.X_val.T, params, self.activations, self.loss)
            ZL = caches[-1].Z.T  # (m_val_r, n[L]): this process's validation logits
        ZL = self.gather(ZL)[self.position]
        loss = core.get_loss(self.loss)
        AL = core.get_activation(loss.output).forward(ZL.T).T
        return float(loss.cost(ZL.T, self.Y_val.T)), self.score(AL, self.y_val)


__all__ = ["split", "local_part", "Validation"]

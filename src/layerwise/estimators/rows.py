"""Rows: where this process's rows of a fit sit among all rows; one process holding them all by default.

An estimator's fit runs the same steps whether it holds every row or one process's share of them
(``layerwise.distributed``). Each step that needs all rows asks the fit's ``Rows``:

    rows.agree(error)                    every process learns whether a step failed on any of them
    rows.bounds(X, y)                    (N + 1,) list: process r holds rows [bounds[r], bounds[r + 1])
    rows.gather(a)                       all processes' rows of a (m_r, ...) -> (m, ...), in process order
    rows.seed(random_state)              the seed all processes draw from (one drawn for all when None)
    rows.hooks(est, start, stop, m, rs, data)  the engine's hooks (shard, checkpoint), once the network is drawn
    rows.training()                      a context for the engine's run (the errors all processes see at once)
    rows.rank, rows.size, rows.lead      this process, how many, whether it prints and warns
    rows.fresh                           True: always start from freshly drawn weights (no warm start)

``Rows()`` is one process: every call the identity, no hooks. ``targets`` encodes the targets and the
example weights from all rows (the classes, the regressor's target scaling and class weights see every
label) and keeps this process's part, so a fit spread over processes is one process's fit on all rows,
up to the rounding of regrouped sums.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

import numpy as np


class Rows:
    """One process holding every row: the identity for each question a fit asks (see the module)."""

    rank, size, lead, fresh = 0, 1, True, False

    def agree(self, error: BaseException | None) -> None:
        if error is not None:
            raise error

    def bounds(self, X: Any, y: Any) -> list[int]:
        return [0, int(X.shape[0])]

    def gather(self, a: Any) -> Any:
        return a

    def seed(self, random_state: Any) -> Any:
        return random_state

    def hooks(
        self, est: Any, start: int, stop: int, m: int, rs: np.random.RandomState, data: Any = None
    ) -> tuple[Any, Any]:
        return None, None

    def training(self) -> AbstractContextManager[Any]:
        return nullcontext()


def targets(
    est: Any, rows: Rows, y: Any, sample_weight: Any, first: bool, classes: Any, dtype: Any, start: int
) -> tuple[Any, Any, Any]:
    """(Y (m_r, n[L]), w (m_r,) or None, y_all (m, ...)): the targets and example weights encoded from all
    processes' rows, and this process's part of them, the rows [start, start + m_r)."""
    error, Y, w, y_all = None, None, None, y
    try:
        y_all = rows.gather(y)
        sw = None if sample_weight is None else rows.gather(sample_weight)
        Y_all = est._encode_targets(y_all, first, classes, dtype, sample_weight=sw)  # (m, n[L]), on the host
        w_all = est._example_weights(y_all, sw, len(y_all), dtype)  # class weights see every label
        Y = Y_all if rows.size == 1 else np.ascontiguousarray(Y_all[start : start + len(y)])
        w = w_all if rows.size == 1 or w_all is None else np.ascontiguousarray(w_all[start : start + len(y)])
    except ValueError as exc:
        error = exc
    rows.agree(error)
    return Y, w, y_all


__all__ = ["Rows", "targets"]

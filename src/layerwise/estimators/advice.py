"""What a ConvergenceWarning advises, read from the shape of the cost curve."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def still_falling(costs: Sequence[float]) -> bool:
    """True when the cost was still falling at the end: the mean of the last k epochs' costs is below the
    mean of the k before (k = n/4, between 2 and 10), or the curve is too short to tell."""
    k = max(2, min(10, len(costs) // 4))
    if len(costs) < 2 * k:
        return True
    return float(np.mean(costs[-k:])) < float(np.mean(costs[-2 * k : -k]))


def not_converged(name: str, max_iter: int, tol: float, costs: Sequence[float]) -> str:
    """The ConvergenceWarning's text: raise max_iter (and the learning rate) only when the cost still fell."""
    head = f"{name}: max_iter={max_iter} reached and the optimization has not converged yet"
    if still_falling(costs):
        return f"{head}; the cost was still falling: increase max_iter or the learning_rate"
    return (
        f"{head}: the cost no longer falls on average but keeps changing by more than tol={tol}; a smaller "
        "learning_rate (or a larger batch_size) lets it settle, or raise tol"
    )


__all__ = ["still_falling", "not_converged"]

"""What the engine runs for an estimator's parameters: the optimizer, its hyperparameters, the FitConfig."""

from __future__ import annotations

import warnings
from typing import Any

from ..engine import FitConfig


def optimizer(est: Any) -> tuple[str, dict[str, Any]]:
    """The engine optimizer's name and hyperparameters for ``est.solver``: (name, {hyper})."""
    return {
        "gd": ("gd", {}),
        "sgd": ("momentum", {"beta": est.momentum, "nesterov": bool(est.nesterovs_momentum)}),
        "rmsprop": ("rmsprop", {"beta": est.beta_2, "epsilon": est.epsilon}),
        "adam": ("adam", {"beta_1": est.beta_1, "beta_2": est.beta_2, "epsilon": est.epsilon}),
        "lbfgs": ("lbfgs", {}),
    }[est.solver]


def l2_strength(est: Any) -> float:
    """L2 strength: ``alpha="auto"`` is the estimator's ``_auto_alpha`` (scikit-learn's 1e-4; the regressor's
    2.0), except for ``solver="gd"``, the course's plain gradient descent, which has no L2 (so the course's
    recipes reproduce as written)."""
    if est.alpha == "auto":
        return 0.0 if est.solver == "gd" else est._auto_alpha
    return float(est.alpha)


def fit_config(est: Any, m: int) -> FitConfig:
    """The engine's FitConfig for m training rows: batch size, schedule, L2, dropout, stopping."""
    full = est.solver in ("gd", "lbfgs")
    batch = m if full else (min(200, m) if est.batch_size == "auto" else int(est.batch_size))
    if not full and est.batch_size != "auto" and batch > m:
        warnings.warn(
            f"batch_size {batch} is larger than the {m} training samples; using {m}", UserWarning, stacklevel=2
        )
    return FitConfig(
        batch_size=min(batch, m),
        max_iter=est.max_iter,
        learning_rate=float(est.learning_rate),
        schedule=est.learning_rate_schedule,
        shuffle=bool(est.shuffle) and est.solver != "gd",
        alpha=l2_strength(est),
        keep_prob=1.0 - float(est.dropout),
        tol=float(est.tol),
        n_iter_no_change=int(est.n_iter_no_change),
        use_tol=est.solver != "gd",
    )


__all__ = ["optimizer", "l2_strength", "fit_config"]

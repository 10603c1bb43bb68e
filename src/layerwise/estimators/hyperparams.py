"""NeuralNetParams: the estimators' constructor parameters, their defaults and how the architecture is read from them.

The parameters are written once, as the fields of a dataclass: ``dataclass`` generates a real
``__init__`` with every parameter named and defaulted, which is what scikit-learn's ``get_params``,
``set_params`` and ``clone`` read (the signature of ``__init__``), and what ``help()``, IDEs and type
checkers see. It stores each argument unchanged under its own name (scikit-learn's rule); the checks
run when fit starts (estimators/params.py). ``repr=False, eq=False`` keep scikit-learn's repr and
identity. The classifier adds ``class_weight``, the regressor ``standardize_target``, each a field of its
own class, decorated the same way (``dataclass`` itself, so that type checkers see the generated ``__init__``). docs/guide/estimators.md has the table of parameters.

Training choices (docs/guide/estimators.md has the formulas):
- ``solver="gd"`` is the course's loop: full batch, no shuffling, exactly ``max_iter`` iterations
  (``tol`` is not used; ``early_stopping`` still is), no ConvergenceWarning.
- ``solver="sgd"`` is the course's momentum, v = beta v + (1 - beta) dW, W -= alpha v (Nesterov's look-
  ahead with ``nesterovs_momentum``). scikit-learn's sgd with learning rate a equals ours with a / (1 - beta).
- ``rmsprop`` uses ``beta_2`` as its decay (the course's notation); ``adam`` the course's bias-corrected form.
- ``alpha="auto"`` (the default) is scikit-learn's 1e-4 for every solver but ``gd``, where it is 0
  (the regressor: 2.0, measured in bench/defaults_accuracy.py).
- L2 as scikit-learn: J += alpha / (2 m) sum ||W[l]||^2, dW[l] += alpha / m W[l] (m: batch size, or the
  batch's sum of sample weights); biases are not penalized.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, ClassVar

from sklearn.base import BaseEstimator

from ..core.activations import ACTIVATIONS

_RELU_LIKE = {"relu", "leaky_relu"}


@dataclass(repr=False, eq=False)
class NeuralNetParams(BaseEstimator):  # scikit-learn ships no type information: BaseEstimator is Any to mypy
    """The parameters the classifier and the regressor share (as scikit-learn's MLP where it has them)."""

    _auto_alpha: ClassVar[float] = 1e-4  # alpha="auto" for every solver but gd (scikit-learn's default)
    _auto_relu_init: ClassVar[str] = "he"  # init="auto" for ReLU-like hidden layers

    hidden_layer_sizes: Any = (100,)
    activation: Any = "relu"
    init: Any = "auto"
    solver: str = "adam"
    learning_rate: float = 0.001
    learning_rate_schedule: str = "constant"
    batch_size: Any = "auto"
    max_iter: int = 200
    shuffle: bool = True
    momentum: float = 0.9
    nesterovs_momentum: bool = True
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-8
    alpha: Any = "auto"
    dropout: float = 0.0
    tol: float = 1e-4
    n_iter_no_change: int = 10
    early_stopping: bool = False
    validation_fraction: float = 0.1
    warm_start: bool = False
    random_state: Any = None
    verbose: int = 0
    dtype: Any = None
    device: Any = "cpu"
    precision: str = "ieee"

    def _architecture(self) -> tuple[list[int], list[str], Any]:
        """(hidden sizes, their activations by the core's names, initializers per layer)."""
        sizes = self.hidden_layer_sizes
        sizes = [int(sizes)] if isinstance(sizes, numbers.Integral) else [int(n) for n in sizes]
        acts = self.activation
        names = [acts] * len(sizes) if isinstance(acts, str) else list(acts)
        if len(names) != len(sizes):
            raise ValueError(f"activation must be one name or one per hidden layer ({len(sizes)}), got {acts!r}")
        names = [ACTIVATIONS[a].name for a in names]  # scikit-learn's aliases to the core's names
        inits = (
            self.init
            if self.init != "auto"
            else [self._auto_relu_init if g in _RELU_LIKE else "xavier" for g in names] + ["xavier"]
        )  # output: xavier
        return sizes, names, inits


__all__ = ["NeuralNetParams"]

"""The scikit-learn estimators: NeuralNetClassifier and NeuralNetRegressor, and their state for model files.

X is (n_samples, n_features), scikit-learn's layout; ``params_`` holds the course's
``LayerParams(W (n[l], n[l-1]), b (n[l], 1))`` per layer, the transpose of scikit-learn's ``coefs_``.
They state what to train and hand it to ``layerwise.engine.fit``. docs/guide/estimators.md has the
parameters and formulas.
"""

from typing import Any

from .._typing import Array
from .base import BaseNeuralNet
from .classifier import NeuralNetClassifier
from .regressor import NeuralNetRegressor
from .rows import Rows
from .state import export_state, restore

ESTIMATORS: dict[str, type[BaseNeuralNet]] = {
    "NeuralNetClassifier": NeuralNetClassifier,
    "NeuralNetRegressor": NeuralNetRegressor,
}


def from_state(arrays: dict[str, Array], meta: dict[str, Any]) -> BaseNeuralNet:
    """The estimator ``export_state`` described (``meta["estimator"]`` names its class), on the CPU."""
    return restore(ESTIMATORS[meta["estimator"]], arrays, meta)


__all__ = [
    "NeuralNetClassifier",
    "NeuralNetRegressor",
    "BaseNeuralNet",
    "Rows",
    "ESTIMATORS",
    "export_state",
    "from_state",
]

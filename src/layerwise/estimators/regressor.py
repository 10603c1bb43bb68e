"""NeuralNetRegressor: linear output units and (half) mean squared error, one or several outputs."""
from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin

from .base import BaseNeuralNet
from .scoring import host_score


class NeuralNetRegressor(RegressorMixin, BaseNeuralNet):
    """A fully connected network regressor: linear output units and (half) mean squared error."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X, y, sample_weight=None):
        """Train on X (n_samples, n_features), y (n_samples,) or (n_samples, n_outputs)."""
        return self._fit(X, y, sample_weight)

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch on (X, y)."""
        if self.solver == "lbfgs":
            raise ValueError("partial_fit needs a minibatch solver (gd, sgd, rmsprop, adam), not lbfgs")
        return self._fit(X, y, sample_weight, incremental=True)

    def _encode_targets(self, y, first, classes, dtype):
        Y = np.asarray(y, dtype=dtype).reshape(len(y), -1)  # (m, n_outputs)
        if first:
            self.loss_ = "mse"
            self.output_type_ = "continuous" if Y.shape[1] == 1 else "continuous-multioutput"
        elif Y.shape[1] != self.n_outputs_:
            raise ValueError(f"y has {Y.shape[1]} output(s) but the model was fitted with {self.n_outputs_}")
        return np.ascontiguousarray(Y)

    def _score_outputs(self, AL, y):
        from sklearn.metrics import r2_score
        return float(r2_score(y, AL[:, 0] if AL.shape[1] == 1 and np.ndim(y) == 1 else AL))

    def predict(self, X):
        """Predictions (n_samples,) for one output, (n_samples, n_outputs) otherwise."""
        AL = self._forward(X)[0]
        return AL[:, 0] if self.output_type_ == "continuous" else AL

    def score(self, X, y, sample_weight=None):
        """R^2 of ``predict(X)`` against y (on the host for device arrays)."""
        return host_score(super().score, self, X, y, sample_weight)


__all__ = ["NeuralNetRegressor"]

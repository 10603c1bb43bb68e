"""NeuralNetRegressor: linear output units and (half) mean squared error, one or several outputs.

With ``standardize_target=True`` (the default) the network learns the standardized target
(y - target_mean_) / target_scale_ (the mean and standard deviation of each training target column, as
scikit-learn's ``TransformedTargetRegressor(transformer=StandardScaler())`` does by hand) and
``predict`` maps its outputs back: y_hat = AL * target_scale_ + target_mean_. The costs it records
(``loss_curve_``, the validation cost) are then in standardized units. The scaling is fitted once, by
the first ``fit`` (or the first ``partial_fit`` batch); warm starts keep it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import RegressorMixin

from .._typing import Array, FloatArray, NDArray
from ..engine import host_dtype, ops_for
from .base import BaseNeuralNet
from .params import check_sample_weight
from .sanity import check_target_statistics
from .scoring import host_score

if TYPE_CHECKING:  # typing.Self from Python 3.11 (the annotations are never evaluated at run time)
    from typing_extensions import Self


@dataclass(repr=False, eq=False)  # standardize_target joins the parameters of NeuralNetParams
class NeuralNetRegressor(RegressorMixin, BaseNeuralNet):
    """A fully connected network regressor: linear output units and (half) mean squared error.
    ``standardize_target`` (default True): train on the standardized target and map predictions back."""

    # Measured on diabetes and make_friedman1 (bench/defaults_accuracy.py, docs/guide/estimators.md): a
    # network of 100 ReLU units overfits small regression data at scikit-learn's alpha=1e-4 (diabetes R^2
    # 0.38 against RidgeCV's 0.44) and fits friedman1 better from xavier's smaller initial weights.
    _auto_alpha = 2.0
    _auto_relu_init = "xavier"

    standardize_target: bool = True

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X: Array, y: Array, sample_weight: Array | None = None) -> Self:
        """Train on X (n_samples, n_features), y (n_samples,) or (n_samples, n_outputs)."""
        return self._fit(X, y, sample_weight)

    def partial_fit(self, X: Array, y: Array, sample_weight: Array | None = None) -> Self:
        """One epoch on (X, y)."""
        if self.solver == "lbfgs":
            raise ValueError("partial_fit needs a minibatch solver (gd, sgd, rmsprop, adam), not lbfgs")
        return self._fit(X, y, sample_weight, incremental=True)

    def _encode_targets(
        self, y: Array, first: bool, classes: Array | None, dtype: Any, sample_weight: Array | None = None
    ) -> FloatArray:
        Y = np.asarray(y, dtype=dtype).reshape(len(y), -1)  # (m, n_outputs)
        if first:
            self.loss_ = "mse"
            self.output_type_ = "continuous" if Y.shape[1] == 1 else "continuous-multioutput"
            self.target_mean_: NDArray[Any] | None = None  # (n_outputs,), or None: the target as it came
            self.target_scale_: NDArray[Any] | None = None
            if self.standardize_target:  # weighted as repeated rows would be
                w = None if sample_weight is None else check_sample_weight(sample_weight, len(Y), dtype)
                with np.errstate(over="ignore"):
                    self.target_mean_ = np.average(Y, axis=0, weights=w).astype(dtype)  # (n_outputs,)
                with np.errstate(over="ignore"):
                    scale = np.sqrt(np.average((Y - self.target_mean_) ** 2, axis=0, weights=w))
                with np.errstate(over="ignore"):  # an overflow is refused just below, in words
                    self.target_scale_ = np.where(scale > 0, scale, 1).astype(dtype)  # a constant column: 1
                check_target_statistics(self.target_mean_, self.target_scale_)
        elif Y.shape[1] != self.n_outputs_:
            raise ValueError(f"y has {Y.shape[1]} output(s) but the model was fitted with {self.n_outputs_}")
        scaling = self._target_scaling()
        if scaling is not None:  # (target_mean_, target_scale_)
            Y = (Y - scaling[0].astype(dtype)) / scaling[1].astype(dtype)
        return np.ascontiguousarray(Y)

    def _target_scaling(self) -> tuple[NDArray[Any], NDArray[Any]] | None:
        """(target_mean_, target_scale_) when the target is standardized (set together, by the first fit or a
        model file), else None."""
        mean, scale = getattr(self, "target_mean_", None), getattr(self, "target_scale_", None)
        return None if mean is None or scale is None else (mean, scale)

    def _unscale(self, AL: Array) -> Array:
        """Network outputs AL (n_samples, n_outputs) -> predictions in the target's units."""
        scaling = self._target_scaling()
        if scaling is None:
            return AL
        (mean, scale), ops, dtype = scaling, ops_for(AL), host_dtype(AL.dtype)
        return AL * ops.from_host(scale.astype(dtype)) + ops.from_host(mean.astype(dtype))

    def _score_outputs(self, AL: Array, y: Array) -> float:
        from sklearn.metrics import r2_score

        AL = self._unscale(AL)
        return float(r2_score(y, AL[:, 0] if AL.shape[1] == 1 and np.ndim(y) == 1 else AL))

    def predict(self, X: Array) -> Array:
        """Predictions (n_samples,) for one output, (n_samples, n_outputs) otherwise."""
        AL = self._unscale(self._forward(X)[0])
        return AL[:, 0] if self.output_type_ == "continuous" else AL

    def score(self, X: Array, y: Array, sample_weight: Array | None = None) -> float:
        """R^2 of ``predict(X)`` against y (on the host for device arrays)."""
        return host_score(super().score, self, X, y, sample_weight)


__all__ = ["NeuralNetRegressor"]

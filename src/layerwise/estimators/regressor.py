"""NeuralNetRegressor: linear output units and (half) mean squared error, one or several outputs.

With ``standardize_target=True`` (the default) the network learns the standardized target
(y - target_mean_) / target_scale_ (the mean and standard deviation of each training target column, as
scikit-learn's ``TransformedTargetRegressor(transformer=StandardScaler())`` does by hand) and
``predict`` maps its outputs back: y_hat = AL * target_scale_ + target_mean_. The costs it records
(``loss_curve_``, the validation cost) are then in standardized units. The scaling is fitted once, by
the first ``fit`` (or the first ``partial_fit`` batch); warm starts keep it.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin

from ..engine import host_dtype, ops_for
from .base import BaseNeuralNet
from .params import check_sample_weight
from .sanity import check_target_statistics
from .scoring import host_score


class NeuralNetRegressor(RegressorMixin, BaseNeuralNet):
    """A fully connected network regressor: linear output units and (half) mean squared error.
    ``standardize_target`` (default True): train on the standardized target and map predictions back."""

    # Measured on diabetes and make_friedman1 (bench/defaults_accuracy.py, docs/guide/estimators.md): a
    # network of 100 ReLU units overfits small regression data at scikit-learn's alpha=1e-4 (diabetes R^2
    # 0.38 against RidgeCV's 0.44) and fits friedman1 better from xavier's smaller initial weights.
    _auto_alpha = 2.0
    _auto_relu_init = "xavier"

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        init="auto",
        solver="adam",
        learning_rate=0.001,
        learning_rate_schedule="constant",
        batch_size="auto",
        max_iter=200,
        shuffle=True,
        momentum=0.9,
        nesterovs_momentum=True,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        alpha="auto",
        dropout=0.0,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        warm_start=False,
        random_state=None,
        verbose=0,
        dtype=None,
        device="cpu",
        precision="ieee",
        standardize_target=True,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            init=init,
            solver=solver,
            learning_rate=learning_rate,
            learning_rate_schedule=learning_rate_schedule,
            batch_size=batch_size,
            max_iter=max_iter,
            shuffle=shuffle,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            alpha=alpha,
            dropout=dropout,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            warm_start=warm_start,
            random_state=random_state,
            verbose=verbose,
            dtype=dtype,
            device=device,
            precision=precision,
        )
        self.standardize_target = standardize_target

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

    def _encode_targets(self, y, first, classes, dtype, sample_weight=None):
        Y = np.asarray(y, dtype=dtype).reshape(len(y), -1)  # (m, n_outputs)
        if first:
            self.loss_ = "mse"
            self.output_type_ = "continuous" if Y.shape[1] == 1 else "continuous-multioutput"
            self.target_mean_ = self.target_scale_ = None
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
        if getattr(self, "target_scale_", None) is not None:
            Y = (Y - self.target_mean_.astype(dtype)) / self.target_scale_.astype(dtype)
        return np.ascontiguousarray(Y)

    def _unscale(self, AL):
        """Network outputs AL (n_samples, n_outputs) -> predictions in the target's units."""
        if getattr(self, "target_scale_", None) is None:
            return AL
        ops, dtype = ops_for(AL), host_dtype(AL.dtype)
        return AL * ops.from_host(self.target_scale_.astype(dtype)) + ops.from_host(self.target_mean_.astype(dtype))

    def _score_outputs(self, AL, y):
        from sklearn.metrics import r2_score

        AL = self._unscale(AL)
        return float(r2_score(y, AL[:, 0] if AL.shape[1] == 1 and np.ndim(y) == 1 else AL))

    def predict(self, X):
        """Predictions (n_samples,) for one output, (n_samples, n_outputs) otherwise."""
        AL = self._unscale(self._forward(X)[0])
        return AL[:, 0] if self.output_type_ == "continuous" else AL

    def score(self, X, y, sample_weight=None):
        """R^2 of ``predict(X)`` against y (on the host for device arrays)."""
        return host_score(super().score, self, X, y, sample_weight)


__all__ = ["NeuralNetRegressor"]

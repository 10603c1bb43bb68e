"""NeuralNetClassifier: encoding the labels, the sigmoid/softmax output layer, decoding, probabilities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

from .. import core
from .._backend import host
from .._typing import Array, FloatArray, NDArray
from ..engine import ops_for
from .base import BaseNeuralNet
from .sanity import check_labels, check_output_layer
from .scoring import column_or_1d_labels, host_score, hstack

if TYPE_CHECKING:  # typing.Self from Python 3.11 (the annotations are never evaluated at run time)
    from typing_extensions import Self

OUTPUT_VALUES = 1 << 22  # predict's (rows, classes) outputs at most, a block: 32 MB in float64


@dataclass(repr=False, eq=False)  # class_weight joins the parameters of NeuralNetParams
class NeuralNetClassifier(ClassifierMixin, BaseNeuralNet):
    """A fully connected network classifier (binary: one sigmoid unit; multiclass: softmax;
    multilabel: one sigmoid per label). Parameters as scikit-learn's MLPClassifier where it has them;
    see docs/guide/estimators.md."""

    class_weight: Any = None  # None, "balanced" or {label: weight}

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    def fit(self, X: Array, y: Array, sample_weight: Array | None = None) -> Self:
        """Train on X (n_samples, n_features), y (n_samples,) labels or (n_samples, n_labels) indicators."""
        return self._fit(X, y, sample_weight)

    def partial_fit(self, X: Array, y: Array, classes: Array | None = None, sample_weight: Array | None = None) -> Self:
        """One epoch on (X, y); ``classes`` (all labels) is required on the first call."""
        if self.solver == "lbfgs":
            raise ValueError("partial_fit needs a minibatch solver (gd, sgd, rmsprop, adam), not lbfgs")
        if not hasattr(self, "params_") and classes is None and np.ndim(y) == 1:
            raise ValueError(
                "classes must be passed on the first call to partial_fit (all labels that "
                "will ever appear), for example classes=np.unique(y_all)"
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _encode_targets(
        self, y: Array, first: bool, classes: Array | None, dtype: Any, sample_weight: Array | None = None
    ) -> FloatArray:
        if first:
            check_labels(np.asarray(y).ravel())  # before scikit-learn's "Unknown label type" or NumPy's sort
            check_classification_targets(y)
            kind = type_of_target(y)
            if kind == "multilabel-indicator":
                self.classes_: NDArray[Any] = np.arange(y.shape[1])  # sorted labels; here the column indices
                self.output_type_, self.loss_ = kind, "binary_crossentropy"
            else:
                y = column_or_1d(y, warn=True)  # a column vector y gets scikit-learn's DataConversionWarning
                if classes is not None:  # partial_fit's classes=: the same rule as y's
                    check_labels(np.asarray(classes, dtype=object))
                self.classes_ = np.unique(y) if classes is None else np.unique(np.asarray(classes))
                if len(self.classes_) < 2:
                    raise ValueError(
                        f"the target has only one class ({self.classes_[0]!r}); a classifier needs "
                        "samples of at least 2 classes"
                    )
                binary = len(self.classes_) == 2
                self.output_type_ = "binary" if binary else "multiclass"
                self.loss_ = "binary_crossentropy" if binary else "categorical_crossentropy"
        if self.output_type_ == "multilabel-indicator":
            if np.ndim(y) != 2 or y.shape[1] != len(self.classes_):
                raise ValueError(
                    f"expected a multilabel indicator matrix with {len(self.classes_)} columns, "
                    f"got y of shape {np.shape(y)}"
                )
            return np.ascontiguousarray(y, dtype=dtype)
        y = column_or_1d_labels(y)
        unseen = np.setdiff1d(y, self.classes_)
        if unseen.size:
            raise ValueError(
                f"y contains labels {unseen.tolist()} not among the classes {self.classes_.tolist()} "
                "seen at the first fit; pass every label in `classes` to the first partial_fit"
            )
        idx = np.searchsorted(self.classes_, y)
        if first and self.output_type_ == "multiclass":  # before the one-hot (m, K) targets are allocated
            hidden = self._architecture()[0]
            check_output_layer(
                len(self.classes_), len(y), hidden[-1] if hidden else self.n_features_in_, np.dtype(dtype).itemsize
            )
        if self.output_type_ == "binary":
            return (idx == 1).astype(dtype).reshape(-1, 1)  # (m, 1): 1 for classes_[1], as the course's Y
        Y = np.zeros((len(y), len(self.classes_)), dtype=dtype)
        Y[np.arange(len(y)), idx] = 1  # one-hot rows (m, K)
        return Y

    def _class_weights(self, y: Array) -> FloatArray:
        if self.class_weight is None or self.output_type_ == "multilabel-indicator":
            if self.class_weight is not None:
                raise ValueError("class_weight is not supported for multilabel targets; pass sample_weight")
            return np.ones(len(y))
        y = column_or_1d_labels(y)
        # "balanced": n / (n_classes * count) over the classes present in this y; a dict: its weights, 1 elsewhere
        classes = np.unique(y) if self.class_weight == "balanced" else self.classes_
        cw = compute_class_weight(self.class_weight, classes=classes, y=y)
        per_class = dict(zip(classes.tolist(), cw))
        return np.array([per_class[v] for v in y.tolist()], dtype=np.float64)

    def _decode(self, AL: FloatArray) -> NDArray[Any]:
        if self.output_type_ == "multilabel-indicator":
            return (AL > 0.5).astype(int)
        if self.output_type_ == "binary":
            return self.classes_[(AL[:, 0] > 0.5).astype(int)]  # the course's 0.5 threshold
        return self.classes_[np.argmax(AL, axis=1)]

    def _score_outputs(self, AL: FloatArray, y: Array) -> float:
        pred = self._decode(AL)
        if self.output_type_ == "multilabel-indicator":
            return float(np.mean(np.all(pred == y, axis=1)))
        return float(np.mean(pred == column_or_1d_labels(y)))

    def predict(self, X: Array) -> Array:
        """Labels (n_samples,), or indicators (n_samples, n_labels) for multilabel.

        For X on a device the labels are decoded on the host and returned on X's device when numeric.
        A NumPy X whose outputs (n_samples, n_classes) would pass 4M values is decoded in row blocks.
        """
        rows = max(1, OUTPUT_VALUES // max(1, len(getattr(self, "classes_", ()))))  # (unfitted: _forward says so)
        if isinstance(X, np.ndarray) and X.ndim == 2 and len(X) > rows:  # 60,000 classes: 69 rows a block
            return np.concatenate([self.predict(X[i : i + rows]) for i in range(0, len(X), rows)])
        AL = self._forward(X)[0]
        if isinstance(AL, np.ndarray):
            return self._decode(AL)
        labels = self._decode(host(AL))
        return ops_for(AL).from_host(labels) if labels.dtype.kind in "biuf" else labels

    def score(self, X: Array, y: Array, sample_weight: Array | None = None) -> float:
        """Mean accuracy of ``predict(X)`` against y (on the host for device arrays)."""
        return host_score(super().score, self, X, y, sample_weight)

    def predict_proba(self, X: Array) -> Array:
        """Probabilities (n_samples, n_classes), columns in the order of ``classes_``."""
        AL = self._forward(X)[0]
        if self.output_type_ == "binary":
            return hstack([1 - AL, AL])
        return AL

    def predict_log_proba(self, X: Array) -> Array:
        """log predict_proba, from the logits (finite for every finite input)."""
        _, ZL = self._forward(X)
        if self.output_type_ == "binary":
            return -hstack([core.softplus(ZL), core.softplus(-ZL)])  # log(1-p), log p
        if self.output_type_ == "multiclass":
            return core.log_softmax(ZL.T).T
        return -core.softplus(-ZL)

    def decision_function(self, X: Array) -> Array:
        """The logits Z[L]: (n_samples,) for binary, (n_samples, n_classes) otherwise."""
        ZL = self._forward(X)[1]
        return ZL[:, 0] if self.output_type_ == "binary" else ZL


__all__ = ["NeuralNetClassifier"]

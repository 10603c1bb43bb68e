"""Estimators refuse what cannot work, in words (issue 26): overflowing targets, an output layer the data
cannot teach or the machine cannot hold, mixed-type labels, datetime features."""

from __future__ import annotations

import numpy as np
import pytest

from layerwise import NeuralNetClassifier, NeuralNetRegressor
from layerwise.estimators import sanity

X = np.random.RandomState(0).randn(40, 3)


def test_overflowing_target_statistics_are_refused():
    y = X[:, 0] * 1e300
    with pytest.raises(ValueError, match="overflows.*rescale y"):
        NeuralNetRegressor(max_iter=2).fit(X, y)


def test_large_but_finite_targets_still_train():
    model = NeuralNetRegressor(max_iter=2, hidden_layer_sizes=(3,))
    with pytest.warns(Warning):  # (not converged in 2 epochs)
        model.fit(X, X[:, 0] * 1e150)
    assert np.all(np.isfinite(model.target_scale_)) and np.all(np.isfinite(model.predict(X)))


def test_one_class_a_row_is_refused_with_the_override_named(monkeypatch):
    Xw = np.random.RandomState(1).randn(2000, 2)
    y = np.arange(2000)  # 2,000 classes on 2,000 rows
    with pytest.raises(ValueError, match="fewer than 2 examples a class.*LAYERWISE_ALLOW_WIDE_OUTPUT=1"):
        NeuralNetClassifier(max_iter=1, hidden_layer_sizes=(2,)).fit(Xw, y)
    monkeypatch.setenv("LAYERWISE_ALLOW_WIDE_OUTPUT", "1")
    with pytest.warns(Warning):
        model = NeuralNetClassifier(max_iter=1, hidden_layer_sizes=(2,), solver="sgd").fit(Xw, y)
    assert model.layer_dims_[-1] == 2000


def test_an_output_layer_beyond_memory_is_refused_before_it_is_allocated():
    with pytest.raises(ValueError, match=r"need about .* GiB .* this machine has"):
        sanity.check_output_layer(10**6, 10**6, 100, 8)  # one-hot targets alone: 7.3 TiB
    sanity.check_output_layer(10, 1000, 100, 8)  # (an ordinary layer passes)


def test_mixed_type_labels_get_a_message_not_numpys_type_error():
    y = np.array([1, "a"] * 20, dtype=object)
    with pytest.raises(TypeError, match=r"uniformly strings or numbers. Got a mix of \['number', 'str'\]"):
        NeuralNetClassifier(max_iter=1).fit(X, y)


@pytest.mark.parametrize("unit", ["datetime64[s]", "timedelta64[s]"])
def test_datetime_features_are_refused(unit):
    Xd = np.arange(40 * 3).reshape(40, 3).astype(unit)
    with pytest.raises(TypeError, match=f"X has {unit[:-3]}.*Convert them first"):
        NeuralNetRegressor(max_iter=1).fit(Xd, X[:, 0])
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": X[:, 0], "when": pd.date_range("2020-01-01", periods=40)})
    with pytest.raises(TypeError, match="column 'when'"):
        NeuralNetRegressor(max_iter=1).fit(frame, X[:, 0])

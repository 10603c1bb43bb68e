"""scikit-learn's own estimator checks, and the estimators inside scikit-learn's tools."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from layerwise import NeuralNetClassifier, NeuralNetRegressor

ESTIMATORS = [
    NeuralNetClassifier(random_state=0, max_iter=50),  # defaults (adam, (100,), relu)
    NeuralNetRegressor(random_state=0, max_iter=50),
    # the course's full-batch loop; gd needs a step size suited to the checks' unscaled targets
    NeuralNetClassifier(hidden_layer_sizes=(10,), solver="gd", learning_rate=0.1, max_iter=200, random_state=0),
    NeuralNetRegressor(hidden_layer_sizes=(10,), solver="gd", learning_rate=5e-3, max_iter=500, random_state=0),
    NeuralNetClassifier(hidden_layer_sizes=(32,), dropout=0.2, max_iter=200, random_state=0),  # adam + dropout
    NeuralNetRegressor(hidden_layer_sizes=(32,), dropout=0.2, learning_rate=3e-3, max_iter=200, random_state=0),
]

_DROPOUT_REASONS = {
    "check_sample_weight_equivalence_on_dense_data": "dropout draws one random mask per row, so a repeated row and a doubled weight see different masks",
}


# These three checks fit on features of size ~100 (unscaled on purpose). At the learning rate the other
# checks need, full-batch gd's cost grows past 10x its start there, which layerwise stops with
# DivergenceError (docs/guide/estimators.md, "Divergence"); test_divergence.py tests that rule itself.
_GD_REASONS = dict.fromkeys(
    ("check_fit_idempotent", "check_fit_check_is_fitted", "check_n_features_in"),
    "gd's cost grows past 10x its start on this check's unscaled features: DivergenceError",
)


def expected_failed_checks(est):
    return {**(_DROPOUT_REASONS if est.dropout else {}), **(_GD_REASONS if est.solver == "gd" else {})}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _data(kind):
    rng = np.random.RandomState(0)
    X = rng.randn(90, 4) * [1, 10, 100, 0.1]  # unscaled on purpose: the pipeline scales
    if kind == "clf":
        return X, np.array(["a", "b", "c"])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 5)]
    return X, X[:, 0] - 0.02 * X[:, 2]


MLP = {NeuralNetClassifier: MLPClassifier, NeuralNetRegressor: MLPRegressor}


@pytest.mark.parametrize("cls,kind", [(NeuralNetClassifier, "clf"), (NeuralNetRegressor, "reg")])
def test_pipeline_gridsearch_cross_val_clone_pickle(cls, kind):
    X, y = _data(kind)
    # alpha as scikit-learn's default, so both run the same settings (the regressor's "auto" is 2.0)
    settings = dict(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=200, alpha=1e-4, random_state=0)
    est = cls(**settings)
    pipe = make_pipeline(StandardScaler(), est).fit(X, y)
    assert pipe.score(X, y) > 0.9
    grid = GridSearchCV(
        make_pipeline(StandardScaler(), est),
        {"neuralnet" + kind.replace("clf", "classifier").replace("reg", "regressor") + "__alpha": [1e-4, 1e-1]},
        cv=3,
    ).fit(X, y)
    assert len(grid.cv_results_["mean_test_score"]) == 2
    scores = cross_val_score(make_pipeline(StandardScaler(), est), X, y, cv=3)
    # independent: scikit-learn's MLP with the same settings on the same folds (classifier: 0.878 against
    # 0.867, a fold holds 30 points; regressor, a linear target: R^2 0.99997 against 0.9997)
    theirs = cross_val_score(make_pipeline(StandardScaler(), MLP[cls](**settings)), X, y, cv=3)
    assert scores.shape == (3,)
    assert scores.mean() >= theirs.mean() - (0.05 if kind == "clf" else 1e-3)
    fresh = clone(pipe)
    assert not hasattr(fresh[-1], "params_")
    again = pickle.loads(pickle.dumps(pipe))  # trusted use: pickle runs code on load
    np.testing.assert_array_equal(again.predict(X), pipe.predict(X))

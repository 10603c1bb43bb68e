"""Estimator behaviour: bad input, stopping, partial_fit, warm start, weights, dtype, divergence, progress."""

import io
import re
import sys
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from layerwise.estimators import NeuralNetClassifier, NeuralNetRegressor


@pytest.fixture(autouse=True)
def _raise_on_fp_errors():
    with np.errstate(all="raise"):
        yield


def _data(m=60, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(m, 3)
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


# ---------------------------------------------------------------- bad input: scikit-learn's messages
@pytest.mark.parametrize(
    "bad,match",
    [
        (lambda X, y: (np.where(X > 1, np.nan, X), y), "Input X contains NaN"),
        (lambda X, y: (np.where(X > 1, np.inf, X), y), "Input X contains infinity"),
        (lambda X, y: (X[:, 0], y), "Expected 2D array, got 1D array"),
        (lambda X, y: (X[:0], y[:0]), "0 sample"),
        (lambda X, y: (X, y[:-1]), "inconsistent numbers of samples"),
        (lambda X, y: (X, np.zeros_like(y)), "only one class"),
    ],
)
def test_bad_training_input(bad, match):
    X, y = _data()
    Xb, yb = bad(X, y)
    with pytest.raises(ValueError, match=match):
        NeuralNetClassifier(max_iter=2).fit(Xb, yb)


def test_nan_in_regression_target():
    X, y = _data()
    with pytest.raises(ValueError, match="Input y contains NaN"):
        NeuralNetRegressor(max_iter=2).fit(X, np.where(y > 0, np.nan, 1.0))


def test_wrong_feature_count_and_predict_before_fit():
    X, y = _data()
    with pytest.raises(NotFittedError, match="not fitted yet"):
        NeuralNetClassifier().predict(X)
    clf = NeuralNetClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features, but NeuralNetClassifier is expecting 3 features"):
        clf.predict(X[:, :2])


@pytest.mark.parametrize(
    "param,value,match",
    [
        (
            "learning_rate",
            -1.0,
            r"The 'learning_rate' parameter of NeuralNetClassifier must be a float in the range "
            r"\(0.0, inf\)",
        ),
        ("solver", "newton", "The 'solver' parameter of NeuralNetClassifier must be a str among"),
        ("dropout", 1.0, r"The 'dropout' parameter of NeuralNetClassifier must be a float in the range \[0.0, 1.0\)"),
        ("device", "tpu", "The 'device' parameter of NeuralNetClassifier must be a str among"),
        ("hidden_layer_sizes", (4, 0), "hidden_layer_sizes must be positive integers"),
        ("activation", ("relu",), r"activation must be one name or one per hidden layer \(2\)"),
    ],
)
def test_bad_hyperparameter_is_named(param, value, match):
    X, y = _data()
    clf = NeuralNetClassifier(hidden_layer_sizes=(4, 3)).set_params(**{param: value})
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)


# ---------------------------------------------------------------- divergence
def test_divergence_names_the_iteration_and_restores_the_parameters():
    rng = np.random.RandomState(0)
    X = rng.randn(50, 3) * 1e3  # unscaled features
    y = X @ [1.0, 2.0, 3.0]
    reg = NeuralNetRegressor(hidden_layer_sizes=(5,), solver="gd", learning_rate=1.0, max_iter=50, random_state=0)
    with pytest.raises(ValueError, match=r"in epoch (\d+).*smaller learning_rate .*or standardize X") as info:
        reg.fit(X, y)
    i = int(re.search(r"in epoch (\d+)", str(info.value)).group(1)) - 1  # epochs completed before it
    assert len(reg.history_["cost"]) == i and np.all(np.isfinite(reg.history_["cost"]))
    assert all(np.all(np.isfinite(p.W)) for p in reg.params_)
    # the kept parameters are the ones before the failing step: refitting i iterations reproduces them
    again = NeuralNetRegressor(hidden_layer_sizes=(5,), solver="gd", learning_rate=1.0, max_iter=i, random_state=0).fit(
        X, y
    )
    for p, q in zip(reg.params_, again.params_):
        np.testing.assert_array_equal(p.W, q.W)


# ---------------------------------------------------------------- stopping, warnings, schedules
def test_convergence_warning_and_tol_stopping():
    X, y = _data()
    with pytest.warns(ConvergenceWarning, match="max_iter=3"):
        NeuralNetClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(X, y)
    clf = NeuralNetClassifier(
        hidden_layer_sizes=(4,), learning_rate=0.05, tol=1e-2, n_iter_no_change=2, max_iter=500, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ < 500
    # stopped after more than n_iter_no_change epochs without improving the best cost by tol
    c, best, count = clf.loss_curve_, np.inf, 0
    for J in c:
        count = count + 1 if J > best - 1e-2 else 0
        best = min(best, J)
    assert count > 2


def test_gd_runs_exactly_max_iter_without_warning():
    X, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = NeuralNetClassifier(hidden_layer_sizes=(3,), solver="gd", learning_rate=0.1, max_iter=40).fit(X, y)
    assert clf.n_iter_ == 40


def test_adaptive_schedule_divides_the_rate_by_five():
    X, y = _data()
    clf = NeuralNetClassifier(
        hidden_layer_sizes=(3,),
        solver="sgd",
        learning_rate_schedule="adaptive",
        learning_rate=0.1,
        tol=10.0,
        n_iter_no_change=1,
        max_iter=100,
        random_state=0,
    ).fit(X, y)
    # tol=10: only the first epoch counts as an improvement; every second epoch after it exceeds
    # n_iter_no_change=1 and divides the rate by 5: 0.1 / 5^8 < 1e-6 after 8 drops (epochs 3, 5, ..., 17),
    # and the 9th trigger (epoch 19) stops training
    assert clf.train_state_.learning_rate < 1e-6 <= clf.train_state_.learning_rate * 5
    assert clf.n_iter_ == 1 + 2 * 9


def test_early_stopping_restores_the_best_validated_weights():
    X, y = _data(300)
    clf = NeuralNetClassifier(
        hidden_layer_sizes=(8,),
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=5,
        learning_rate=0.01,
        max_iter=300,
        random_state=0,
    ).fit(X, y)
    scores, costs = clf.validation_scores_, clf.history_["val_cost"]
    assert len(scores) == clf.n_iter_ == len(costs)
    best = int(np.argmin(costs))  # the epoch of least validation cost (smooth), not of the best accuracy (steps)
    assert clf.best_validation_score_ == scores[best]
    # stopped after more than n_iter_no_change epochs without improving the best validation cost by tol
    assert clf.n_iter_ < 300 and clf.n_iter_ - 1 - best > 5
    # validation set: a stratified 20% (60 rows); the restored weights are the best epoch's: their
    # cross-entropy on it (scikit-learn's log_loss) is the least validation cost, their accuracy its score
    from sklearn.metrics import log_loss
    from sklearn.model_selection import train_test_split
    from sklearn.utils import check_random_state

    rs = check_random_state(0)
    rs.standard_normal((8, 3)), rs.standard_normal((1, 8))  # the initial draws come first
    _, X_val, _, y_val = train_test_split(X, y, random_state=rs, test_size=0.2, stratify=y)
    assert log_loss(y_val, clf.predict_proba(X_val)) == pytest.approx(costs[best], rel=1e-12)
    assert clf.score(X_val, y_val) == clf.best_validation_score_


# ---------------------------------------------------------------- incremental training
def test_partial_fit_needs_classes_then_learns():
    X, y = _data(200)
    clf = NeuralNetClassifier(hidden_layer_sizes=(8,), learning_rate=0.01, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    for _ in range(30):
        clf.partial_fit(X[:100], y[:100], classes=[0, 1])
        clf.partial_fit(X[100:], y[100:])
    assert clf.n_iter_ == 60 and clf.score(X, y) > 0.9
    with pytest.raises(ValueError, match="not among the classes"):
        clf.partial_fit(X[:5], np.full(5, 7))


def test_warm_start_continues_with_optimizer_state():
    X, y = _data(100)
    kw = dict(
        hidden_layer_sizes=(6,),
        solver="adam",
        learning_rate=0.01,
        batch_size=100,
        shuffle=False,
        tol=0.0,
        n_iter_no_change=1000,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        once = NeuralNetClassifier(**kw, max_iter=20).fit(X, y)
        twice = NeuralNetClassifier(**kw, max_iter=10, warm_start=True).fit(X, y)
        twice.fit(X, y)
    assert twice.n_iter_ == 20
    np.testing.assert_allclose(twice.loss_curve_, once.loss_curve_, rtol=1e-13)
    for p, q in zip(once.params_, twice.params_):
        np.testing.assert_allclose(p.W, q.W, rtol=1e-13)


# ---------------------------------------------------------------- weights, outputs, dtype
def test_class_weight_balanced_equals_explicit_sample_weight():
    X, y = _data(90)
    y[:20] = 1
    kw = dict(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=50, random_state=0)
    a = NeuralNetClassifier(**kw, class_weight="balanced").fit(X, y)
    n0, n1 = np.bincount(y)
    w = np.where(y == 0, len(y) / (2 * n0), len(y) / (2 * n1))
    b = NeuralNetClassifier(**kw).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-10)


def test_multilabel_and_activation_per_layer():
    X, y = _data(120)
    Y = np.c_[y, X[:, 2] > 0, X[:, 0] > 1].astype(int)
    clf = NeuralNetClassifier(
        hidden_layer_sizes=(16, 8), activation=("tanh", "relu"), solver="lbfgs", max_iter=300, random_state=0
    ).fit(X, Y)
    assert clf.output_type_ == "multilabel-indicator" and clf.loss_ == "binary_crossentropy"
    assert clf.activations_ == ["tanh", "relu"]
    assert clf.predict(X).shape == (120, 3) and clf.predict_proba(X).shape == (120, 3)
    assert clf.score(X, Y) > 0.9


@pytest.mark.parametrize(
    "dtype_in,param,expected",
    [
        (np.float32, None, np.float32),
        (np.float64, None, np.float64),
        (np.float64, "float32", np.float32),
        (np.int64, None, np.float64),
    ],
)
def test_dtype_policy(dtype_in, param, expected):
    X, y = _data()
    clf = NeuralNetClassifier(hidden_layer_sizes=(4,), max_iter=2, dtype=param, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit((X * 3).astype(dtype_in), y)
    assert all(p.W.dtype == expected and p.b.dtype == expected for p in clf.params_)
    assert clf.predict_proba(X.astype(dtype_in)).dtype == expected


def test_logistic_regression_summary_and_coefs_orientation():
    X, y = _data()
    clf = NeuralNetClassifier(hidden_layer_sizes=(), solver="lbfgs", random_state=0).fit(X, y)
    assert clf.layer_dims_ == [3, 1] and clf.params_[0].W.shape == (1, 3)
    text = clf.summary(m=60)
    assert "(1, 3)" in text and "(1, 60)" in text and "total parameters: 4" in text
    from sklearn.neural_network import MLPClassifier

    sk = MLPClassifier(hidden_layer_sizes=(), solver="lbfgs").fit(X, y)
    assert sk.coefs_[0].shape == clf.params_[0].W.T.shape  # params_ is the transpose of coefs_


# ---------------------------------------------------------------- progress
def test_no_progress_output_when_not_a_terminal(capsys, monkeypatch):
    X, y = _data()
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a tty
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        NeuralNetClassifier(hidden_layer_sizes=(3,), max_iter=5, verbose=1).fit(X, y)
    assert sys.stderr.getvalue() == ""
    assert capsys.readouterr().out == ""


def test_progress_bar_on_a_terminal_and_lines_with_verbose_2(capsys, monkeypatch):
    from layerwise import progress

    class TTY(io.StringIO):
        def isatty(self):
            return True

    X, y = _data()
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    assert progress.bar_enabled(TTY()) and not progress.bar_enabled(io.StringIO())
    monkeypatch.setenv("TQDM_DISABLE", "1")
    assert not progress.bar_enabled(TTY())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        NeuralNetClassifier(hidden_layer_sizes=(3,), max_iter=4, verbose=2).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and lines[0].startswith("Iteration 1, cost = ")


def test_progress_bar_is_drawn_when_enabled(monkeypatch):
    from layerwise import progress

    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(progress, "bar_enabled", lambda stream=None: True)
    X, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        NeuralNetClassifier(hidden_layer_sizes=(3,), max_iter=4, verbose=1, early_stopping=True, random_state=0).fit(
            X, y
        )
    out = err.getvalue()
    assert "4/4" in out and "cost=" in out and "val_score=" in out


def test_prediction_in_chunks_equals_one_pass(monkeypatch):
    import layerwise.estimators.base as base

    X, y = _data(100)
    clf = NeuralNetClassifier(hidden_layer_sizes=(5,), solver="lbfgs", random_state=0).fit(X, y)
    whole = clf.predict_proba(X)
    monkeypatch.setattr(base, "PREDICT_CHUNK", 7)
    np.testing.assert_allclose(clf.predict_proba(X), whole, rtol=1e-14)


def test_class_weight_dict_scales_the_examples_of_a_class():
    X, y = _data(80)
    kw = dict(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=50, random_state=0)
    a = NeuralNetClassifier(**kw, class_weight={1: 3.0}).fit(X, y)
    b = NeuralNetClassifier(**kw).fit(X, y, sample_weight=np.where(y == 1, 3.0, 1.0))
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-10)


def test_progress_bar_stays_on_in_a_notebook_kernel(monkeypatch):
    """A Jupyter kernel's stderr is no terminal, but there tqdm.auto draws a widget: the bar stays on."""
    import sys
    import types

    from layerwise import progress

    class Kernel:
        config = {"IPKernelApp": {}}

    fake = types.SimpleNamespace(get_ipython=lambda: Kernel())
    monkeypatch.setitem(sys.modules, "IPython", fake)
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    assert progress.bar_enabled()
    monkeypatch.setenv("TQDM_DISABLE", "1")
    assert not progress.bar_enabled()
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: None))
    monkeypatch.delenv("TQDM_DISABLE")
    assert not progress.bar_enabled()  # plain IPython in a pipe, or a script: stderr decides

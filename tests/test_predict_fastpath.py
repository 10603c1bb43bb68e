"""Prediction's quick input check (estimators/fastcheck.py) against scikit-learn's validate_data path.

The quick path must give the very same predictions as the full one, and every input it refuses must end
in scikit-learn's own error (same type, same message) saying what was expected and what came.
"""

import warnings

import numpy as np
import pytest
from sklearn.utils.validation import validate_data

import layerwise.estimators.base as base
from layerwise import core
from layerwise.engine.ops import all_finite
from layerwise.estimators import NeuralNetClassifier, NeuralNetRegressor
from layerwise.estimators.fastcheck import quick_rows


@pytest.fixture(autouse=True)
def _raise_on_fp_errors():
    with np.errstate(all="raise"):
        yield


def _fitted(cls=NeuralNetClassifier, dtype=None, **kw):
    rng = np.random.RandomState(0)
    X = rng.randn(80, 4)
    y = (X[:, 0] - X[:, 2] > 0).astype(int) if cls is NeuralNetClassifier else X @ [1.0, -2.0, 0.5, 0.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(hidden_layer_sizes=(6, 5), max_iter=20, random_state=0, dtype=dtype, **kw).fit(X, y), X


@pytest.fixture
def counted(monkeypatch):
    """How often prediction fell back to scikit-learn's validate_data."""
    calls = []

    def spy(*args, **kwargs):
        calls.append(type(args[1]).__name__)
        return validate_data(*args, **kwargs)

    monkeypatch.setattr(base, "validate_data", spy)
    return calls


def _slow_only(monkeypatch):
    monkeypatch.setattr(base, "quick_rows", lambda est, X, dtype: None)


@pytest.mark.parametrize("dtype", [None, "float32"])
@pytest.mark.parametrize("layout", ["C", "F", "int", "other float"])
def test_quick_path_equals_the_validate_data_path(dtype, layout, counted, monkeypatch):
    clf, X = _fitted(dtype=dtype)
    counted.clear()  # fit's own call
    X = {
        "C": X,
        "F": np.asfortranarray(X),
        "int": np.round(3 * X).astype(np.int64),
        "other float": X.astype(np.float32 if dtype is None else np.float64),
    }[layout]
    quick = [clf.predict_proba(X), clf.decision_function(X), clf.predict(X)]
    assert counted == []  # no validate_data: the quick path was taken
    _slow_only(monkeypatch)
    slow = [clf.predict_proba(X), clf.decision_function(X), clf.predict(X)]
    assert len(counted) == 3
    for a, b in zip(quick, slow):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_predictions_equal_the_core_forward_pass():
    # an independent reference: the course's column-layout forward pass of the same parameters
    for dtype, rtol in ((None, 1e-12), ("float32", 1e-5)):
        reg, X = _fitted(NeuralNetRegressor, dtype=dtype, activation="tanh", standardize_target=False)
        X = X.astype(reg.params_[0].W.dtype)
        AL, _ = core.model_forward(X.T, reg.params_, reg.activations_, reg.loss_)
        # an output near 0 is a sum that cancelled: its error is on the scale of the outputs, not its own
        # (float32 with another BLAS kernel: 1.5e-8 on 1.2e-4, relative 1.3e-4)
        np.testing.assert_allclose(reg.predict(X), AL[0], rtol=rtol, atol=rtol * np.abs(AL).max())
        clf, _ = _fitted(dtype=dtype, activation="logistic")  # sigmoid hidden layers and output
        AL, _ = core.model_forward(X.T, clf.params_, clf.activations_, clf.loss_)
        np.testing.assert_allclose(clf.predict_proba(X)[:, 1], AL[0], rtol=rtol, atol=rtol * np.abs(AL).max())


@pytest.mark.parametrize(
    "make",
    [
        lambda X: X.tolist(),  # a list of rows
        lambda X: X.repeat(2, axis=1)[:, ::2],  # not contiguous
        lambda X: X.astype(X.dtype.newbyteorder()),  # big-endian
        lambda X: X > 0,  # booleans
    ],
)
def test_other_inputs_take_the_validate_data_path(make, counted, monkeypatch):
    clf, X = _fitted()
    counted.clear()  # fit's own call
    Xo = make(X)
    got = clf.predict_proba(Xo)
    assert len(counted) == 1
    np.testing.assert_array_equal(got, clf.predict_proba(np.asarray(Xo, dtype=np.float64)))


def test_an_ndarray_subclass_gets_scikit_learns_answer(counted):
    clf, X = _fitted()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        M = np.asmatrix(X)
    with pytest.raises(TypeError, match="np.matrix is not supported"):
        clf.predict(M)


def test_a_model_with_feature_names_still_warns_for_a_bare_array(counted):
    pd = pytest.importorskip("pandas")
    clf, X = _fitted()
    clf.fit(pd.DataFrame(X, columns=list("abcd")), clf.predict(X))
    counted.clear()  # the calls of fit and of the predict that made its labels
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        clf.predict(X)
    assert counted == ["ndarray"]


BAD = {  # input -> what the message must say: what was expected and what came
    "3 columns": (lambda X: X[:, :3], r"X has 3 features, but NeuralNetClassifier is expecting 4 features"),
    "NaN": (lambda X: np.where(X > 1, np.nan, X), r"Input X contains NaN"),
    "inf": (lambda X: np.where(X > 1, -np.inf, X), r"Input X contains infinity"),
    "too large for float32": (lambda X: X * 1e300, r"infinity or a value too large for dtype\('float32'\)"),
    "1-D": (lambda X: X[0], r"(?s)Expected 2D array, got 1D array instead.*Reshape your data"),
    "no rows": (lambda X: X[:0], r"Found array with 0 sample\(s\) \(shape=\(0, 4\)\) while a minimum of 1"),
    # scikit-learn >= 1.7 words it "while dim <= 2 is required", 1.6 "NeuralNetClassifier expected <= 2"
    "3-D": (
        lambda X: X[None],
        r"Found array with dim 3(, while dim <= 2 is required|\. NeuralNetClassifier expected <= 2)",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_refused_input_gets_scikit_learns_own_error(case, monkeypatch):
    clf, X = _fitted(dtype="float32" if case == "too large for float32" else None)
    make, says = BAD[case]
    Xb = make(X)
    with np.errstate(all="ignore"):  # as users run: scikit-learn's cast of 1e300 to float32 may warn, not raise
        with pytest.raises(ValueError, match=says) as quick:
            clf.predict_proba(Xb)
        _slow_only(monkeypatch)
        with pytest.raises(ValueError) as slow:
            clf.predict_proba(Xb)
    assert type(quick.value) is type(slow.value) and str(quick.value) == str(slow.value)


def test_quick_rows_keeps_a_matrix_of_the_models_dtype_without_copy():
    clf, X = _fitted()
    assert quick_rows(clf, X, np.dtype(np.float64)) is X
    F = quick_rows(clf, np.asfortranarray(X), np.dtype(np.float32))
    assert F.dtype == np.float32 and F.flags.f_contiguous
    assert quick_rows(clf, X[:, :3], np.dtype(np.float64)) is None


@pytest.mark.parametrize("shape", [(1, 3), (300, 700), (700, 300)])
@pytest.mark.parametrize("order", ["C", "F"])
def test_all_finite_finds_every_bad_value(shape, order):
    rng = np.random.RandomState(1)
    A = np.asarray(rng.randn(*shape), order=order)
    assert all_finite(A) and np.isfinite(A).all()
    for i in (0, A.size // 2, A.size - 1):  # first, middle and last value (the last block is short)
        for bad in (np.nan, np.inf, -np.inf):
            B = A.copy(order=order)
            B.flat[i] = bad
            assert not all_finite(B)

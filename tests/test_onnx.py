"""ONNX export: onnx's reference evaluator on the exported graph gives layerwise's predictions."""

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx.reference import ReferenceEvaluator  # noqa: E402

import layerwise  # noqa: E402
from layerwise.estimators import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


RNG = np.random.default_rng(1)
X = RNG.standard_normal((60, 4))
CASES = {
    "binary-relu": (NeuralNetClassifier(hidden_layer_sizes=(8, 5)), (X[:, 0] * X[:, 1] > 0).astype(int)),
    "binary-str-tanh": (
        NeuralNetClassifier(hidden_layer_sizes=(6,), activation="tanh"),
        np.where(X[:, 0] > 0, "cat", "non-cat"),
    ),
    "multiclass-sigmoid": (
        NeuralNetClassifier(hidden_layer_sizes=(6,), activation="sigmoid"),
        np.array([10, 20, 30])[RNG.integers(0, 3, 60)],
    ),
    "multilabel-leaky": (
        NeuralNetClassifier(hidden_layer_sizes=(6,), activation="leaky_relu"),
        (X[:, :3] > 0).astype(int),
    ),
    "logistic": (NeuralNetClassifier(hidden_layer_sizes=()), X[:, 2] > 0),
    "regression-linear": (NeuralNetRegressor(hidden_layer_sizes=(5,), activation="linear"), X @ [1.0, 2, 3, 4]),
    "regression-multi": (NeuralNetRegressor(hidden_layer_sizes=(5, 3), activation="tanh"), X[:, :2] ** 2),
}


@pytest.mark.parametrize("dtype, atol", [(np.float32, 1e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("name", CASES)
def test_reference_evaluator_matches_layerwise(tmp_path, name, dtype, atol):
    est, y = CASES[name]
    X_ = X.astype(dtype)
    model = est.set_params(max_iter=30, random_state=0, learning_rate=0.01).fit(X_, y)
    path = layerwise.export_onnx(model, tmp_path / "model.onnx")
    proto = onnx.load(path)
    onnx.checker.check_model(proto)
    assert {n.op_type for n in proto.graph.node} <= {
        "MatMul",
        "Add",
        "Relu",
        "Tanh",
        "Sigmoid",
        "Mul",
        "Max",
        "Identity",
        "Softmax",
        "ArgMax",
        "Gather",
        "Greater",
        "Cast",
        "Sub",
        "Concat",
        "Reshape",
    }
    outputs = dict(zip([o.name for o in proto.graph.output], ReferenceEvaluator(proto).run(None, {"X": X_})))
    if isinstance(model, NeuralNetClassifier):
        proba = model.predict_proba(X_)
        assert outputs["probabilities"].dtype == dtype and outputs["probabilities"].shape == proba.shape
        np.testing.assert_allclose(outputs["probabilities"], proba, rtol=0, atol=atol)
        expected = model.predict(X_)
        assert outputs["label"].shape == expected.shape
        assert outputs["label"].tolist() == expected.tolist()
    else:
        expected = model.predict(X_)
        assert outputs["predictions"].shape == expected.shape
        np.testing.assert_allclose(outputs["predictions"], expected, rtol=0, atol=atol * max(1, abs(expected).max()))


def test_weights_are_the_transposed_course_weights(tmp_path):
    model = NeuralNetClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0).fit(X, X[:, 0] > 0)
    proto = onnx.load(layerwise.export_onnx(model, tmp_path / "m.onnx"))
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in proto.graph.initializer}
    np.testing.assert_array_equal(inits["W1T"], model.params_[0].W.T)  # X (N, n_x) @ W[1]^T
    np.testing.assert_array_equal(inits["b1T"], model.params_[0].b.T)


def test_missing_onnx_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "onnx", None)
    from layerwise.io.onnx_export import to_onnx

    with pytest.raises(ImportError, match=r"pip install 'layerwise\[onnx\]'"):
        to_onnx(object())

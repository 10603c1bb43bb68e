"""A model file is the whole model: trained by the command line, it predicts right once loaded in Python.

As a new user meets it: `layerwise train --scale standard` in a subprocess, then the same raw columns
through `layerwise predict`, `layerwise.load(...).predict` (arrays and DataFrames, columns in any order)
and the ONNX export all give the same predictions. The independent reference is the network applied
to scikit-learn's own StandardScaler fitted on the same training rows.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import StandardScaler
from userland import digits_files, layerwise_cmd

import layerwise

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("ignore:X does not have valid feature names:UserWarning"),
]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    d = tmp_path_factory.mktemp("whole")
    X_test, y_test = digits_files(d)
    r = layerwise_cmd(
        "train",
        "train.csv",
        "--target",
        "label",
        "--scale",
        "standard",
        "--hidden",
        "32",
        "--epochs",
        "60",
        "--seed",
        "0",
        "--verbose",
        "0",
        "--out",
        "model.safetensors",
        cwd=d,
    )
    assert r.returncode == 0, r.stderr
    return d, X_test, y_test


def _frame(d, name):
    return pd.read_csv(d / name)


def test_loaded_model_predicts_raw_columns_like_the_command_line(trained):
    d, X_test, y_test = trained
    r = layerwise_cmd("predict", "model.safetensors", "new.csv", "--out", "pred.csv", cwd=d)
    assert r.returncode == 0, r.stderr
    cli = pd.read_csv(d / "pred.csv")["prediction"].to_numpy()
    model = layerwise.load(d / "model.safetensors")
    new = _frame(d, "new.csv")
    np.testing.assert_array_equal(model.predict(new), cli)
    # the independent reference: scikit-learn's scaler fitted on the training rows (the constant pixels,
    # which the table pipeline leaves out, dropped), then the bare network
    train = _frame(d, "train.csv").drop(columns="label")
    used = [c for c in train.columns if train[c].nunique() > 1]
    assert list(model[0].numeric_) == used
    scaler = StandardScaler().fit(train[used].to_numpy())
    bare = layerwise.load(d / "model.safetensors")[-1]
    np.testing.assert_array_equal(bare.predict(scaler.transform(new[used].to_numpy())), cli)
    score = model.score(new, y_test)
    assert score == np.mean(cli == y_test) and score > 0.85  # the loaded model scored 0.54
    r = layerwise_cmd("evaluate", "model.safetensors", "test.csv", cwd=d)
    assert r.returncode == 0 and f"Accuracy:   {score:.4f}" in r.stdout, r.stdout + r.stderr


def test_feature_names_restored_and_columns_matched_by_name(trained):
    d, X_test, y_test = trained
    model = layerwise.load(d / "model.safetensors")
    new = _frame(d, "new.csv")
    assert list(model.feature_names_in_) == list(new.columns)
    expected = model.predict(new)
    shuffled = new[list(reversed(new.columns))]
    np.testing.assert_array_equal(model.predict(shuffled), expected)  # reordered columns work
    np.testing.assert_array_equal(model.predict_proba(shuffled), model.predict_proba(new))
    np.testing.assert_array_equal(model.predict(_frame(d, "test.csv")), expected)  # an extra column is left out
    with pytest.raises(ValueError, match=r"no column 'p3', 'p41' in the table"):
        model.predict(new.drop(columns=["p3", "p41"]))
    np.testing.assert_array_equal(model.predict(X_test), expected)  # an array: the 64 columns, in order


def test_onnx_export_carries_the_scaler(trained):
    onnx = pytest.importorskip("onnx")
    from onnx.reference import ReferenceEvaluator

    d, X_test, _ = trained
    model = layerwise.load(d / "model.safetensors")
    path = layerwise.export_onnx(model, d / "model.onnx")
    feed = {n: X_test[:, int(n[1:])].reshape(-1, 1) for n in model[0].numeric_}  # one input per used column
    proba, label = ReferenceEvaluator(onnx.load(path)).run(["probabilities", "label"], feed)
    np.testing.assert_array_equal(label, model.predict(X_test))
    np.testing.assert_allclose(proba, model.predict_proba(X_test), rtol=0, atol=1e-12)


def test_python_save_with_a_scaler_round_trips_raw_columns(tmp_path):
    from sklearn.preprocessing import MinMaxScaler

    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 3)) * [1, 100, 0.01]
    y = X[:, 0] + X[:, 1] / 100 > 0
    scaler = MinMaxScaler(clip=True).fit(X)
    net = layerwise.NeuralNetClassifier(hidden_layer_sizes=(5,), max_iter=20, random_state=0).fit(
        scaler.transform(X), y
    )
    layerwise.save(net, tmp_path / "m.safetensors", preprocessing=scaler)
    loaded = layerwise.load(tmp_path / "m.safetensors")
    X_new = X * 1.5  # partly outside the training range: the clip matters
    np.testing.assert_array_equal(loaded.predict_proba(X_new), net.predict_proba(scaler.transform(X_new)))
    pytest.importorskip("onnx")
    from onnx.reference import ReferenceEvaluator

    proto = layerwise.io.to_onnx(loaded)
    (proba,) = ReferenceEvaluator(proto).run(["probabilities"], {"X": X_new})
    np.testing.assert_allclose(proba, loaded.predict_proba(X_new), rtol=0, atol=1e-12)

"""The playground's server side: settings schema, data, the session against the estimators and the core,
export, and the WebSocket's safety rules (origin, validation, a closed page stops training)."""

import io
import json
import warnings
from contextlib import redirect_stdout

import numpy as np
import pytest

import layerwise
from layerwise import core
from layerwise.datasets import make_flower
from layerwise.playground import data as pdata
from layerwise.playground.export import estimator_class, estimator_params, model_bytes, snippet
from layerwise.playground.session import RES, Session, _to_bytes
from layerwise.playground.settings import DEFAULTS, PRESETS, parse, schema


def values(**changes):
    return parse({**DEFAULTS, **changes})


# ------------------------------------------------------------ settings
def test_defaults_parse_and_schema_is_json():
    v = parse({})
    assert v["hidden"] == [4] and v["features"] == ["x1", "x2"] and v["activation"] == "tanh"
    assert json.loads(json.dumps(schema()))["fields"][0]["name"] == "dataset"
    for _name, preset in PRESETS.items():
        parse({**DEFAULTS, **preset})  # every preset is a valid setting


@pytest.mark.parametrize(
    "raw, word",
    [
        ({"hidden": "100000,100000"}, "hidden"),
        ({"hidden": "1,1,1,1,1,1,1"}, "at most 6"),
        ({"hidden": "8,x"}, "layer 2"),
        ({"hidden": 8}, "hidden"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"learning_rate": float("nan")}, "learning_rate"),
        ({"points": True}, "points"),
        ({"points": 5001}, "points"),
        ({"points": 10.5}, "points"),
        ({"dataset": "../../etc/passwd"}, "dataset"),
        ({"features": ""}, "features"),
        ({"features": "x1,x3"}, "features"),
        ({"activations": "tanh,relu"}, "activations"),
        ({"evil": 1}, "unknown"),
        ({"show_test": "yes"}, "show_test"),
    ],
)
def test_refused_settings_name_the_setting(raw, word):
    with pytest.raises(ValueError, match=word):
        parse(raw)
    with pytest.raises(ValueError):
        parse([1, 2])


# ------------------------------------------------------------ data
@pytest.mark.parametrize("name", list(pdata.DATASETS))
def test_every_dataset_draws_the_points_asked_for(name):
    d = pdata.make_dataset(
        name, points=200, noise=0.1, train_ratio=0.75, data_seed=3, features_=["x1", "x2", "x1^2", "x1x2", "sin_x2"]
    )
    assert len(d.y_train) == 150 and len(d.y_test) == 50
    assert d.X_train.shape == (150, 5) and np.all(np.isfinite(d.X_train))
    np.testing.assert_array_equal(d.X_train[:, 2], d.P_train[:, 0] ** 2)
    np.testing.assert_array_equal(d.X_train[:, 4], np.sin(d.P_train[:, 1]))
    if d.task == "classification":
        assert set(np.unique(d.y_train)) == {0, 1}
    assert np.abs(d.P_train).max() <= d.extent
    again = pdata.make_dataset(name, points=200, noise=0.1, train_ratio=0.75, data_seed=3, features_=["x1"])
    np.testing.assert_array_equal(again.P_test, d.P_test)  # the seed fixes the data


def test_flower_with_every_point_training_is_the_course_flower():
    d = pdata.make_dataset("flower", 400, 0.2, 1.0, 1, ["x1", "x2"])
    X, y = make_flower()
    np.testing.assert_array_equal(d.X_train, X)
    np.testing.assert_array_equal(d.y_train, y)


def test_csv_is_parsed_as_numbers_only():
    P, y, task = pdata.parse_csv("a,b,label\n1,2,cat\n3,4,dog\n".replace("cat", "0").replace("dog", "1"))
    assert task == "classification" and P.shape == (2, 2) and list(y) == [0, 1]
    P, y, task = pdata.parse_csv("0,0,0.5\n1,1,1.5\n2,2,3\n")
    assert task == "regression" and list(y) == [0.5, 1.5, 3]
    for text, word in [
        ("1,2,0\n=cmd|' /C calc'!A0,2,1\n", "not a number"),
        ("1,2\n", "columns"),
        ("x,y,z\n", "data rows"),
        ("1,2,nan\n3,4,1\n", "NaN"),
        ("1,2,0\n" * 1_000_000, "larger than 5 MB"),
    ]:
        with pytest.raises(ValueError, match=word):
            pdata.parse_csv(text)


# ------------------------------------------------------------ the session against the library
CASES = [
    dict(optimizer="gd", hidden="8,8", activation="tanh", init="xavier", learning_rate=0.3),
    dict(optimizer="sgd", hidden="6", activation="relu", init="he", learning_rate=0.05, batch_size=16, l2=0.01),
    dict(
        optimizer="rmsprop",
        hidden="5,3",
        activations="sigmoid,leaky_relu",
        init="xavier",
        learning_rate=0.01,
        batch_size=50,
    ),
    dict(
        optimizer="adam",
        hidden="8",
        activation="tanh",
        init="random",
        learning_rate=0.01,
        batch_size=32,
        dropout=0.2,
        dataset="xor",
        features="x1,x2,x1x2",
    ),
    dict(
        optimizer="adam",
        hidden="8",
        activation="tanh",
        init="xavier",
        learning_rate=0.01,
        batch_size=20,
        dataset="bump",
        train_ratio=0.8,
    ),
    dict(optimizer="gd", hidden="", init="zeros", learning_rate=0.5, dataset="circles", features="x1^2,x2^2"),
]


@pytest.mark.parametrize("case", CASES)
def test_session_trains_what_the_estimator_trains(case):
    s = Session(values(**case))
    s.step(12)
    est = estimator_class(s.task)(**estimator_params(s.values, 12, s.task))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(s.data.X_train, s.data.y_train)
    for p, q in zip(s.params(), est.params_):
        np.testing.assert_allclose(p.W, q.W, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(p.b, q.b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(s.state.history["cost"], est.loss_curve_, rtol=1e-12)
    info, _ = s.frame()
    acts = s.activations
    _, caches = core.model_forward(s.X.T, est.params_, acts, s.loss)
    assert info["train_loss"] == pytest.approx(core.compute_cost(caches, s.Y.T, s.loss), rel=1e-12)
    if s.task == "classification":
        assert info["test_accuracy"] == pytest.approx(est.score(s.data.X_test, s.data.y_test), abs=1e-12)


def test_heatmaps_are_the_core_forward_pass_over_the_plane():
    s = Session(values(hidden="3,2", activation="tanh", init="xavier"))
    s.step(5)
    _, maps = s.frame()
    AL, caches = core.model_forward(s.grid.T, s.params(), s.activations, s.loss)
    expected = [_to_bytes(2 * AL[0] - 1), _to_bytes(caches[1].linear.A_prev), _to_bytes(caches[2].linear.A_prev)]
    got = np.frombuffer(maps, np.uint8)
    assert got.size == RES * RES * (1 + 3 + 2)
    # a pixel may differ by one level where a value sits on a rounding boundary of the byte scale
    assert np.abs(got.astype(int) - np.concatenate([e.ravel() for e in expected]).astype(int)).max() <= 1


def test_zeros_initialization_keeps_every_unit_of_a_layer_identical():
    s = Session(parse({**DEFAULTS, **PRESETS["zeros"]}))
    s.step(30)
    for p in s.params()[:-1]:
        assert np.ptp(p.W, axis=0).max() == 0 and np.ptp(p.b) == 0  # every row (unit) the same
        assert np.abs(p.W).max() > 1e-3  # ... and they did learn: the symmetry, not a frozen network
    _, maps = s.frame()
    units = np.frombuffer(maps, np.uint8).reshape(-1, RES * RES)[1:5]
    assert (units == units[0]).all()


def test_course_preset_reaches_the_tutorials_accuracy():
    s = Session(parse({**DEFAULTS, **PRESETS["course"]}))
    s.step(7500)
    X, Y = make_flower(layout="course")
    params, _ = core.train(
        X,
        Y,
        [2, 4, 1],
        activations="tanh",
        loss="binary_crossentropy",
        learning_rate=1.2,
        num_iterations=7500,
        init="random",
        random_state=2,
    )
    for p, q in zip(s.params(), params):  # held to the core where the run is not yet rounding-chaotic
        np.testing.assert_allclose(p.W, q.W, rtol=1e-9, atol=1e-12)
    s.step(2500)
    info, _ = s.frame()
    assert s.epoch == 10000 and 0.89 <= info["train_accuracy"] <= 0.92  # the tutorial: 90.5%


def test_gradient_check_on_trained_tanh_weights_passes():
    s = Session(values(hidden="5,3", activation="tanh", init="xavier", learning_rate=0.3))
    s.step(20)
    assert s.gradient_check() < 1e-7
    s.net.W[0][0, 0] += 0  # the check reads the live parameters, not a stale copy
    assert s.gradient_check() == core.check_network(s.X[:100].T, s.Y[:100].T, s.params(), "tanh")


def test_export_loads_and_the_snippet_retrains_the_same_run(tmp_path):
    s = Session(
        values(
            hidden="6",
            activation="tanh",
            optimizer="adam",
            learning_rate=0.02,
            batch_size=25,
            dataset="moons",
            train_ratio=0.7,
        )
    )
    s.step(15)
    path = tmp_path / "m.safetensors"
    path.write_bytes(model_bytes(s))
    model = layerwise.load(path)
    AL, _ = core.model_forward(s.X_test.T, s.params(), s.activations, s.loss)
    np.testing.assert_allclose(model.predict_proba(s.X_test)[:, 1], AL[0], rtol=1e-12)
    assert model.n_iter_ == 15
    scope = {}
    with redirect_stdout(io.StringIO()) as out:
        exec(compile(snippet(s), "snippet.py", "exec"), scope)
    for p, q in zip(scope["model"].params_, s.params()):
        np.testing.assert_allclose(p.W, q.W, rtol=1e-12)
    assert "test score" in out.getvalue()

"""layerwise.course.week2 against the week 2 notebook's published values, a hand computation and the core.

The cases are the ones the course's public unit tests check (inputs and expected values taken as facts,
in our own test code); each function is also held to the ``layerwise.core`` function that computes the
same thing.
"""

import re

import numpy as np
import pytest

from layerwise import core, course
from layerwise.core import LayerParams
from layerwise.course import week2
from layerwise.datasets import load_catvnoncat

# the course's propagate case (3 features, 4 examples) and its published gradients and cost
W3, B3 = np.array([[1.0], [2.0], [-1.0]]), 2.5
X34 = np.array([[1.0, 2.0, -1.0, 0.0], [3.0, 4.0, -3.2, 1.0], [3.0, 4.0, -3.2, -3.5]])
Y4 = np.array([[1, 1, 0, 0]])
# the course's optimize case (2 features, 3 examples)
W2, B2 = np.array([[1.0], [2.0]]), 2.0
X23 = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]])
Y3 = np.array([[1, 0, 1]])


def core_propagate(w, b, X, Y):
    """The same forward/backward pass through the core: one sigmoid unit, W[1] = w^T."""
    params = (LayerParams(w.T, np.full((1, 1), float(b))),)
    AL, caches = core.model_forward(X, params, loss="binary_crossentropy")
    (g,) = core.model_backward(AL, Y, caches)
    return g.dW.T, float(g.db[0, 0]), float(core.compute_cost(caches, Y))


def test_sigmoid():
    out = week2.sigmoid(np.array([0, 2]))
    assert type(out) is np.ndarray
    np.testing.assert_allclose(out, [0.5, 0.88079708], atol=1e-8)
    one = week2.sigmoid(1)
    assert type(one) is np.float64 and one == pytest.approx(1 / (1 + np.exp(-1.0)), rel=1e-15)
    z = np.linspace(-30, 30, 13)
    np.testing.assert_allclose(week2.sigmoid(z), core.sigmoid(z), rtol=1e-14)
    assert week2.sigmoid(np.array([-1000.0]))[0] == 0.0  # no overflow error for e^1000


@pytest.mark.parametrize("dim", [3, 4])
def test_initialize_with_zeros(dim):
    w, b = week2.initialize_with_zeros(dim)
    assert type(b) is float and b == 0.0
    assert type(w) is np.ndarray and w.shape == (dim, 1) and not w.any()
    (p,) = core.init_params([dim, 1], "zeros")
    np.testing.assert_array_equal(w, p.W.T)


def test_propagate():
    grads, cost = week2.propagate(W3, B3, X34, Y4)
    # the course's published values
    np.testing.assert_allclose(grads["dw"], [[-0.03909333], [0.12501464], [-0.99960809]], atol=1e-8)
    assert grads["db"] == pytest.approx(0.288106326429569, rel=1e-12)
    assert cost == pytest.approx(2.0424567983978403, rel=1e-12)
    assert type(cost) is np.ndarray and cost.shape == ()  # np.squeeze(np.array(cost)), as the notebook
    assert isinstance(grads["db"], np.floating)
    # older notebooks' cases
    grads1, cost1 = week2.propagate(
        np.array([[1.0], [2.0]]), 1.5, np.array([[1.0, -2.0, -1.0], [3.0, 0.5, -3.2]]), np.array([[1, 1, 0]])
    )
    np.testing.assert_allclose(grads1["dw"], [[0.25071532], [-0.06604096]], atol=1e-8)
    assert grads1["db"] == pytest.approx(-0.12500405, abs=1e-8) and cost1 == pytest.approx(0.15900538, abs=1e-8)
    grads2, cost2 = week2.propagate(W2, B2, X23, Y3)
    np.testing.assert_allclose(grads2["dw"], [[0.99845601], [2.39507239]], atol=1e-8)
    assert grads2["db"] == pytest.approx(0.00145557, abs=1e-8) and cost2 == pytest.approx(5.80154531, abs=1e-8)
    # by hand: A = sigmoid(w^T X + b), then the three formulas written out per example
    A = [1 / (1 + np.exp(-(W3[:, 0] @ X34[:, i] + B3))) for i in range(4)]
    J = -np.mean([Y4[0, i] * np.log(A[i]) + (1 - Y4[0, i]) * np.log(1 - A[i]) for i in range(4)])
    dw = sum(X34[:, i] * (A[i] - Y4[0, i]) for i in range(4)) / 4
    np.testing.assert_allclose(grads["dw"][:, 0], dw, rtol=1e-12)
    assert float(cost) == pytest.approx(J, rel=1e-12)
    # the core's one-unit network
    dw_core, db_core, J_core = core_propagate(W3, B3, X34, Y4)
    np.testing.assert_allclose(grads["dw"], dw_core, rtol=1e-12)
    assert grads["db"] == pytest.approx(db_core, rel=1e-12) and cost == pytest.approx(J_core, rel=1e-12)


def test_optimize(capsys):
    params, grads, costs = week2.optimize(W2, B2, X23, Y3, num_iterations=101, learning_rate=0.1, print_cost=True)
    np.testing.assert_allclose(params["w"], [[-0.70916784], [-0.42390859]], atol=1e-8)
    assert params["b"] == pytest.approx(2.26891346, abs=1e-8)
    np.testing.assert_allclose(grads["dw"], [[0.06188603], [-0.01407361]], atol=1e-8)
    assert grads["db"] == pytest.approx(-0.04709353, abs=1e-8)
    assert type(costs) is list and len(costs) == 2
    np.testing.assert_allclose(costs, [5.80154532, 0.31057104], atol=5e-8)
    assert capsys.readouterr().out == "Cost after iteration 0: 5.801545\nCost after iteration 100: 0.310571\n"
    np.testing.assert_array_equal(W2, [[1.0], [2.0]])  # the caller's w is not touched
    # the core's gradient descent from the same start, recording every iteration's cost
    start = (LayerParams(W2.T, np.full((1, 1), B2)),)
    core_params, core_costs = core.train(X23, Y3, [2, 1], (), "binary_crossentropy", 0.1, 101, params=start)
    np.testing.assert_allclose(params["w"], core_params[0].W.T, rtol=1e-12)
    assert params["b"] == pytest.approx(core_params[0].b[0, 0], rel=1e-12)
    np.testing.assert_allclose(costs, core_costs[::100], rtol=1e-12)


def test_predict():
    pred = week2.predict(
        np.array([[0.3], [0.5], [-0.2]]), -0.33333, np.array([[1.0, -0.3, 1.5], [2, 0, 1], [0, -1.5, 2]])
    )
    assert type(pred) is np.ndarray and pred.shape == (1, 3) and pred.dtype == np.float64
    np.testing.assert_array_equal(pred, [[1.0, 0.0, 1.0]])
    rng = np.random.RandomState(0)
    w, b, X = rng.randn(5, 1), 0.1, rng.randn(5, 40)
    np.testing.assert_array_equal(week2.predict(w, b, X), core.predict(X, (LayerParams(w.T, np.full((1, 1), b)),)))


def test_model():
    # the course's current case: seed 0, 7 training and 3 test examples, 50 iterations at 0.01
    np.random.seed(0)
    X, Y = np.random.randn(4, 7), np.array([[1, 0, 0, 1, 0, 0, 1]])
    x_test, y_test = np.random.randn(4, 3), np.array([0, 1, 0])
    d = week2.model(X, Y, x_test, y_test, num_iterations=50, learning_rate=0.01)
    assert set(d) == {"costs", "Y_prediction_test", "Y_prediction_train", "w", "b", "learning_rate", "num_iterations"}
    assert type(d["costs"]) is list and len(d["costs"]) == 1 and d["costs"][0] == pytest.approx(0.69314718, abs=1e-8)
    np.testing.assert_allclose(d["w"], [[0.08639757], [-0.08231268], [-0.11798927], [0.12866053]], atol=1e-8)
    assert d["b"] == pytest.approx(-0.03983236094816321, rel=1e-12)
    np.testing.assert_array_equal(d["Y_prediction_test"], [[1.0, 1.0, 0.0]])
    np.testing.assert_array_equal(d["Y_prediction_train"], [[1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0]])
    assert (d["learning_rate"], d["num_iterations"]) == (0.01, 50)
    assert course.model is week2.model and course.propagate is week2.propagate  # top-level: no collision
    # an older notebook's case: 3 examples, the test set is X / 2, learning rate 1e-4
    np.random.seed(0)
    X = np.random.randn(4, 3)
    d = week2.model(X, np.array([[1, 0, 1]]), X * 0.5, np.array([1, 0, 1]), num_iterations=50, learning_rate=1e-4)
    np.testing.assert_allclose(d["w"], [[0.00194946], [-0.0005046], [0.00083111], [0.00143207]], atol=1e-8)
    assert d["b"] == pytest.approx(0.000831188, abs=1e-9)
    # the same model through the core: zeros, 50 steps, threshold 0.5
    params, costs = core.train(X, np.array([[1, 0, 1]]), [4, 1], (), "binary_crossentropy", 1e-4, 50, init="zeros")
    np.testing.assert_allclose(d["w"], params[0].W.T, rtol=1e-12)
    np.testing.assert_array_equal(d["Y_prediction_test"], core.predict(X * 0.5, params))


def _cat_run(cat_dir, capsys, num_iterations):
    data = load_catvnoncat(cat_dir, layout="course")
    d = week2.model(
        data.X_train,
        data.y_train,
        data.X_test,
        data.y_test,
        num_iterations=num_iterations,
        learning_rate=0.005,
        print_cost=True,
    )
    return d, capsys.readouterr().out


def test_cat_model_prints_the_notebooks_first_lines(cat_dir, capsys):
    d, out = _cat_run(cat_dir, capsys, 101)
    lines = out.splitlines()
    assert lines[:2] == ["Cost after iteration 0: 0.693147", "Cost after iteration 100: 0.584508"]
    assert re.fullmatch(r"train accuracy: [\d.]+ %", lines[2]) and re.fullmatch(r"test accuracy: [\d.]+ %", lines[3])


@pytest.mark.slow
def test_cat_model_prints_the_notebooks_output(cat_dir, capsys):
    """The notebook's printed output of ``model(..., num_iterations=2000, learning_rate=0.005, print_cost=True)``."""
    d, out = _cat_run(cat_dir, capsys, 2000)  # about a minute
    expected_costs = [
        0.693147,
        0.584508,
        0.466949,
        0.376007,
        0.331463,
        0.303273,
        0.279880,
        0.260042,
        0.242941,
        0.228004,
        0.214820,
        0.203078,
        0.192544,
        0.183033,
        0.174399,
        0.166521,
        0.159305,
        0.152667,
        0.146542,
        0.140872,
    ]
    assert out.splitlines() == [f"Cost after iteration {100 * i}: {c:f}" for i, c in enumerate(expected_costs)] + [
        "train accuracy: 99.04306220095694 %",
        "test accuracy: 70.0 %",
    ]


def test_optimize_on_the_flower_reaches_scikit_learns_logistic_regression():
    from sklearn.linear_model import LogisticRegression

    from layerwise.datasets import make_flower

    X, Y = make_flower(layout="course")
    w, b = week2.initialize_with_zeros(2)
    params, grads, costs = week2.optimize(w, b, X, Y, num_iterations=201, learning_rate=0.5)
    assert len(costs) == 3 and costs[0] == pytest.approx(np.log(2)) and costs[2] < costs[0]
    # independent: scikit-learn's unregularized logistic regression on the same points. Gradient descent
    # has reached its optimum by iteration 200 (to 1e-8), so the line and every prediction are the same;
    # the nearest point lies 3e-4 from the line, far beyond the weights' difference.
    sk = LogisticRegression(C=np.inf, tol=1e-12, max_iter=1000).fit(X.T, Y.ravel())
    np.testing.assert_allclose(params["w"].ravel(), sk.coef_.ravel(), rtol=1e-6)
    assert float(params["b"]) == pytest.approx(sk.intercept_[0], rel=1e-6)
    prediction = week2.predict(params["w"], params["b"], X)
    np.testing.assert_array_equal(prediction.ravel(), sk.predict(X.T))
    assert np.mean(prediction == Y) == 0.47  # a line cannot separate the flower: the course reports 47%

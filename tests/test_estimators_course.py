"""The course's three recipes through the estimator follow the core's training, iteration by iteration.

The deep recipe is written exactly as the issue gives it (``alpha="auto"`` means no L2 for ``gd``); the others pass ``alpha=0`` explicitly; ``solver="gd"`` is full batch, unshuffled and
runs exactly ``max_iter`` iterations; ``history_["cost"][i]`` is the cost before update i, as the course.
"""

import numpy as np
import pytest
from conftest import find_cat_dir
from flower_reference import FLIPS, tanh_network_accuracy
from threadpoolctl import threadpool_limits

from layerwise import core
from layerwise.datasets import load_catvnoncat, make_flower
from layerwise.estimators import NeuralNetClassifier


@pytest.fixture(scope="module")
def cat():
    folder = find_cat_dir()
    if folder is None:
        pytest.skip("the course's cat images are not available (set LAYERWISE_CAT_DIR)")
    pytest.importorskip("h5py")
    return load_catvnoncat(folder)


@pytest.fixture(autouse=True)
def _raise_on_fp_errors():
    # one BLAS thread: on the shared 2-core machines these products run faster so (numbers are unaffected)
    with np.errstate(all="raise"), threadpool_limits(limits=1, user_api="blas"):
        yield


def _deep_recipe(max_iter):
    return NeuralNetClassifier(
        hidden_layer_sizes=(20, 7, 5),
        activation="relu",
        init="xavier",
        solver="gd",
        learning_rate=0.0075,
        max_iter=max_iter,
        random_state=1,
    )  # the recipe as written


def _check_deep(cat, n):
    est = _deep_recipe(n).fit(cat.X_train, cat.y_train)
    _, costs = core.train(
        np.ascontiguousarray(cat.X_train.T),
        cat.y_train.reshape(1, -1),
        [12288, 20, 7, 5, 1],
        "relu",
        learning_rate=0.0075,
        num_iterations=n,
        init="xavier",
        random_state=1,
    )
    assert est.n_iter_ == n == len(est.history_["cost"])
    np.testing.assert_allclose(est.history_["cost"], costs, rtol=0, atol=1e-9)
    return est


def test_cat_deep_network_first_300_iterations(cat):
    est = _check_deep(cat, 300)
    assert abs(est.history_["cost"][0] - 0.771749) < 1e-6  # the notebook's "Cost after iteration 0: 0.771749"


@pytest.mark.slow
def test_cat_deep_network_2500_iterations(cat):
    est = _check_deep(cat, 2500)
    # the notebook's figures: train accuracy 0.9856, test accuracy 0.8
    assert abs(est.score(cat.X_train, cat.y_train) - 0.985645933) < 1e-6
    assert abs(est.score(cat.X_test, cat.y_test) - 0.8) < 1e-9


@pytest.mark.parametrize("n", [200, pytest.param(2000, marks=pytest.mark.slow)])
def test_cat_logistic_regression(cat, n):
    est = NeuralNetClassifier(
        hidden_layer_sizes=(), init="zeros", solver="gd", learning_rate=0.005, max_iter=n, alpha=0.0
    ).fit(cat.X_train, cat.y_train)
    _, costs = core.train(
        np.ascontiguousarray(cat.X_train.T),
        cat.y_train.reshape(1, -1),
        [12288, 1],
        learning_rate=0.005,
        num_iterations=n,
        init="zeros",
    )
    np.testing.assert_allclose(est.history_["cost"], costs, rtol=0, atol=1e-9)
    if n < 2000:
        return
    # the week-2 notebook: train accuracy 99%, test accuracy 70%
    assert est.score(cat.X_train, cat.y_train) == pytest.approx(0.9904306, abs=1e-6)
    assert est.score(cat.X_test, cat.y_test) == pytest.approx(0.70, abs=1e-9)


def test_flower_one_hidden_layer():
    X, y = make_flower()
    est = NeuralNetClassifier(
        hidden_layer_sizes=(4,),
        activation="tanh",
        init="random",
        solver="gd",
        learning_rate=1.2,
        max_iter=10000,
        alpha=0.0,
        random_state=2,
    ).fit(X, y)
    params, costs = core.train(
        X.T, y.reshape(1, -1), [2, 4, 1], "tanh", learning_rate=1.2, num_iterations=10000, init="random", random_state=2
    )
    # At learning rate 1.2 the course's own cost stops decreasing after iteration ~7840 and oscillates:
    # from there rounding-level differences (1e-16, other BLAS summation orders) grow. Up to iteration
    # 7700 the two agree to 1e-14; we hold them to 1e-9 over the first 7500, and to the same accuracy.
    np.testing.assert_allclose(est.history_["cost"][:7500], costs[:7500], rtol=0, atol=1e-9)
    # Past iteration ~7800 the run is rounding-chaotic: the course's 0.905 (90.5 %) holds only on BLAS
    # builds that sum as the course's did (another machine gets 0.9075). So the final accuracy is held to
    # an independent plain-NumPy network computed here, on this machine's BLAS, and only coarsely to the
    # course's figure; in the oscillating regime a point or two near the boundary may flip (of 400).
    core_acc = float(np.mean(core.predict(X.T, params, "tanh") == y))
    plain_acc = tanh_network_accuracy(X.T, y.reshape(1, -1), 4, 10000) / 100
    assert abs(core_acc - plain_acc) <= FLIPS / 400
    assert core_acc == pytest.approx(0.905, abs=0.01)  # the course: 90 %
    assert abs(est.score(X, y) - core_acc) <= FLIPS / 400


def test_flower_trajectory_past_7800_iterations_is_rounding_sensitive():
    """Why the flower comparison stops at 7500: at learning rate 1.2 the course's run turns chaotic.

    The core against itself, with every initial weight changed by one part in 1e15, agrees exactly up
    to iteration 7500 and then departs by more than 1e-9 before iteration 7800. Only bitwise-identical
    arithmetic (the same BLAS calls in the same order) could agree to 1e-9 over all 10000 iterations.
    """
    X, Y = make_flower(layout="course")
    p0 = core.init_params([2, 4, 1], "random", 2)
    p1 = tuple(core.LayerParams(p.W * (1 + 1e-15), p.b) for p in p0)
    runs = [
        np.array(core.train(X, Y, [2, 4, 1], "tanh", learning_rate=1.2, num_iterations=7800, params=p)[1])
        for p in (p0, p1)
    ]
    gap = np.abs(runs[0] - runs[1])
    assert gap[:7500].max() < 1e-12
    assert gap.max() > 1e-9

"""layerwise.course.week3 against the week 3 notebook's published values, a hand computation and the core.

The cases are the ones the course's public unit tests check (inputs and expected values taken as facts,
in our own test code). The flower run at learning rate 1.2 is rounding-chaotic late in training: its
printed costs are asserted only where every published copy agrees, and later ones are held to a plain
NumPy version of the notebook's loop run in the same process.
"""

import numpy as np
import pytest

from layerwise import core, course
from layerwise.course import to_dict, to_grads, to_params, week3
from layerwise.datasets import make_flower

PARAMS_4x2 = {
    "W1": np.array(
        [[-0.00615039, 0.0169021], [-0.02311792, 0.03137121], [-0.0169217, -0.01752545], [0.00935436, -0.05018221]]
    ),
    "W2": np.array([[-0.0104319, -0.04019007, 0.01607211, 0.04440255]]),
    "b1": np.array([[-8.97523455e-07], [8.15562092e-06], [6.04810633e-07], [-2.54560700e-06]]),
    "b2": np.array([[9.14954378e-05]]),
}


def test_layer_sizes():
    np.random.seed(1)
    X, Y = np.random.randn(5, 3), np.random.randn(2, 3)
    assert week3.layer_sizes(X, Y) == (5, 4, 2) and type(week3.layer_sizes(X, Y)) is tuple
    X, Y = np.random.randn(7, 5), np.random.randn(5, 5)
    assert week3.layer_sizes(X, Y) == (7, 4, 5)
    params = week3.initialize_parameters(*week3.layer_sizes(X, Y))  # the sizes build the notebook's W1, W2
    assert params["W1"].shape == (4, 7) and params["W2"].shape == (5, 4)


def test_initialize_parameters():
    np.random.seed(2)  # the current notebook draws from the caller's generator
    p = week3.initialize_parameters(3, 5, 2)
    np.testing.assert_allclose(p["W1"][0], [-0.00416758, -0.00056267, -0.02136196], atol=1e-8)
    np.testing.assert_allclose(p["W1"][4], [0.00041539, -0.01117925, 0.00539058], atol=1e-8)
    np.testing.assert_allclose(
        p["W2"][1], [-8.78107893e-03, -1.56434170e-03, 2.56570452e-03, -9.88779049e-03, -3.38821966e-03], atol=5e-12
    )
    assert p["b1"].shape == (5, 1) and p["b2"].shape == (2, 1) and not p["b1"].any() and not p["b2"].any()
    for mine, theirs in zip(to_params(p), core.init_params([3, 5, 2], "random", random_state=2)):
        np.testing.assert_array_equal(mine.W, theirs.W)
    np.random.seed(7)
    older = week3.initialize_parameters(2, 4, 1, seed=2)  # the older notebook: np.random.seed(2) inside
    np.testing.assert_allclose(older["W1"][:, 0], [-0.00416758, -0.02136196, -0.01793436, 0.00502881], atol=1e-8)
    np.testing.assert_allclose(older["W2"], [[-0.01057952, -0.00909008, 0.00551454, 0.02292208]], atol=1e-8)


def forward_case():
    np.random.seed(1)
    X, b1 = np.random.randn(2, 3), np.random.randn(4, 1)
    parameters = {
        "W1": np.array(
            [
                [-0.00416758, -0.00056267],
                [-0.02136196, 0.01640271],
                [-0.01793436, -0.00841747],
                [0.00502881, -0.01245288],
            ]
        ),
        "W2": np.array([[-0.01057952, -0.00909008, 0.00551454, 0.02292208]]),
        "b1": b1,
        "b2": np.array([[-1.3]]),
    }
    return X, parameters


def test_forward_propagation():
    X, parameters = forward_case()
    A2, cache = week3.forward_propagation(X, parameters)
    np.testing.assert_allclose(A2, [[0.21292656, 0.21274673, 0.21295976]], atol=1e-8)
    np.testing.assert_allclose(cache["Z2"], [[-1.30737426, -1.30844761, -1.30717618]], atol=1e-8)
    np.testing.assert_allclose(cache["Z1"][0], [1.7386459, 1.74687437, 1.74830797], atol=1e-8)
    np.testing.assert_allclose(cache["A1"][1], [-0.67151964, -0.62547205, -0.65709025], atol=1e-8)
    assert set(cache) == {"Z1", "A1", "Z2", "A2"} and cache["A2"] is A2
    AL, caches = core.model_forward(X, to_params(parameters), "tanh")
    np.testing.assert_allclose(A2, AL, rtol=1e-14)
    np.testing.assert_allclose(cache["Z1"], caches[0].Z, rtol=1e-14)


def test_compute_cost():
    np.random.seed(1)
    Y = np.random.randn(1, 5) > 0  # boolean labels, as the unit test
    A2 = np.array([[0.5002307, 0.49985831, 0.50023963, 0.25, 0.7]])
    cost = week3.compute_cost(A2, Y)
    assert type(cost) is float and cost == pytest.approx(0.5447066599017815, rel=1e-14)
    assert week3.compute_cost(A2[0], Y) == cost  # a rank-1 A2 broadcasts, as in the notebook
    assert week3.compute_cost(A2, Y * 1.0, {"W1": None}) == cost  # the older three-argument form
    y = Y[0] * 1.0  # by hand
    assert cost == pytest.approx(-np.mean(y * np.log(A2[0]) + (1 - y) * np.log(1 - A2[0])), rel=1e-14)
    np.random.seed(1)  # the older notebook's case
    Y3 = np.random.randn(1, 3) > 0
    assert week3.compute_cost(np.array([[0.5002307, 0.49985831, 0.50023963]]), Y3) == pytest.approx(
        0.6930587610394646, rel=1e-14
    )
    assert week3.compute_cost(np.array([[0.3, 0.8]]), np.array([[0.25, 0.9]])) == pytest.approx(
        -np.mean([0.25 * np.log(0.3) + 0.75 * np.log(0.7), 0.9 * np.log(0.8) + 0.1 * np.log(0.2)])
    )  # real labels
    X, parameters = forward_case()
    Yc = np.array([[1.0, 0.0, 1.0]])
    A2, _ = week3.forward_propagation(X, parameters)
    _, caches = core.model_forward(X, to_params(parameters), "tanh")
    assert week3.compute_cost(A2, Yc) == pytest.approx(float(core.compute_cost(caches, Yc)), rel=1e-12)


def test_backward_propagation():
    np.random.seed(1)
    X, Y = np.random.randn(3, 7), np.random.randn(1, 7) > 0
    parameters = {
        "W1": np.random.randn(9, 3),
        "W2": np.random.randn(1, 9),
        "b1": np.zeros((9, 1)),
        "b2": np.zeros((1, 1)),
    }
    cache = {
        "A1": np.random.randn(9, 7),
        "A2": np.random.randn(1, 7),
        "Z1": np.random.randn(9, 7),
        "Z2": np.random.randn(1, 7),
    }
    grads = week3.backward_propagation(parameters, cache, X, Y)
    # the course's published values: tanh' comes from the cached A1 (1 - A1^2), never from Z1
    np.testing.assert_allclose(
        grads["dW2"],
        [
            [
                -0.35768529,
                0.22046323,
                -0.29551566,
                -0.12202786,
                0.18809552,
                0.13700323,
                0.35892872,
                -0.02220353,
                -0.03976687,
            ]
        ],
        atol=1e-8,
    )
    np.testing.assert_allclose(grads["db2"], [[-0.78032466]], atol=1e-8)
    np.testing.assert_allclose(grads["db1"][:3, 0], [0.1463639, -0.33647992, -0.51738006], atol=1e-8)
    np.testing.assert_allclose(grads["dW1"][1], [0.7370069, -0.64785999, 0.23669823], atol=1e-8)
    np.testing.assert_allclose(grads["dW1"][8], [0.25619969, -0.09561825, 0.05679075], atol=1e-8)
    # with a consistent cache the core's tanh network gives the same gradients
    Xc, pc = forward_case()
    Yc = np.array([[1.0, 0.0, 1.0]])
    A2, cache = week3.forward_propagation(Xc, pc)
    grads = week3.backward_propagation(pc, cache, Xc, Yc)
    _, caches = core.model_forward(Xc, to_params(pc), "tanh")
    for l, g in enumerate(core.model_backward(A2, Yc, caches, "tanh"), start=1):
        np.testing.assert_allclose(grads[f"dW{l}"], g.dW, rtol=1e-10, atol=1e-16)
        np.testing.assert_allclose(grads[f"db{l}"], g.db, rtol=1e-10, atol=1e-16)


def test_update_parameters():
    grads = {
        "dW1": np.array(
            [[0.00023322, -0.00205423], [0.00082222, -0.00700776], [-0.00031831, 0.0028636], [-0.00092857, 0.00809933]]
        ),
        "dW2": np.array([[-1.75740039e-05, 3.70231337e-03, -1.25683095e-03, -2.55715317e-03]]),
        "db1": np.array([[1.05570087e-07], [-3.81814487e-06], [-1.90155145e-07], [5.46467802e-07]]),
        "db2": np.array([[-1.08923140e-05]]),
    }
    out = week3.update_parameters(PARAMS_4x2, grads)  # learning rate 1.2 by default, as the notebook
    np.testing.assert_allclose(
        out["W1"],
        [[-0.00643025, 0.01936718], [-0.02410458, 0.03978052], [-0.01653973, -0.02096177], [0.01046864, -0.05990141]],
        atol=1e-8,
    )
    np.testing.assert_allclose(out["W2"], [[-0.01041081, -0.04463285, 0.01758031, 0.04747113]], atol=1e-8)
    np.testing.assert_allclose(out["b2"], [[0.00010457]], atol=1e-8)
    np.testing.assert_allclose(out["b1"][1], [1.27373948e-05], atol=5e-14)
    assert PARAMS_4x2["W1"][0, 0] == -0.00615039  # the caller's dict is not touched
    expected = to_dict(core.update_parameters(to_params(PARAMS_4x2), to_grads(grads, 2), 1.2))
    for key in out:
        np.testing.assert_allclose(out[key], expected[key], rtol=1e-15)


def test_nn_model(capsys):
    np.random.seed(1)
    X, Y = np.random.randn(2, 3), np.random.randn(1, 3) > 0
    out = week3.nn_model(X, Y, 4, print_cost=False)  # seeds np.random.seed(3) inside, as the notebook
    np.testing.assert_allclose(
        out["W1"],
        [[0.56305445, -1.03925886], [0.7345426, -1.36286875], [-0.72533346, 1.33753027], [0.74757629, -1.38274074]],
        atol=5e-8,
    )
    np.testing.assert_allclose(out["W2"], [[1.82196893, 3.09657075, -2.98193564, 3.19946508]], atol=5e-8)
    np.testing.assert_allclose(out["b1"][:, 0], [-0.22240654, -0.34662093, 0.33663708, -0.35296113], atol=5e-8)
    np.testing.assert_allclose(out["b2"], [[0.21344644]], atol=5e-8)
    older = week3.nn_model(X, Y, 4, 10000, False, init_seed=2)  # positional, as the older unit test; seed 2 draws
    np.testing.assert_allclose(
        older["W1"],
        [[-0.65848169, 1.21866811], [-0.76204273, 1.39377573], [0.5792005, -1.10397703], [0.76773391, -1.41477129]],
        atol=5e-8,
    )
    np.testing.assert_allclose(older["b2"], [[0.20459656]], atol=5e-8)
    assert capsys.readouterr().out == ""
    params, _ = core.train(X, Y * 1.0, [2, 4, 1], "tanh", "binary_crossentropy", 1.2, 300, "random", random_state=3)
    short = week3.nn_model(X, Y, 4, num_iterations=300)
    for key, value in to_dict(params).items():
        np.testing.assert_allclose(short[key], value, rtol=1e-9)


def test_predict():
    np.random.seed(1)
    X = np.random.randn(2, 3)
    pred = week3.predict(PARAMS_4x2, X)
    assert pred.dtype == bool
    np.testing.assert_array_equal(pred, [[True, False, True]])
    np.testing.assert_array_equal(pred, core.predict(X, to_params(PARAMS_4x2), "tanh"))
    assert course.predict is not week3.predict  # the top level's predict is week 4's


# ------------------------------------------------------------------ the notebook's flower run
def plain_numpy_flower(X, Y, n_h, num_iterations, W1, W2):
    """The notebook's loop written out again: costs every 1000 iterations and the final accuracy."""
    b1, b2, m, costs = np.zeros((n_h, 1)), np.zeros((1, 1)), X.shape[1], []
    for i in range(num_iterations):
        A1 = np.tanh(np.dot(W1, X) + b1)
        A2 = 1 / (1 + np.exp(-(np.dot(W2, A1) + b2)))
        if i % 1000 == 0:
            costs.append(-np.sum(np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)) / m)
        dZ2 = A2 - Y
        dW2, db2 = (1 / m) * np.dot(dZ2, A1.T), (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
        dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
        dW1, db1 = (1 / m) * np.dot(dZ1, X.T), (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
        W1, b1, W2, b2 = W1 - 1.2 * dW1, b1 - 1.2 * db1, W2 - 1.2 * dW2, b2 - 1.2 * db2
    A2 = 1 / (1 + np.exp(-(np.dot(W2, np.tanh(np.dot(W1, X) + b1)) + b2)))
    return costs, float(np.mean((A2 > 0.5) == Y))


@pytest.mark.parametrize(
    "init_seed,seed,published",
    [
        (None, 3, [0.693162, 0.258625, 0.239334, 0.230802, 0.225528, 0.221845, 0.219094]),  # current notebook
        (2, 2, [0.693048, 0.288083, 0.254385, 0.233864, 0.226792, 0.222644, 0.219731, 0.217504]),  # older notebook
    ],
)
def test_flower_run_prints_the_notebooks_costs(capsys, init_seed, seed, published):
    X, Y = make_flower(layout="course")
    parameters = week3.nn_model(X, Y, n_h=4, num_iterations=10000, print_cost=True, init_seed=init_seed)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10
    # where every published copy of the notebook prints the same digits, so do we
    assert lines[: len(published)] == [f"Cost after iteration {1000 * i}: {c:f}" for i, c in enumerate(published)]
    # later the run is rounding-chaotic (published copies differ there): hold it to the plain NumPy loop
    rng = np.random.RandomState(seed)
    costs, accuracy = plain_numpy_flower(X, Y, 4, 10000, rng.randn(4, 2) * 0.01, rng.randn(1, 4) * 0.01)
    assert lines == [f"Cost after iteration {1000 * i}: {c:f}" for i, c in enumerate(costs)]
    assert float(np.mean(week3.predict(parameters, X) == Y)) == accuracy


@pytest.mark.slow
def test_hidden_layer_sizes_table_of_the_older_notebook():
    """The notebook's study, 5000 iterations per size, older draw (``init_seed=2``).

    1 to 5 units are not chaotic within 5000 iterations and give the published table. 20 and 50 units
    are: the module and the core agree to 1e-13 until iteration ~4600 (20 units) and ~3800 (50 units),
    then part within ~130 iterations; published copies differ there too. Those two are held to the plain
    NumPy loop (the notebook's arithmetic, in the same order) run here.
    """
    X, Y = make_flower(layout="course")
    found = {
        n_h: float(np.mean(week3.predict(week3.nn_model(X, Y, n_h, 5000, init_seed=2), X) == Y))
        for n_h in (1, 2, 3, 4, 5, 20, 50)
    }
    assert [100 * found[n_h] for n_h in (1, 2, 3, 4, 5)] == pytest.approx([67.5, 67.25, 90.75, 90.5, 91.25], abs=1e-9)
    for n_h in (20, 50):
        rng = np.random.RandomState(2)
        _, accuracy = plain_numpy_flower(X, Y, n_h, 5000, rng.randn(n_h, 2) * 0.01, rng.randn(1, n_h) * 0.01)
        assert found[n_h] == accuracy

"""layerwise.course.week4 against the week 4 notebooks' published values, a hand computation and the core.

The cases are the ones the course's public unit tests check (inputs and expected values taken as facts,
in our own test code). The cat models' printed costs differ between published copies of the notebook in
their last one or two digits (the BLAS's summation order), so they are compared to 1e-12 relative.
"""

import re

import numpy as np
import pytest

from layerwise import core, course
from layerwise.course import to_dict, to_grads, to_params, week4, week4_app
from layerwise.datasets import load_catvnoncat


def l_model_backward_case():
    """The course's case: AL is random (not sigmoid of the cached Z), labels (1, 0), two layers."""
    np.random.seed(3)
    AL, Y = np.random.randn(1, 2), np.array([[1, 0]])
    A1, W1, b1, Z1 = np.random.randn(4, 2), np.random.randn(3, 4), np.random.randn(3, 1), np.random.randn(3, 2)
    A2, W2, b2, Z2 = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1), np.random.randn(1, 2)
    return AL, Y, (((A1, W1, b1), Z1), ((A2, W2, b2), Z2))


def test_initialize_parameters():
    np.random.seed(99)  # ignored: the notebook seeds 1 inside
    p = week4.initialize_parameters(3, 2, 1)
    np.testing.assert_allclose(
        p["W1"], [[0.01624345, -0.00611756, -0.00528172], [-0.01072969, 0.00865408, -0.02301539]], atol=1e-8
    )
    np.testing.assert_allclose(p["W2"], [[0.01744812, -0.00761207]], atol=1e-8)
    assert p["b1"].shape == (2, 1) and p["b2"].shape == (1, 1) and not p["b1"].any()
    for mine, theirs in zip(to_params(p), core.init_params([3, 2, 1], "random", random_state=1)):
        np.testing.assert_array_equal(mine.W, theirs.W)


def test_initialize_parameters_deep():
    p = week4.initialize_parameters_deep([5, 4, 3])
    np.testing.assert_allclose(p["W1"][0], [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388], atol=1e-8)
    np.testing.assert_allclose(p["W2"][2], [-0.00768836, -0.00230031, 0.00745056, 0.01976111], atol=1e-8)
    assert set(p) == {"W1", "b1", "W2", "b2"} and p["b2"].shape == (3, 1)
    for mine, theirs in zip(to_params(p), core.init_params([5, 4, 3], "random", random_state=3)):
        np.testing.assert_array_equal(mine.W, theirs.W)
    app = week4_app.initialize_parameters_deep([5, 4, 3])  # the application's: seed 1, / sqrt(n[l-1])
    for mine, theirs in zip(to_params(app), core.init_params([5, 4, 3], "xavier", random_state=1)):
        np.testing.assert_allclose(mine.W, theirs.W, rtol=1e-15)


def test_linear_forward():
    np.random.seed(1)
    A_prev, W, b = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)
    Z, cache = week4.linear_forward(A_prev, W, b)
    np.testing.assert_allclose(Z, [[3.26295337, -1.23429987]], atol=1e-8)
    assert type(cache) is tuple and cache[0] is A_prev and cache[1] is W and cache[2] is b
    np.testing.assert_allclose(Z, core.linear_forward(A_prev, W, b)[0], rtol=1e-15)


def test_linear_activation_forward():
    np.random.seed(2)
    A_prev, W, b = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)
    for activation, expected in (("sigmoid", [[0.96890023, 0.11013289]]), ("relu", [[3.43896131, 0.0]])):
        A, cache = week4.linear_activation_forward(A_prev, W, b, activation)
        np.testing.assert_allclose(A, expected, atol=1e-8)
        (linear_cache, Z) = cache
        assert type(cache) is tuple and type(linear_cache) is tuple and linear_cache[0] is A_prev
        np.testing.assert_allclose(Z, [[3.43896131, -2.08938436]], atol=1e-8)
        np.testing.assert_allclose(A, core.linear_activation_forward(A_prev, W, b, activation)[0], rtol=1e-15)


def test_L_model_forward():
    np.random.seed(6)
    X = np.random.randn(5, 4)
    parameters = {
        "W1": np.random.randn(4, 5),
        "b1": np.random.randn(4, 1),
        "W2": np.random.randn(3, 4),
        "b2": np.random.randn(3, 1),
        "W3": np.random.randn(1, 3),
        "b3": np.random.randn(1, 1),
    }
    AL, caches = week4.L_model_forward(X, parameters)
    np.testing.assert_allclose(AL, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]], atol=1e-8)
    assert type(caches) is list and len(caches) == 3
    np.testing.assert_allclose(caches[2][1], [[-3.19864676, 0.87117055, -1.40297864, -3.00319435]], atol=1e-8)
    np.testing.assert_allclose(caches[1][0][0][2], [4.18500916, 0.0, 0.0, 2.72141638], atol=1e-8)  # A1 = relu(Z1)
    assert caches[0][0][0] is X
    AL_core, caches_core = core.model_forward(X, to_params(parameters), "relu")
    np.testing.assert_allclose(AL, AL_core, rtol=1e-14)


def test_compute_cost():
    cost = week4.compute_cost(np.array([[0.8, 0.9, 0.4]]), np.asarray([[1, 1, 0]]))
    assert type(cost) is np.ndarray and cost.shape == ()  # np.squeeze of a (1, 1) product, as the course
    assert cost == pytest.approx(-(np.log(0.8) + np.log(0.9) + np.log(0.6)) / 3, rel=1e-14)  # 0.27977656
    assert cost == pytest.approx(0.27977656, abs=1e-8)
    real = week4.compute_cost(np.array([[0.3, 0.8]]), np.array([[0.25, 0.9]]))  # real-valued labels
    assert real == pytest.approx(
        -np.mean([0.25 * np.log(0.3) + 0.75 * np.log(0.7), 0.9 * np.log(0.8) + 0.1 * np.log(0.2)])
    )
    rng = np.random.RandomState(0)
    X, Y = rng.randn(3, 6), (rng.rand(1, 6) > 0.5) * 1.0
    params = core.init_params([3, 4, 1], "he", 0)
    AL, caches = core.model_forward(X, params, "relu")
    assert week4.compute_cost(AL, Y) == pytest.approx(float(core.compute_cost(caches, Y)), rel=1e-12)


def test_linear_backward():
    np.random.seed(1)
    dZ, A, W, b = np.random.randn(3, 4), np.random.randn(5, 4), np.random.randn(3, 5), np.random.randn(3, 1)
    dA_prev, dW, db = week4.linear_backward(dZ, (A, W, b))
    np.testing.assert_allclose(dA_prev[0], [-1.15171336, 0.06718465, -0.3204696, 2.09812712], atol=1e-8)
    np.testing.assert_allclose(dW[0], [0.07313866, -0.0976715, -0.87585828, 0.73763362, 0.00785716], atol=1e-8)
    np.testing.assert_allclose(db, [[-0.14713786], [-0.11313155], [-0.13209101]], atol=1e-8)
    ref = core.linear_backward(dZ, core.LinearCache(A, W, b))
    for mine, theirs in zip((dA_prev, dW, db), ref):
        np.testing.assert_allclose(mine, theirs, rtol=1e-13)


def test_linear_activation_backward():
    np.random.seed(2)
    dA, A, W, b, Z = (
        np.random.randn(1, 2),
        np.random.randn(3, 2),
        np.random.randn(1, 3),
        np.random.randn(1, 1),
        np.random.randn(1, 2),
    )
    dA_prev, dW, db = week4.linear_activation_backward(dA, ((A, W, b), Z), "sigmoid")
    np.testing.assert_allclose(dA_prev[:, 0], [0.11017994, 0.09466817, -0.05743092], atol=1e-8)
    np.testing.assert_allclose(dW, [[0.10266786, 0.09778551, -0.01968084]], atol=1e-8)
    np.testing.assert_allclose(db, [[-0.05729622]], atol=1e-8)
    dA_prev, dW, db = week4.linear_activation_backward(dA, ((A, W, b), Z), "relu")
    np.testing.assert_allclose(dA_prev, [[0.44090989, 0.0], [0.37883606, 0.0], [-0.2298228, 0.0]], atol=1e-8)
    np.testing.assert_allclose(dW, [[0.44513824, 0.37371418, -0.10478989]], atol=1e-8)
    np.testing.assert_allclose(db, [[-0.20837892]], atol=1e-8)
    for activation in ("sigmoid", "relu"):
        mine = week4.linear_activation_backward(dA, ((A, W, b), Z), activation)
        ref = core.linear_activation_backward(dA, core.LayerCache(core.LinearCache(A, W, b), Z), activation)
        for m, t in zip(mine, ref):
            np.testing.assert_allclose(m, t, rtol=1e-13)


def test_L_model_backward():
    AL, Y, caches = l_model_backward_case()
    grads = week4.L_model_backward(AL, Y, caches)
    assert set(grads) == {"dA0", "dA1", "dW1", "db1", "dW2", "db2"}
    np.testing.assert_allclose(grads["dW2"], [[-0.39202432, -0.13325855, -0.04601089]], atol=1e-8)
    np.testing.assert_allclose(grads["db2"], [[0.15187861]], atol=1e-8)
    np.testing.assert_allclose(grads["dA1"][:, 1], [-0.44014127, 0.48317296, -0.05670698], atol=1e-8)
    np.testing.assert_allclose(grads["dA0"][:, 1], [0.52257901, -0.3269206, -0.32070404, -0.74079187], atol=1e-8)
    np.testing.assert_allclose(grads["dW1"][0], [0.41010002, 0.07807203, 0.13798444, 0.10502167], atol=1e-8)
    np.testing.assert_allclose(grads["db1"], [[-0.22007063], [0.0], [-0.02835349]], atol=1e-8)
    # by hand: the generic dAL through sigmoid' of the cached Z2, then relu' of Z1
    (lin1, Z1), (lin2, Z2) = caches
    s = 1 / (1 + np.exp(-Z2))
    dZ2 = -(Y / AL - (1 - Y) / (1 - AL)) * s * (1 - s)
    np.testing.assert_allclose(grads["dW2"], dZ2 @ lin2[0].T / 2, rtol=1e-12)
    dZ1 = (lin2[1].T @ dZ2) * (Z1 > 0)
    np.testing.assert_allclose(grads["dW1"], dZ1 @ lin1[0].T / 2, rtol=1e-12)
    # with a consistent cache (AL = sigmoid(Z[L])) the core's fused dZ[L] = AL - Y gives the same
    rng = np.random.RandomState(1)
    X, Yc = rng.randn(5, 4), np.array([[1.0, 0.0, 1.0, 0.0]])
    parameters = week4_app.initialize_parameters_deep([5, 4, 3, 1])
    AL, caches = week4.L_model_forward(X, parameters)
    grads = week4.L_model_backward(AL, Yc, caches)
    _, caches_core = core.model_forward(X, to_params(parameters), "relu")
    for l, g in enumerate(core.model_backward(AL, Yc, caches_core, "relu"), start=1):
        np.testing.assert_allclose(grads[f"dW{l}"], g.dW, rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(grads[f"db{l}"], g.db, rtol=1e-9, atol=1e-15)


def test_update_parameters():
    np.random.seed(2)
    parameters = {
        "W1": np.random.randn(3, 4),
        "b1": np.random.randn(3, 1),
        "W2": np.random.randn(1, 3),
        "b2": np.random.randn(1, 1),
    }
    np.random.seed(3)
    grads = {
        "dW1": np.random.randn(3, 4),
        "db1": np.random.randn(3, 1),
        "dW2": np.random.randn(1, 3),
        "db2": np.random.randn(1, 1),
    }
    before = parameters["W1"].copy()
    out = week4.update_parameters(parameters, grads, 0.1)
    np.testing.assert_allclose(out["W1"][0], [-0.59562069, -0.09991781, -2.14584584, 1.82662008], atol=1e-8)
    np.testing.assert_allclose(out["b1"], [[-0.04659241], [-1.28888275], [0.53405496]], atol=1e-8)
    np.testing.assert_allclose(out["W2"], [[-0.55569196, 0.0354055, 1.32964895]], atol=1e-8)
    np.testing.assert_allclose(out["b2"], [[-0.84610769]], atol=1e-8)
    np.testing.assert_array_equal(parameters["W1"], before)  # updates a copy, as the notebook
    expected = to_dict(core.update_parameters(to_params(parameters), to_grads(grads, 2), 0.1))
    for key in out:
        np.testing.assert_allclose(out[key], expected[key], rtol=1e-15)


def test_two_layer_model(capsys):
    np.random.seed(1)
    X, Y = np.random.randn(10, 10), np.random.randn(1, 10)  # real-valued labels, as the course's test
    parameters, costs = week4.two_layer_model(X, Y, (10, 4, 1), 0.0075, 2)
    assert type(costs) is list and len(costs) == 1 and type(costs[0]) is np.ndarray
    assert costs[0] == pytest.approx(0.69315968, abs=1e-8)
    np.testing.assert_allclose(parameters["W2"], [[-0.00200283, -0.00888593, -0.00751122, 0.01688162]], atol=1e-8)
    np.testing.assert_allclose(parameters["b2"], [[-0.00689018]], atol=1e-8)
    np.testing.assert_allclose(parameters["W1"][0, :3], [0.01624965, -0.00610741, -0.00528734], atol=1e-8)
    parameters, costs = week4.two_layer_model(X, Y, (10, 4, 1), 0.1, 3)
    np.testing.assert_allclose(parameters["W2"], [[-0.00358725, -0.00911995, -0.00831979, 0.01615845]], atol=1e-8)
    np.testing.assert_allclose(parameters["b2"], [[-0.13451354]], atol=1e-8)
    # the notebook prints the last iteration even with print_cost=False (its operator precedence)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["Cost after iteration 1", "Cost after iteration 2"]
    Yb = (Y > 0) * 1.0  # with 0/1 labels the core's loop from the same start gives the same
    parameters, costs = week4.two_layer_model(X, Yb, (10, 4, 1), 0.0075, 201)
    ref, ref_costs = core.train(X, Yb, [10, 4, 1], "relu", "binary_crossentropy", 0.0075, 201, "random", random_state=1)
    np.testing.assert_allclose(costs, ref_costs[::100], rtol=1e-12)
    for key, value in to_dict(ref).items():
        np.testing.assert_allclose(parameters[key], value, rtol=1e-10, atol=1e-15)


def test_L_layer_model(capsys):
    np.random.seed(1)
    X, Y = np.random.randn(10, 10), np.array([[1, 1, 1, 1, 0, 0, 0, 1, 1, 0]])
    parameters, costs = week4.L_layer_model(X, Y, (10, 5, 6, 1), 0.0075, 2)
    assert len(costs) == 1 and costs[0] == pytest.approx(0.70723944, abs=1e-8)
    np.testing.assert_allclose(
        parameters["W3"], [[-0.09079199, -0.08117381, 0.07667568, 0.16665535, 0.08029575, 0.04805811]], atol=1e-8
    )
    np.testing.assert_allclose(parameters["b3"], [[0.0013201]], atol=1e-8)
    np.testing.assert_allclose(
        parameters["b1"][:, 0],
        [-2.16491028e-04, 1.50999130e-04, 8.71516045e-06, 5.57557615e-05, -2.90746349e-05],
        atol=1e-12,
    )
    assert capsys.readouterr().out == f"Cost after iteration 1: {np.squeeze(week4.compute_cost(*_last_AL(X, Y)))}\n"
    parameters, costs = week4.L_layer_model(X, Y, (10, 5, 6, 1), 0.02, 3, print_cost=True)
    np.testing.assert_allclose(
        parameters["W3"], [[-0.09087434, -0.07882982, 0.07821609, 0.16442826, 0.0783229, 0.04648216]], atol=1e-8
    )
    np.testing.assert_allclose(parameters["b3"], [[0.00525865]], atol=1e-8)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["Cost after iteration 0", "Cost after iteration 2"]
    assert float(lines[0].split(": ")[1]) == pytest.approx(float(costs[0]), rel=1e-15)
    ref, ref_costs = core.train(
        X, Y * 1.0, [10, 5, 6, 1], "relu", "binary_crossentropy", 0.02, 3, "xavier", random_state=1
    )
    for key, value in to_dict(ref).items():
        np.testing.assert_allclose(parameters[key], value, rtol=1e-10, atol=1e-15)


def _last_AL(X, Y):
    """AL before the second update of the 2-iteration run above, recomputed from its first update."""
    p = week4_app.initialize_parameters_deep((10, 5, 6, 1))
    AL, caches = week4.L_model_forward(X, p)
    p = week4.update_parameters(p, week4.L_model_backward(AL, Y, caches), 0.0075)
    return week4.L_model_forward(X, p)[0], Y


def test_predict(capsys):
    X = np.array([[1.0, -2.0, 0.5], [0.3, 0.1, -1.0]])
    parameters = {
        "W1": np.array([[1.0, -1.0], [0.5, 2.0]]),
        "b1": np.zeros((2, 1)),
        "W2": np.array([[1.0, -1.0]]),
        "b2": np.array([[0.1]]),
    }
    y = np.array([[1, 0, 0]])
    p = week4.predict(X, y, parameters)
    # by hand: A1 = relu(W1 X) = [[0.7, 0, 1.5], [1.1, 0, 0]]; Z2 = A1[0] - A1[1] + 0.1 = [-0.3, 0.1, 1.6]
    np.testing.assert_array_equal(p, [[0.0, 1.0, 1.0]])
    assert capsys.readouterr().out == f"Accuracy: {np.sum((p == y) / 3)}\n"
    np.testing.assert_array_equal(p, core.predict(X, to_params(parameters), "relu"))
    assert course.predict is week4.predict and course.L_model_backward is week4.L_model_backward


# ------------------------------------------------------------------ the application notebook on the cats
def _cat_model(cat_dir, capsys, function, dims, num_iterations):
    data = load_catvnoncat(cat_dir, layout="course")
    parameters, costs = function(data.X_train, data.y_train, dims, num_iterations=num_iterations, print_cost=True)
    week4.predict(data.X_train, data.y_train, parameters)
    week4.predict(data.X_test, data.y_test, parameters)
    lines = capsys.readouterr().out.splitlines()
    costs_printed = [
        (int(i), float(c))
        for i, c in (re.fullmatch(r"Cost after iteration (\d+): ([\d.e-]+)", l).groups() for l in lines[:-2])
    ]
    accuracies = [float(re.fullmatch(r"Accuracy: ([\d.]+)", l).group(1)) for l in lines[-2:]]
    return costs, costs_printed, accuracies


@pytest.mark.parametrize(
    "function,dims,published",
    [
        (week4.two_layer_model, (12288, 7, 1), [0.693049735659989, 0.6464320953428849]),
        (week4.L_layer_model, [12288, 20, 7, 5, 1], [0.7717493284237686, 0.6720534400822914]),
    ],
)
def test_cat_models_print_the_notebooks_first_costs(cat_dir, capsys, function, dims, published):
    costs, printed, _ = _cat_model(cat_dir, capsys, function, dims, 101)
    assert [i for i, _ in printed] == [0, 100]
    np.testing.assert_allclose([c for _, c in printed], published, rtol=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize(
    "function,dims,published,accuracies",
    [
        (
            week4.two_layer_model,
            (12288, 7, 1),
            {
                0: 0.693049735659989,
                100: 0.6464320953428849,
                200: 0.6325140647912677,
                2400: 0.04855478562877019,
                2499: 0.04421498215868956,
            },
            [0.9999999999999998, 0.72],
        ),
        (
            week4.L_layer_model,
            [12288, 20, 7, 5, 1],
            {
                0: 0.7717493284237686,
                100: 0.6720534400822914,
                200: 0.6482632048575212,
                2400: 0.09287821526472398,
                2499: 0.08843994344170202,
            },
            [0.9856459330143539, 0.8],
        ),
    ],
)
def test_cat_models_print_the_notebooks_output(cat_dir, capsys, function, dims, published, accuracies):
    costs, printed, found = _cat_model(cat_dir, capsys, function, dims, 2500)
    assert [i for i, _ in printed] == list(range(0, 2500, 100)) + [2499]
    for i, c in printed:
        if i in published:  # published copies differ from each other in the last digit or two
            assert c == pytest.approx(published[i], rel=1e-12)
    assert found == pytest.approx(accuracies, rel=1e-15)
    np.testing.assert_allclose([float(c) for c in costs], [c for i, c in printed if i % 100 == 0], rtol=1e-15)

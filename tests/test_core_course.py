"""The course's published numbers, its data, and the core on other array namespaces."""
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from layerwise import core, course
from layerwise.datasets import load_catvnoncat, make_flower


# ------------------------------------------------------------------ hand-checked values from the course
def test_propagate_matches_the_course():
    w, b = np.array([[1.0], [2.0]]), 1.5
    X = np.array([[1.0, -2.0, -1.0], [3.0, 0.5, -3.2]])
    Y = np.array([[1, 1, 0]])
    grads, cost = course.propagate(w, b, X, Y)
    np.testing.assert_allclose(grads["dw"], [[0.25071532], [-0.06604096]], rtol=1e-7)
    assert grads["db"] == pytest.approx(-0.1250040450043965, rel=1e-12)
    assert cost == pytest.approx(0.15900537707692405, rel=1e-12)


def test_compute_cost_matches_the_course():
    assert course.compute_cost(np.array([[0.8, 0.9, 0.4]]), np.array([[1, 1, 0]])) == pytest.approx(
        0.2797765635793423, rel=1e-14)


def test_seeded_initialization_matches_the_course():
    p = course.initialize_parameters(3, 2, 1, random_state=1)
    np.testing.assert_allclose(p["W1"], [[0.01624345, -0.00611756, -0.00528172], [-0.01072969, 0.00865408, -0.02301539]], atol=5e-9)
    np.testing.assert_allclose(p["W2"], [[0.01744812, -0.00761207]], atol=5e-9)
    assert not p["b1"].any() and p["b1"].shape == (2, 1) and p["b2"].shape == (1, 1)
    # Step by Step notebook: np.random.seed(3); initialize_parameters_deep([5, 4, 3])
    d = course.initialize_parameters_deep([5, 4, 3], random_state=3)
    np.testing.assert_allclose(d["W1"][0], [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388], atol=5e-9)
    np.testing.assert_allclose(d["W2"][0], [-0.01185047, -0.0020565, 0.01486148, 0.00236716], atol=5e-9)


def test_draws_are_np_random_randn_layer_by_layer():
    rng = np.random.RandomState(7)  # the course's np.random.seed(7); np.random.randn(...), in order
    expected = [rng.randn(4, 3) * np.sqrt(2 / 3), rng.randn(2, 4) * np.sqrt(2 / 4)]
    params = core.init_params([3, 4, 2], "he", random_state=7)
    for p, W in zip(params, expected):
        np.testing.assert_array_equal(p.W, W)
        np.testing.assert_array_equal(p.b, np.zeros((p.W.shape[0], 1)))
    xavier = core.init_params([3, 4, 2], "xavier", random_state=7)
    np.testing.assert_allclose(xavier[0].W, expected[0] / np.sqrt(2), rtol=1e-15)


def test_course_blocks_agree_with_the_generic_backward():
    rng = np.random.RandomState(1)
    X, Y = rng.randn(5, 4), np.array([[1.0, 0.0, 1.0, 0.0]])
    parameters = course.initialize_parameters_deep([5, 4, 3, 1], random_state=1, init="xavier")
    AL, caches = course.L_model_forward(X, parameters)
    grads = course.L_model_backward(AL, Y, caches)
    # the course's route: dAL = -(Y/AL - (1-Y)/(1-AL)), then linear_activation_backward layer by layer
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    dA, dW3, db3 = course.linear_activation_backward(dA, caches[2], "sigmoid")
    dA, dW2, db2 = course.linear_activation_backward(dA, caches[1], "relu")
    _, dW1, db1 = course.linear_activation_backward(dA, caches[0], "relu")
    for name, value in dict(dW1=dW1, db1=db1, dW2=dW2, db2=db2, dW3=dW3, db3=db3).items():
        np.testing.assert_allclose(grads[name], value, rtol=1e-10, atol=1e-14)
    updated = course.update_parameters(parameters, grads, 0.1)
    np.testing.assert_allclose(updated["W2"], parameters["W2"] - 0.1 * dW2)


def test_logistic_regression_predict_and_optimize():
    X, Y = make_flower(layout="course")
    w, b = course.initialize_with_zeros(2)
    assert w.shape == (2, 1) and b == 0.0
    params, grads, costs = course.optimize(w, b, X, Y, num_iterations=201, learning_rate=0.5)
    assert len(costs) == 3 and costs[0] == pytest.approx(np.log(2)) and costs[2] < costs[0]
    # independent: scikit-learn's unregularized logistic regression on the same points. Gradient descent
    # has reached its optimum by iteration 200 (to 1e-8), so the line and every prediction are the same;
    # the nearest point lies 3e-4 from the line, far beyond the weights' difference.
    sk = LogisticRegression(C=np.inf, tol=1e-12, max_iter=1000).fit(X.T, Y.ravel())
    np.testing.assert_allclose(params["w"].ravel(), sk.coef_.ravel(), rtol=1e-6)
    assert params["b"] == pytest.approx(sk.intercept_[0], rel=1e-6)
    prediction = course.predict(params["w"], params["b"], X)
    np.testing.assert_array_equal(prediction.ravel(), sk.predict(X.T))
    assert np.mean(prediction == Y) == 0.47  # a line cannot separate the flower: the course reports 47%


# ------------------------------------------------------------------ the course's data
def test_make_flower_is_the_course_generator():
    rng = np.random.RandomState(1)  # the course's load_planar_dataset, written out again
    m, N, a = 400, 200, 4
    X = np.zeros((m, 2))
    for j in range(2):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.2
        r = a * np.sin(4 * t) + rng.randn(N) * 0.2
        X[N * j:N * (j + 1)] = np.c_[r * np.sin(t), r * np.cos(t)]
    Xf, yf = make_flower()
    np.testing.assert_array_equal(Xf, X)
    np.testing.assert_array_equal(yf, np.repeat([0, 1], 200))
    Xc, Yc = make_flower(layout="course")
    assert Xc.shape == (2, 400) and Yc.shape == (1, 400)
    with pytest.raises(ValueError, match="even integer"):
        make_flower(m=3)


def test_flower_network_reaches_the_course_accuracy():
    X, Y = make_flower(layout="course")
    parameters = course.nn_model(X, Y, n_h=4, num_iterations=10000, random_state=2)
    accuracy = float(np.mean(course.predict(parameters, X) == Y))
    assert accuracy == pytest.approx(0.905, abs=0.01)  # the course: 90%


def test_cat_loader_reads_the_shared_files(cat_dir):
    data = load_catvnoncat(cat_dir)
    assert data.X_train.shape == (209, 12288) and data.X_test.shape == (50, 12288)
    assert data.classes == ["non-cat", "cat"]
    assert int(data.y_train.sum()) == 72 and int(data.y_test.sum()) == 33
    assert 0.0 <= data.X_train.min() and data.X_train.max() <= 1.0
    import h5py
    with h5py.File(cat_dir / "train_catvnoncat.h5") as f:
        raw = np.asarray(f["train_set_x"])
    np.testing.assert_array_equal(data.X_train[5], raw[5].reshape(-1) / 255)
    course_layout = load_catvnoncat(cat_dir, layout="course")
    assert course_layout.X_train.shape == (12288, 209) and course_layout.y_train.shape == (1, 209)


def test_cat_loader_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="train_catvnoncat.h5: no such file"):
        load_catvnoncat(tmp_path)
    (tmp_path / "train_catvnoncat.h5").write_bytes(b"not hdf5 at all")
    with pytest.raises(ValueError, match="not a readable HDF5 file"):
        load_catvnoncat(tmp_path)
    import h5py
    with h5py.File(tmp_path / "train_catvnoncat.h5", "w") as f:
        f["train_set_x"] = np.zeros((2, 4, 4, 3))
    with pytest.raises(ValueError, match=r"missing dataset\(s\) \['train_set_y', 'list_classes'\]"):
        load_catvnoncat(tmp_path)


def test_deep_cat_model_follows_the_course(cat_dir):
    data = load_catvnoncat(cat_dir, layout="course")
    _, costs = course.L_layer_model(data.X_train, data.y_train, [12288, 20, 7, 5, 1], num_iterations=101)
    assert costs[0] == pytest.approx(0.771749, abs=1e-6)  # the course's printed costs
    assert costs[1] == pytest.approx(0.672053, abs=1e-6)


@pytest.mark.slow
def test_deep_and_two_layer_cat_models_reach_the_course_accuracy(cat_dir):
    data = load_catvnoncat(cat_dir, layout="course")
    parameters, costs = course.L_layer_model(data.X_train, data.y_train, [12288, 20, 7, 5, 1], num_iterations=2500)
    assert costs[24] == pytest.approx(0.092878, abs=1e-6)
    assert np.mean(course.predict(data.X_train, data.y_train, parameters) == data.y_train) == pytest.approx(0.985645933014)
    assert np.mean(course.predict(data.X_test, data.y_test, parameters) == data.y_test) == pytest.approx(0.8)
    parameters, costs = course.two_layer_model(data.X_train, data.y_train, (12288, 7, 1), num_iterations=2500)
    assert costs[0] == pytest.approx(0.693049735659989, abs=1e-9) and costs[24] == pytest.approx(0.048554785628770, abs=1e-9)
    assert np.mean(course.predict(data.X_train, data.y_train, parameters) == data.y_train) == 1.0
    assert np.mean(course.predict(data.X_test, data.y_test, parameters) == data.y_test) == pytest.approx(0.72)


# ------------------------------------------------------------------ other namespaces
@pytest.mark.parametrize("device", ["CPU_DEVICE", "device1"])
@pytest.mark.parametrize("loss,acts", [("binary_crossentropy", ["tanh", "relu"]),
                                       ("categorical_crossentropy", ["leaky_relu", "sigmoid"]),
                                       ("mse", ["linear", "tanh"])])
def test_core_on_array_api_strict_matches_numpy(device, loss, acts):
    xp = pytest.importorskip("array_api_strict")
    dev = xp.Device(device)
    rng = np.random.RandomState(0)
    X = rng.randn(4, 9)
    Y = {"binary_crossentropy": (rng.rand(1, 9) > 0.5) * 1.0, "mse": rng.randn(1, 9),
         "categorical_crossentropy": np.eye(3)[:, rng.randint(0, 3, 9)]}[loss]
    dims = [4, 5, 3, Y.shape[0]]
    args = dict(activations=acts, loss=loss, learning_rate=0.1, num_iterations=5, init="he", random_state=3)
    p_np, c_np = core.train(X, Y, dims, **args)
    Xs, Ys = xp.asarray(X, device=dev), xp.asarray(Y, device=dev)
    p_xp, c_xp = core.train(Xs, Ys, dims, **args)
    assert p_xp[0].W.device == dev
    np.testing.assert_allclose(c_xp, c_np, rtol=1e-12)
    for a, b in zip(p_np, p_xp):
        np.testing.assert_allclose(np.from_dlpack(b.W), a.W, rtol=1e-12, atol=1e-15)
    pred = core.predict(Xs, p_xp, acts, loss)
    np.testing.assert_array_equal(np.from_dlpack(pred), core.predict(X, p_np, acts, loss))
    if device == "device1":
        with pytest.raises(RuntimeError):
            np.asarray(p_xp[0].W)  # like a GPU, device1 refuses silent conversion: nothing in train did it


def test_week3_forward_and_backward_propagation_by_hand():
    rng = np.random.RandomState(2)
    X, Y = rng.randn(2, 5), (rng.rand(1, 5) > 0.5) * 1.0
    parameters = course.initialize_parameters(2, 4, 1, random_state=2)
    parameters["b1"] = rng.randn(4, 1)
    assert course.layer_sizes(X, Y) == (2, 4, 1)
    A2, cache = course.forward_propagation(X, parameters)
    # the week 3 notebook's formulas, written out
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    np.testing.assert_allclose(A2, 1 / (1 + np.exp(-Z2)), rtol=1e-14)
    np.testing.assert_allclose(cache["A1"], A1, rtol=1e-14)
    grads = course.backward_propagation(parameters, cache, X, Y)
    dZ2 = A2 - Y
    dZ1 = parameters["W2"].T @ dZ2 * (1 - A1**2)
    np.testing.assert_allclose(grads["dW2"], dZ2 @ A1.T / 5, rtol=1e-12)
    np.testing.assert_allclose(grads["db2"], dZ2.sum(axis=1, keepdims=True) / 5, rtol=1e-12)
    np.testing.assert_allclose(grads["dW1"], dZ1 @ X.T / 5, rtol=1e-12)
    np.testing.assert_allclose(grads["db1"], dZ1.sum(axis=1, keepdims=True) / 5, rtol=1e-12)

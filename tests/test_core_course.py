"""The core's draws as the course's, the course's data, and the core on other array namespaces.

The course's functions themselves are tested, function by function, in tests/test_course_week{2,3,4}.py.
"""

import numpy as np
import pytest

from layerwise import core
from layerwise.datasets import load_catvnoncat, make_flower


def test_draws_are_np_random_randn_layer_by_layer():
    rng = np.random.RandomState(7)  # the course's np.random.seed(7); np.random.randn(...), in order
    expected = [rng.randn(4, 3) * np.sqrt(2 / 3), rng.randn(2, 4) * np.sqrt(2 / 4)]
    params = core.init_params([3, 4, 2], "he", random_state=7)
    for p, W in zip(params, expected):
        np.testing.assert_array_equal(p.W, W)
        np.testing.assert_array_equal(p.b, np.zeros((p.W.shape[0], 1)))
    xavier = core.init_params([3, 4, 2], "xavier", random_state=7)
    np.testing.assert_allclose(xavier[0].W, expected[0] / np.sqrt(2), rtol=1e-15)


# ------------------------------------------------------------------ the course's data
def test_make_flower_is_the_course_generator():
    rng = np.random.RandomState(1)  # the course's load_planar_dataset, written out again
    m, N, a = 400, 200, 4
    X = np.zeros((m, 2))
    for j in range(2):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.2
        r = a * np.sin(4 * t) + rng.randn(N) * 0.2
        X[N * j : N * (j + 1)] = np.c_[r * np.sin(t), r * np.cos(t)]
    Xf, yf = make_flower()
    np.testing.assert_array_equal(Xf, X)
    np.testing.assert_array_equal(yf, np.repeat([0, 1], 200))
    Xc, Yc = make_flower(layout="course")
    assert Xc.shape == (2, 400) and Yc.shape == (1, 400)
    with pytest.raises(ValueError, match="even integer"):
        make_flower(m=3)


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


# ------------------------------------------------------------------ other namespaces
@pytest.mark.parametrize("device", ["CPU_DEVICE", "device1"])
@pytest.mark.parametrize(
    "loss,acts",
    [
        ("binary_crossentropy", ["tanh", "relu"]),
        ("categorical_crossentropy", ["leaky_relu", "sigmoid"]),
        ("mse", ["linear", "tanh"]),
    ],
)
def test_core_on_array_api_strict_matches_numpy(device, loss, acts):
    xp = pytest.importorskip("array_api_strict")
    dev = xp.Device(device)
    rng = np.random.RandomState(0)
    X = rng.randn(4, 9)
    Y = {
        "binary_crossentropy": (rng.rand(1, 9) > 0.5) * 1.0,
        "mse": rng.randn(1, 9),
        "categorical_crossentropy": np.eye(3)[:, rng.randint(0, 3, 9)],
    }[loss]
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

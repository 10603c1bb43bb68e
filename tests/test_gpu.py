"""The engine and the estimators on CuPy against NumPy. Needs CuPy and a visible GPU; skipped otherwise.

Run on a GPU machine with ``python -m pytest -q tests/test_gpu.py`` (``bench/gpu.py`` runs the timing).
The reference is the NumPy engine from the same host-drawn weights: 1e-12 relative in float64.
"""

import warnings

import numpy as np
import pytest

cupy = pytest.importorskip("cupy")
try:
    _N_GPUS = cupy.cuda.runtime.getDeviceCount()
except Exception:  # no driver
    _N_GPUS = 0
pytestmark = pytest.mark.skipif(_N_GPUS == 0, reason="CuPy sees no GPU")

from layerwise import core  # noqa: E402
from layerwise.engine import FitConfig, Network, TrainState, make_optimizer, run_epoch  # noqa: E402
from layerwise.engine.cuda import GraphEpoch  # noqa: E402
from layerwise.engine.ops import NUMPY, ops_for  # noqa: E402
from layerwise.estimators import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402

HIDDEN = ["relu", "leaky_relu", "tanh", "sigmoid", "linear"]
LOSSES = {"binary_crossentropy": 1, "categorical_crossentropy": 4, "mse": 2}
OPTIMIZERS = {"gd": {}, "momentum": {"beta": 0.8}, "nesterov": {"beta": 0.8}, "rmsprop": {"beta": 0.9}, "adam": {}}
TOL = {np.float64: 1e-12, np.float32: 1e-5}


def _rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def _problem(loss, dtype, m=13, n_x=5, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(m, n_x)
    n_y = LOSSES[loss]
    Y = (
        (rng.rand(m, 1) > 0.5).astype(float)
        if loss == "binary_crossentropy"
        else np.eye(n_y)[rng.randint(0, n_y, m)]
        if loss == "categorical_crossentropy"
        else rng.randn(m, n_y)
    )
    return X.astype(dtype), Y.astype(dtype), [n_x, 7, 6, n_y]


def _train(ops, X, Y, dims, activation, loss, opt_name, dtype, graph, epochs=4):
    net = Network(dims, [activation] * 2, loss, dtype, ops=ops)
    net.set_params(core.init_params(dims, "xavier", 1, dtype=dtype))
    opt = make_optimizer(opt_name, net.size, net.dtype, ops=ops, **OPTIMIZERS[opt_name])
    cfg = FitConfig(batch_size=5, max_iter=epochs, learning_rate=0.05, alpha=0.1)  # 2 batches of 5 and one of 3
    run = GraphEpoch(net, opt, X, Y, cfg) if graph else run_epoch
    state, gen, order = TrainState(0.05), np.random.default_rng(3), np.arange(X.shape[0])
    costs = [run(net, opt, X, Y, None, cfg, state, gen, order) for _ in range(epochs)]
    return costs, ops.to_host(net.theta)


@pytest.mark.parametrize("graph", [False, True], ids=["loop", "graph"])
@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("activation", HIDDEN)
def test_cupy_trains_as_numpy_float64(activation, opt_name, loss, graph):
    X, Y, dims = _problem(loss, np.float64)
    costs, theta = _train(NUMPY, X, Y, dims, activation, loss, opt_name, np.float64, graph=False)
    ops = ops_for(cupy.asarray(X))
    costs_g, theta_g = _train(
        ops, cupy.asarray(X), cupy.asarray(Y), dims, activation, loss, opt_name, np.float64, graph
    )
    assert _rel(costs_g, costs) < 1e-12
    assert _rel(theta_g, theta) < 1e-12


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_graph_float32_follows_numpy(loss):
    X, Y, dims = _problem(loss, np.float32)
    costs, theta = _train(NUMPY, X, Y, dims, "relu", loss, "adam", np.float32, graph=False)
    ops = ops_for(cupy.asarray(X))
    costs_g, theta_g = _train(ops, cupy.asarray(X), cupy.asarray(Y), dims, "relu", loss, "adam", np.float32, True)
    assert _rel(costs_g, costs) < 1e-5 and _rel(theta_g, theta) < 1e-5


def _data(kind):
    rng = np.random.RandomState(0)
    X = rng.randn(150, 6)
    y = {"multiclass": np.argmax(X[:, :3], axis=1), "regression": X[:, 0] - 2 * X[:, 1]}[kind]
    return X, y


@pytest.mark.parametrize("solver", ["sgd", "adam", "gd", "lbfgs"])
def test_estimator_on_cuda_matches_cpu(solver):
    X, y = _data("multiclass")
    params = dict(hidden_layer_sizes=(16,), solver=solver, max_iter=5, batch_size=40, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cpu = NeuralNetClassifier(**params).fit(X, y)
        gpu = NeuralNetClassifier(device="cuda", **params).fit(X, y)
    assert isinstance(gpu.params_[0].W, cupy.ndarray)  # parameters stay on the fit device
    for p, q in zip(gpu.params_, cpu.params_):
        assert _rel(p.W.get(), q.W) < 1e-12 and _rel(p.b.get(), q.b) < 1e-12
    proba = gpu.predict_proba(cupy.asarray(X))
    assert isinstance(proba, cupy.ndarray) and _rel(proba.get(), cpu.predict_proba(X)) < 1e-12
    with pytest.raises(ValueError, match="to_device"):
        gpu.predict(X)
    assert np.array_equal(gpu.to_device("cpu").predict(X), cpu.predict(X))


def test_cupy_input_trains_on_its_gpu_and_model_files_load_onto_cuda(tmp_path):
    from layerwise import persistence

    X, y = _data("regression")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = NeuralNetRegressor((8,), max_iter=4, random_state=0).fit(cupy.asarray(X), cupy.asarray(y))
    assert isinstance(est.params_[0].W, cupy.ndarray)
    path = persistence.save(est, tmp_path / "m.safetensors")
    on_gpu = persistence.load(path, device="cuda")
    assert isinstance(on_gpu.params_[0].W, cupy.ndarray) and on_gpu.device == "cuda"
    np.testing.assert_array_equal(on_gpu.predict(cupy.asarray(X)).get(), est.predict(cupy.asarray(X)).get())
    np.testing.assert_allclose(persistence.load(path).predict(X), est.predict(cupy.asarray(X)).get(), rtol=1e-12)


def test_tf32_trains_float32_close_to_ieee():
    X, y = _data("multiclass")
    params = dict(hidden_layer_sizes=(64,), max_iter=3, random_state=0, dtype="float32", device="cuda")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = NeuralNetClassifier(precision="tf32", **params).fit(X, y)
        b = NeuralNetClassifier(**params).fit(X, y)
    assert _rel(a.params_[0].W.get(), b.params_[0].W.get()) < 1e-2


def test_dropout_and_weights_run_the_loop_on_the_gpu():
    X, y = _data("multiclass")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = NeuralNetClassifier((16,), dropout=0.2, max_iter=3, random_state=0, device="cuda")
        est.fit(X, y, sample_weight=np.linspace(0.5, 1.5, len(X)))
    assert np.isfinite(est.loss_curve_).all() and isinstance(est.params_[0].W, cupy.ndarray)

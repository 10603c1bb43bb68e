"""The core and the engine on array_api_strict's device1 (which, like a GPU, refuses silent conversion
to NumPy) against NumPy; the estimator's device bookkeeping; CUDA paths that need no GPU.

The reference is always the NumPy run of the same code from the same host-drawn weights: device1
must reproduce it to 1e-12 (relative, float64) for every activation, optimizer and output layer.
"""

import subprocess
import sys
import warnings

import numpy as np
import pytest

xps = pytest.importorskip("array_api_strict")

from layerwise import core  # noqa: E402
from layerwise.engine import FitConfig, Network, TrainState, make_optimizer, run_epoch  # noqa: E402
from layerwise.engine.ops import NUMPY, ops_for  # noqa: E402
from layerwise.estimators import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402

D1 = xps.Device("device1")
HIDDEN = ["relu", "leaky_relu", "tanh", "sigmoid", "linear"]
LOSSES = {"binary_crossentropy": 1, "categorical_crossentropy": 4, "mse": 2}
OPTIMIZERS = {"gd": {}, "momentum": {"beta": 0.8}, "nesterov": {"beta": 0.8}, "rmsprop": {"beta": 0.9}, "adam": {}}


def on_d1(A):
    return xps.asarray(A, device=D1)


def to_np(A):
    return np.from_dlpack(A)  # the explicit copy a device allows


def _rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / max(np.max(np.abs(np.asarray(b))), 1e-300))


def _problem(loss, m=13, n_x=5, seed=0):
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
    return X, Y, [n_x, 7, 6, n_y]


def test_device1_refuses_silent_conversion():
    with pytest.raises(RuntimeError):
        np.asarray(on_d1(np.ones(3)))


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", HIDDEN)
def test_core_forward_cost_backward_on_device1(activation, loss):
    X, Y, dims = _problem(loss)
    params = core.init_params(dims, "xavier", 1)
    params_d = core.init_params(dims, "xavier", 1, like_array=on_d1(X))
    assert all(p.W.device == D1 for p in params_d)
    AL, caches = core.model_forward(X.T, params, activation, loss)
    AL_d, caches_d = core.model_forward(on_d1(X.T), params_d, activation, loss)
    assert _rel(to_np(AL_d), AL) < 1e-12
    J, J_d = float(core.compute_cost(caches, Y.T, loss)), float(core.compute_cost(caches_d, on_d1(Y.T), loss))
    assert abs(J_d - J) <= 1e-12 * abs(J)
    grads = core.model_backward(AL, Y.T, caches, activation, loss)
    grads_d = core.model_backward(AL_d, on_d1(Y.T), caches_d, activation, loss)
    for g, g_d in zip(grads, grads_d):
        assert _rel(to_np(g_d.dW), g.dW) < 1e-12 and _rel(to_np(g_d.db), g.db) < 1e-12


def _train(ops, X, Y, dims, activation, loss, opt_name, keep_prob, epochs=4):
    net = Network(dims, [activation] * 2, loss, np.float64, ops=ops)
    net.set_params(core.init_params(dims, "xavier", 1))  # host draws, moved by set_params
    opt = make_optimizer(opt_name, net.size, net.dtype, ops=ops, **OPTIMIZERS[opt_name])
    cfg = FitConfig(batch_size=5, max_iter=epochs, learning_rate=0.05, alpha=0.1, keep_prob=keep_prob)
    state, gen, order = TrainState(0.05), np.random.default_rng(3), np.arange(X.shape[0])
    costs = [run_epoch(net, opt, X, Y, None, cfg, state, gen, order) for _ in range(epochs)]
    return costs, ops.to_host(net.theta)


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("activation", HIDDEN)
def test_engine_trains_on_device1_as_on_numpy(activation, opt_name, loss):
    """Shuffled minibatches, L2 and (for one activation) dropout: 4 epochs of 3 steps each."""
    X, Y, dims = _problem(loss)
    Xd, Yd = on_d1(X), on_d1(Y)
    ops = ops_for(Xd)
    assert ops is not NUMPY and ops.device == D1
    keep = 0.8 if activation == "tanh" else 1.0  # masks drawn on the host from the same generator
    costs, theta = _train(NUMPY, X, Y, dims, activation, loss, opt_name, keep)
    costs_d, theta_d = _train(ops, Xd, Yd, dims, activation, loss, opt_name, keep)
    assert _rel(costs_d, costs) < 1e-12
    assert _rel(theta_d, theta) < 1e-12


def test_engine_buffers_live_on_the_device():
    X, Y, dims = _problem("mse")
    ops = ops_for(on_d1(X))
    net = Network(dims, ["relu"] * 2, "mse", ops=ops)
    ws = net.workspace(4)
    assert net.theta.device == D1 and ws.A[0].device == D1 and ws.X.device == D1
    assert make_optimizer("adam", net.size, net.dtype, ops=ops).v.device == D1


# ---------------------------------------------------------------- the estimators' device bookkeeping
def _data(kind, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(120, 6)
    y = {
        "multiclass": np.argmax(X[:, :3], axis=1),
        "binary": (X[:, 0] > 0).astype(int),
        "regression": X[:, 0] - 2 * X[:, 1],
    }[kind]
    return X, y


@pytest.mark.parametrize(
    "solver,kind,extra",
    [
        ("adam", "multiclass", {}),
        ("sgd", "binary", {"early_stopping": True}),
        ("rmsprop", "regression", {}),
        ("gd", "binary", {}),
        ("lbfgs", "regression", {}),
    ],
)
def test_estimator_fits_on_device1_like_numpy(solver, kind, extra):
    X, y = _data(kind)
    cls = NeuralNetRegressor if kind == "regression" else NeuralNetClassifier
    params = dict(hidden_layer_sizes=(8,), solver=solver, max_iter=6, batch_size=32, random_state=0, **extra)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning after 6 iterations
        ref = cls(**params).fit(X, y)
        est = cls(**params).fit(on_d1(X), on_d1(y))
    assert all(p.W.device == D1 and p.b.device == D1 for p in est.params_)  # fitted where trained
    assert est.n_features_in_ == 6 and est.n_iter_ == ref.n_iter_
    assert _rel(est.loss_curve_, ref.loss_curve_) < 1e-12
    for p, q in zip(est.params_, ref.params_):
        assert _rel(to_np(p.W), q.W) < 1e-12
    pred = est.predict(on_d1(X))
    assert pred.device == D1 and np.array_equal(to_np(pred), ref.predict(X))
    if kind != "regression":
        assert _rel(to_np(est.predict_proba(on_d1(X))), ref.predict_proba(X)) < 1e-12
        assert _rel(to_np(est.predict_log_proba(on_d1(X))), ref.predict_log_proba(X)) < 1e-12
    assert est.score(on_d1(X), on_d1(y)) == pytest.approx(ref.score(X, y), rel=1e-12)


def test_predicting_across_libraries_is_refused_with_the_remedy():
    X, y = _data("multiclass")
    est = NeuralNetClassifier((8,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        on_device = est.fit(on_d1(X), y)
        with pytest.raises(ValueError, match=r"parameters are array_api_strict arrays.*X is made of NumPy.*to_device"):
            on_device.predict(X)
        on_cpu = NeuralNetClassifier((8,), max_iter=3, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=r"parameters are NumPy arrays.*X is made of array_api_strict"):
        on_cpu.predict_proba(on_d1(X))
    with pytest.raises(ValueError, match="to_device"):  # a warm start across libraries
        on_cpu.set_params(warm_start=True).fit(on_d1(X), y)


def test_to_device_moves_parameters_and_predictions_follow():
    X, y = _data("binary")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = NeuralNetClassifier((8,), max_iter=4, random_state=0, solver="adam").fit(on_d1(X), y)
    proba_d = to_np(est.predict_proba(on_d1(X)))
    cpu_device = xps.Device("CPU_DEVICE")
    est.to_device(cpu_device)  # a device object of the parameters' own library
    assert est.params_[0].W.device == cpu_device
    np.testing.assert_array_equal(to_np(est.predict_proba(xps.asarray(X, device=cpu_device))), proba_d)
    assert est.to_device("cpu") is est
    assert all(isinstance(p.W, np.ndarray) for p in est.params_) and est.device == "cpu"
    assert isinstance(est.opt_state_["v"], np.ndarray)  # the optimizer's state moved too
    np.testing.assert_array_equal(est.predict_proba(X), proba_d)
    with pytest.raises(ValueError, match="'cpu' or 'cuda'"):
        est.to_device("gpu")


def test_model_files_are_written_from_host_copies(tmp_path):
    from layerwise import persistence

    X, y = _data("regression")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = NeuralNetRegressor((8,), max_iter=3, random_state=0).fit(on_d1(X), on_d1(y))
    path = persistence.save(est, tmp_path / "model.safetensors")
    loaded = persistence.load(path)  # device="cpu"
    assert isinstance(loaded.params_[0].W, np.ndarray) and loaded.device == "cpu"
    np.testing.assert_array_equal(loaded.predict(X), to_np(est.predict(on_d1(X))))


# ---------------------------------------------------------------- CUDA without a GPU
def _without_cupy(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # `import cupy` raises ImportError


def test_device_cuda_without_cupy_says_how_to_install(monkeypatch):
    _without_cupy(monkeypatch)
    X, y = _data("binary")
    with pytest.raises(ImportError, match=r"pip install 'layerwise\[gpu\]'"):
        NeuralNetClassifier(device="cuda", max_iter=2).fit(X, y)
    est = NeuralNetClassifier((4,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    with pytest.raises(ImportError, match="layerwise\\[gpu\\]"):
        est.to_device("cuda")


def test_device_cuda_without_a_visible_gpu(monkeypatch):
    import types

    class Runtime:
        @staticmethod
        def getDeviceCount():
            raise RuntimeError("cudaErrorNoDevice: no CUDA-capable device is detected")

    fake = types.SimpleNamespace(cuda=types.SimpleNamespace(runtime=Runtime))
    monkeypatch.setitem(sys.modules, "cupy", fake)
    X, y = _data("binary")
    with pytest.raises(ValueError, match="sees no GPU.*cudaErrorNoDevice"):
        NeuralNetClassifier(device="cuda").fit(X, y)


def test_tf32_is_refused_for_float64_and_a_no_op_on_the_cpu():
    X, y = _data("binary")
    with pytest.raises(ValueError, match="precision='tf32' applies to float32"):
        NeuralNetClassifier(precision="tf32", max_iter=2).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = NeuralNetClassifier((8,), precision="tf32", dtype="float32", max_iter=3, random_state=0).fit(X, y)
        b = NeuralNetClassifier((8,), dtype="float32", max_iter=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_gpu_modules_import_without_cupy():
    code = (
        "import sys; sys.modules['cupy'] = None\n"
        "import layerwise.engine.cuda, layerwise.engine.cuda_kernels, layerwise.estimators.device\n"
        "from layerwise.estimators import NeuralNetClassifier\n"
        "assert NeuralNetClassifier(device='cuda').get_params()['device'] == 'cuda'\nprint('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"

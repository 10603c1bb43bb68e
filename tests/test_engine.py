"""The engine against the core: same numbers for every activation, output and optimizer; buffers reused."""

import tracemalloc

import numpy as np
import pytest

from layerwise import core
from layerwise.engine import FitConfig, Network, TrainState, make_optimizer, run_epoch

HIDDEN = ["relu", "leaky_relu", "tanh", "sigmoid", "linear"]
LOSSES = {"binary_crossentropy": 1, "categorical_crossentropy": 4, "mse": 2}
TOL = {np.float64: 1e-12, np.float32: 1e-5}


@pytest.fixture(autouse=True)
def _raise_on_fp_errors():
    with np.errstate(all="raise"):
        yield


def _problem(loss, dtype, m=13, n_x=5, seed=0):
    rng = np.random.RandomState(seed)
    n_y = LOSSES[loss]
    X = rng.randn(m, n_x)
    if loss == "binary_crossentropy":
        Y = (rng.rand(m, 1) > 0.5).astype(float)
    elif loss == "categorical_crossentropy":
        Y = np.eye(n_y)[rng.randint(0, n_y, m)]
    else:
        Y = rng.randn(m, n_y)
    return X.astype(dtype), Y.astype(dtype), [n_x, 7, 6, n_y]


def _rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", HIDDEN)
def test_forward_cost_backward_equal_core(activation, loss, dtype):
    X, Y, dims = _problem(loss, dtype)
    params = core.init_params(dims, "xavier", 1, dtype=dtype)
    net = Network(dims, [activation] * 2, loss, dtype)
    net.set_params(params)
    ws = net.workspace(X.shape[0])
    A = net.forward(ws, X)
    J = net.cost(ws, Y)
    net.backward(ws, X, Y)
    AL, caches = core.model_forward(X.T, params, activation, loss)  # the course's layout: one transpose
    J_core = float(core.compute_cost(caches, Y.T, loss))
    grads = core.model_backward(AL, Y.T, caches, activation, loss)
    tol = TOL[dtype]
    assert A.dtype == dtype and net.grad.dtype == dtype
    assert _rel(A.T, AL) < tol
    assert abs(J - J_core) / abs(J_core) < tol
    for l, g in enumerate(grads):
        assert _rel(net.dW[l], g.dW) < tol, f"dW{l + 1}"
        assert _rel(net.db[l], g.db) < tol, f"db{l + 1}"


SOLVERS = [
    ("gd", {}, "gd", {}),
    ("momentum", {"beta": 0.9}, "momentum", {"beta": 0.9}),
    ("momentum", {"beta": 0.8, "nesterov": True}, "nesterov", {"beta": 0.8}),
    # beta 0 runs as plain gd in the engine (one pass); the core's momentum keeps its velocity
    ("momentum", {"beta": 0.0}, "momentum", {"beta": 0.0}),
    ("momentum", {"beta": 0.0, "nesterov": True}, "nesterov", {"beta": 0.0}),
    ("rmsprop", {"beta": 0.9, "epsilon": 1e-8}, "rmsprop", {"beta": 0.9, "epsilon": 1e-8}),
    (
        "adam",
        {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8},
        "adam",
        {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8},
    ),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("engine_name,engine_hyper,core_name,core_hyper", SOLVERS)
def test_three_steps_of_every_optimizer_equal_core(engine_name, engine_hyper, core_name, core_hyper, loss, dtype):
    X, Y, dims = _problem(loss, dtype, seed=3)
    params = core.init_params(dims, "he", 2, dtype=dtype)
    net = Network(dims, ["tanh", "relu"], loss, dtype)
    net.set_params(params)
    opt = make_optimizer(engine_name, net.size, net.dtype, **engine_hyper)
    core_opt = core.get_optimizer(core_name, **core_hyper)
    state = core_opt.init(params)
    ws = net.workspace(X.shape[0])
    for _ in range(3):
        net.forward(ws, X)
        net.backward(ws, X, Y)
        opt.step(net.theta, net.grad, 0.05)
        AL, caches = core.model_forward(X.T, params, ["tanh", "relu"], loss)
        grads = core.model_backward(AL, Y.T, caches, ["tanh", "relu"], loss)
        params, state = core_opt.update(params, grads, state, 0.05)
    for l, p in enumerate(params):
        assert _rel(net.W[l], p.W) < TOL[dtype]
        assert _rel(net.b[l], p.b) < TOL[dtype]


def test_l2_matches_finite_differences_and_scikit_learn_convention():
    X, Y, dims = _problem("binary_crossentropy", np.float64, m=9)
    net = Network(dims, ["tanh", "tanh"], "binary_crossentropy")
    net.set_params(core.init_params(dims, "xavier", 0))
    alpha, ws = 0.3, net.workspace(9)

    def J(theta):
        np.copyto(net.theta, theta)
        net.forward(ws, X)
        return net.cost(ws, Y, alpha=alpha)

    theta0 = net.theta.copy()
    J(theta0)
    g = net.backward(ws, X, Y, alpha=alpha).copy()
    num = core.numerical_gradient(J, theta0, eps=1e-6)
    assert core.relative_error(g, num) < 1e-7
    # the penalty is alpha / (2 m) * sum ||W||^2 (biases excluded), as scikit-learn's MLP
    np.copyto(net.theta, theta0)
    net.forward(ws, X)
    W2 = sum(float(np.sum(W * W)) for W in net.W)
    assert abs(net.cost(ws, Y, alpha=alpha) - net.cost(ws, Y) - 0.5 * alpha * W2 / 9) < 1e-14


def test_sample_weights_equal_repeated_examples():
    X, Y, dims = _problem("categorical_crossentropy", np.float64, m=6)
    w = np.array([1.0, 2.0, 1.0, 3.0, 1.0, 1.0])
    rep = np.repeat(np.arange(6), w.astype(int))
    net = Network(dims, ["relu", "relu"], "categorical_crossentropy")
    net.set_params(core.init_params(dims, "he", 0))
    ws = net.workspace(6)
    net.forward(ws, X)
    Jw = net.cost(ws, Y, w)
    gw = net.backward(ws, X, Y, w).copy()
    ws2 = net.workspace(len(rep))
    net.forward(ws2, X[rep])
    assert abs(net.cost(ws2, Y[rep]) - Jw) < 1e-13
    assert _rel(gw, net.backward(ws2, X[rep], Y[rep])) < 1e-12


def test_dropout_gradient_is_the_gradient_of_the_masked_network():
    X, Y, dims = _problem("mse", np.float64, m=8)
    net = Network(dims, ["tanh", "sigmoid"], "mse")
    net.set_params(core.init_params(dims, "xavier", 0))
    ws = net.workspace(8, dropout=True)
    net.forward(ws, X, keep_prob=0.6, rng=np.random.default_rng(0))
    D = [d.copy() for d in ws.D]
    assert set(np.unique(D[0])) <= {0.0, 1 / 0.6}
    g = net.backward(ws, X, Y, keep_prob=0.6).copy()

    def J(theta):  # the same network with the masks held fixed, written with core's blocks
        net2 = Network(dims, ["tanh", "sigmoid"], "mse")
        net2.theta[:] = theta
        A = X.T
        for l, act in enumerate(["tanh", "sigmoid"]):
            A = core.get_activation(act).forward(net2.W[l] @ A + net2.b[l]) * D[l].T
        ZL = net2.W[2] @ A + net2.b[2]
        return float(core.get_loss("mse").cost(ZL, Y.T))

    num = core.numerical_gradient(J, net.theta.copy(), eps=1e-6)
    assert core.relative_error(g, num) < 1e-7


@pytest.mark.parametrize("shuffle", [True, False])
def test_buffers_are_allocated_once_and_reused(shuffle):
    rng = np.random.RandomState(0)
    X = rng.randn(1000, 20).astype(np.float32)
    Y = np.eye(3, dtype=np.float32)[rng.randint(0, 3, 1000)]
    net = Network([20, 32, 32, 3], ["relu", "relu"], "categorical_crossentropy", np.float32)
    net.set_params(core.init_params(net.layer_dims, "he", 0, dtype=np.float32))
    opt = make_optimizer("adam", net.size, net.dtype)
    cfg = FitConfig(batch_size=64, max_iter=5, learning_rate=1e-3, shuffle=shuffle, alpha=1e-4, keep_prob=0.9)
    state, gen, order = TrainState(1e-3), np.random.default_rng(0), np.arange(1000)
    run_epoch(net, opt, X, Y, None, cfg, state, gen, order)  # warm-up: workspaces for 64 and the last 40
    buffers = {k: [id(a) for a in ws.A + ws.dZ] for k, ws in net._workspaces.items()}
    tracemalloc.start()
    run_epoch(net, opt, X, Y, None, cfg, state, gen, order)
    base = tracemalloc.get_traced_memory()[0]
    for _ in range(3):
        run_epoch(net, opt, X, Y, None, cfg, state, gen, order)
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert sorted(net._workspaces) == [(40, True), (64, True)]
    assert {k: [id(a) for a in ws.A + ws.dZ] for k, ws in net._workspaces.items()} == buffers
    assert grown < 64 * 1024, f"memory grew by {grown} bytes over 3 epochs"

"""The engine's shortcuts against its plain forms: the gradient gain, the softmax's cached rows, ReLU's zeros.

Each shortcut is checked against an independent computation of the same quantity (the plain step on the
plain gradient, the allocating kernels, NumPy's own ReLU), in float64 to 1e-12.
"""

import numpy as np
import pytest

from layerwise import core
from layerwise.core.network import LayerGrads
from layerwise.engine import OPTIMIZERS, Network, make_optimizer
from layerwise.engine.kernels import ACTIVATIONS
from layerwise.engine.ops import NUMPY
from layerwise.engine.outputs import OUTPUTS


@pytest.fixture(autouse=True)
def _raise_on_fp_errors():
    with np.errstate(all="raise", under="ignore"):
        yield


def _rel(a, b):
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


HYPER = {"momentum": {"beta": 0.8}, "nesterov": {"beta": 0.7}, "rmsprop": {"beta": 0.9}, "adam": {"beta_1": 0.85}}


@pytest.mark.parametrize("name", ["momentum", "nesterov"])
def test_momentum_zero_runs_as_plain_gradient_descent_with_the_same_steps(name):
    # beta 0: v = g and theta -= alpha g. The engine hands it to gd (one pass, no velocity); the core's
    # momentum rule, which keeps v, is the independent reference.
    rng = np.random.default_rng(1)
    theta = rng.standard_normal(40)
    opt = make_optimizer(name, 40, np.float64, beta=0.0)
    assert opt.name == "gd" and not hasattr(opt, "v")
    params = (core.LayerParams(theta[:30].reshape(5, 6).copy(), theta[30:35].reshape(5, 1).copy()),)
    core_opt = core.get_optimizer(name, beta=0.0)
    state = core_opt.init(params)
    for lr in (0.1, 0.1, 0.03):
        g = rng.standard_normal(40)
        grads = (LayerGrads(g[:30].reshape(5, 6), g[30:35].reshape(5, 1)),)
        gain = opt.gain(lr)
        opt.step(theta[:35], g[:35] * gain, lr, gain)
        params, state = core_opt.update(params, grads, state, lr)
    assert _rel(theta[:30], params[0].W.ravel()) < 1e-12
    assert _rel(theta[30:35], params[0].b.ravel()) < 1e-12


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_a_step_on_the_gradient_times_its_gain_equals_the_plain_step(name):
    rng = np.random.default_rng(0)
    theta0 = rng.standard_normal(50)
    plain, fast = (make_optimizer(name, 50, np.float64, **HYPER.get(name, {})) for _ in range(2))
    a, b = theta0.copy(), theta0.copy()
    for lr in (0.05, 0.05, 0.02):
        g = rng.standard_normal(50)
        gain = fast.gain(lr)
        assert gain != 0
        plain.step(a, g.copy(), lr)
        fast.step(b, g * gain, lr, gain)
    assert _rel(b, a) < 1e-12
    assert not np.allclose(a, theta0)  # the steps moved theta


@pytest.mark.parametrize("weighted", [False, True])
def test_backward_with_a_gain_is_the_gradient_times_the_gain(weighted):
    rng = np.random.default_rng(1)
    dims = [5, 7, 6, 3]
    X = rng.standard_normal((11, 5))
    Y = np.eye(3)[rng.integers(0, 3, 11)]
    w = rng.uniform(0.5, 2.0, 11) if weighted else None
    net = Network(dims, ["relu", "tanh"], "categorical_crossentropy")
    net.set_params(core.init_params(dims, "he", 0))
    ws = net.workspace(11)
    net.forward(ws, X)
    g1 = net.backward(ws, X, Y, w, alpha=0.3).copy()
    g2 = net.backward(ws, X, Y, w, alpha=0.3, gain=0.07).copy()
    assert _rel(g2, 0.07 * g1) < 1e-12


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("loss", sorted(OUTPUTS))
def test_output_kernels_with_a_workspace_equal_the_allocating_forms(loss, weighted):
    rng = np.random.default_rng(2)
    m, n = 9, 4
    dims = [3, 5, n]
    net = Network(dims, ["relu"], loss)
    ws = net.workspace(m)
    Z = 20 * rng.standard_normal((m, n))  # large logits: the max shift matters
    Y = np.eye(n)[rng.integers(0, n, m)] if loss != "mse" else rng.standard_normal((m, n))
    w = rng.uniform(0.5, 2.0, m) if weighted else None
    out = OUTPUTS[loss]
    A_ref, A = np.empty((m, n)), np.empty((m, n))
    out.activate(NUMPY, Z, A_ref)
    out.activate(NUMPY, Z, A, ws)
    assert _rel(A, A_ref) < 1e-12
    ref = float(out.cost_sum(NUMPY, Z, Y, w))
    assert abs(float(out.cost_sum(NUMPY, Z, Y, w, ws)) - ref) <= 1e-12 * abs(ref)
    assert abs(float(out.cost_sum(NUMPY, Z, Y, w, ws)) - ref) <= 1e-12 * abs(ref)  # the cost leaves the rows intact
    if loss == "categorical_crossentropy":  # against the core's loss on the course layout
        J_core = float(core.get_loss(loss).cost(Z.T, Y.T)) * m
        if not weighted:
            assert abs(ref - J_core) <= 1e-12 * abs(J_core)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_relu_against_a_zeros_buffer_equals_the_definition(dtype):
    rng = np.random.default_rng(3)
    Z = rng.standard_normal((8, 6)).astype(dtype)
    Z[0, :3] = 0.0
    A = Z.copy()
    ACTIVATIONS["relu"].forward(NUMPY, A, np.zeros_like(Z))
    np.testing.assert_array_equal(A, np.where(Z > 0, Z, 0))
    dA = rng.standard_normal(Z.shape).astype(dtype)
    dZ = dA.copy()
    ACTIVATIONS["relu"].backward(NUMPY, dZ, A, np.empty_like(A))
    np.testing.assert_array_equal(dZ, np.where(Z > 0, dA, 0))  # 0 at the kink z = 0, as the core

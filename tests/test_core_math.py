"""The core's math against independent references: numerical gradients, hand-worked values,
the loop version, the generic dA[L] path."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from layerwise import core
from layerwise.core import reference

HSET = settings(max_examples=40, deadline=None, derandomize=True)
SMOOTH = ["sigmoid", "tanh", "linear"]
ALL_ACTS = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]


def targets(loss, n_y, m, rng):
    if loss == "binary_crossentropy":
        return (rng.rand(n_y, m) > 0.5).astype(float)
    if loss == "categorical_crossentropy":
        return np.eye(n_y)[:, rng.randint(0, n_y, m)]
    return rng.randn(n_y, m)


# The gradient checks' tolerance. The central difference (J(x + eps) - J(x - eps)) / (2 eps) at the course's
# eps = 1e-7 has two errors: truncation, eps^2 / 6 |J'''| (about 1e-15 here, nothing), and round-off: each J
# is computed to about k u J_scale (u the unit round-off, k the length of its longest sum, J_scale the size of
# the terms it adds, which can be far larger than J), so each component is off by up to k u J_scale / eps, and
# the gradient by sqrt(N) times that. Where the gradient itself is that small (a saturated tanh or sigmoid:
# g'(Z) ~ 1e-6 while J ~ 1), the course's relative error of 1e-7 measures the round-off, not the backward pass,
# and which examples reach it depends on the machine's rounding and on Hypothesis' draw. So a check passes with
# the course's 1e-7 or, when larger, the relative error the round-off alone can produce (4x the bound).
U = np.finfo(np.float64).eps / 2
EPS = 1e-7  # check_block's and check_network's step, the course's


def gradcheck_tolerance(analytic: np.ndarray, k: int, J_scale: float, scale: float = 1.0) -> float:
    """max(1e-7, what round-off in the central difference can make of the relative error for this gradient)."""
    analytic = np.ravel(analytic)
    noise = 4 * scale * math.sqrt(analytic.size) * k * U * J_scale / EPS
    norm = float(np.linalg.norm(analytic))
    return max(1e-7, noise / (2 * norm) if norm > 0 else math.inf)


def kink_free(X, params, acts):
    """True when no hidden pre-activation of a ReLU-like layer is within 1e-4 of the kink."""
    A = X
    for p, g in zip(params[:-1], acts):
        Z = p.W @ A + p.b
        if g in ("relu", "leaky_relu") and np.min(np.abs(Z)) < 1e-4:
            return False
        A = core.get_activation(g).forward(Z)
    return True


# ------------------------------------------------------------------ activations
@pytest.mark.parametrize("name", ALL_ACTS)
def test_activation_derivative_matches_central_differences(name):
    g = core.get_activation(name)
    Z = np.array([-3.0, -1.2, -0.3, 0.4, 0.9, 2.5])
    h = 1e-6
    numeric = (g.forward(Z + h) - g.forward(Z - h)) / (2 * h)
    np.testing.assert_allclose(g.derivative(Z), numeric, rtol=1e-8, atol=1e-10)


def test_activation_values_by_hand():
    Z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(
        core.get_activation("sigmoid").forward(Z), [[1 / (1 + math.e**2), 0.5, 1 / (1 + math.e**-3)]]
    )
    np.testing.assert_allclose(core.get_activation("relu").forward(Z), [[0, 0, 3]])
    np.testing.assert_allclose(core.get_activation("leaky_relu").forward(Z), [[-0.02, 0, 3]])
    np.testing.assert_allclose(core.leaky_relu(0.2).forward(Z), [[-0.4, 0, 3]])
    np.testing.assert_allclose(core.get_activation("tanh").forward(Z), np.tanh(Z))
    S = core.softmax(np.array([[1.0, 0.0], [2.0, 0.0]]))
    np.testing.assert_allclose(S[:, 0], [1 / (1 + math.e), math.e / (1 + math.e)])
    np.testing.assert_allclose(S[:, 1], [0.5, 0.5])


def test_softmax_backward_is_its_jacobian():
    rng = np.random.RandomState(0)
    Z, dA = rng.randn(4, 3), rng.randn(4, 3)
    dZ = core.get_activation("softmax").backward(dA, Z)
    for i in range(3):
        a = core.softmax(Z[:, i : i + 1])[:, 0]
        J = np.diag(a) - np.outer(a, a)
        np.testing.assert_allclose(dZ[:, i], J @ dA[:, i], rtol=1e-12)


def test_unknown_names_are_clear_errors():
    with pytest.raises(ValueError, match="unknown activation 'swish'.*relu"):
        core.get_activation("swish")
    with pytest.raises(ValueError, match="unknown loss 'hinge'.*mse"):
        core.get_loss("hinge")
    with pytest.raises(ValueError, match="unknown initializer 'glorot'.*xavier"):
        core.get_initializer("glorot")
    with pytest.raises(ValueError, match="unknown optimizer 'adagrad'.*adam"):
        core.get_optimizer("adagrad")


# ------------------------------------------------------------------ gradient checks
@HSET
@given(
    n_prev=st.integers(1, 5),
    n=st.integers(1, 5),
    m=st.integers(1, 6),
    act=st.sampled_from(ALL_ACTS),
    seed=st.integers(0, 2**31 - 1),
)
def test_linear_activation_block_gradients(n_prev, n, m, act, seed):
    rng = np.random.RandomState(seed)
    A_prev, W, b, dA = rng.randn(n_prev, m), rng.randn(n, n_prev), rng.randn(n, 1), rng.randn(n, m)
    assume(act not in ("relu", "leaky_relu") or np.min(np.abs(W @ A_prev + b)) > 1e-4)
    errors = core.check_block(
        lambda A_prev, W, b: core.linear_activation_forward(A_prev, W, b, act),
        lambda dA, cache: core.linear_activation_backward(dA, cache, act),
        [A_prev, W, b],
        dA,
    )
    # J = sum(A * dA) / m; its terms, and the rounding of Z = W A_prev + b (n_prev + 1 terms) carried by g'(Z)
    Z = W @ A_prev + b
    A, dZ = core.get_activation(act).forward(Z), core.get_activation(act).backward(dA, Z)
    J_scale = (np.sum(np.abs(A * dA)) + np.sum(np.abs(dZ) * (np.abs(W) @ np.abs(A_prev) + np.abs(b)))) / m
    k = n_prev + 1 + n * m
    analytic = core.linear_activation_backward(dA, core.linear_activation_forward(A_prev, W, b, act)[1], act)
    tolerances = [gradcheck_tolerance(g, k, J_scale, scale=s) for g, s in zip(analytic, (m, 1, 1))]
    assert all(e < t for e, t in zip(errors, tolerances)), (errors, tolerances)


@HSET
@given(
    dims=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    m=st.integers(1, 6),
    acts=st.lists(st.sampled_from(ALL_ACTS), min_size=3, max_size=3),
    loss=st.sampled_from(["binary_crossentropy", "categorical_crossentropy", "mse"]),
    seed=st.integers(0, 2**31 - 1),
)
def test_whole_network_gradients(dims, m, acts, loss, seed):
    if loss == "categorical_crossentropy":
        assume(dims[-1] >= 2)
    L = len(dims) - 1
    acts = acts[: L - 1]
    rng = np.random.RandomState(seed)
    params = core.init_params(dims, "xavier", seed)
    params = tuple(core.LayerParams(p.W, rng.randn(*p.b.shape) * 0.1) for p in params)
    X = rng.randn(dims[0], m)
    assume(kink_free(X, params, acts))
    Y = targets(loss, dims[-1], m, rng)
    # J's terms: the per-example losses, computed from the logits Z[L] (stable forms add terms of size |Z|)
    AL, caches = core.model_forward(X, params, acts, loss)
    grads = core.model_backward(AL, Y, caches, acts, loss)
    ZL = caches[-1].Z
    J_scale = float(core.compute_cost(caches, Y, loss)) + float(np.sum(np.abs(ZL))) / m
    k = sum(dims) + m
    analytic = np.concatenate([np.ravel(a) for g in grads for a in (g.dW, g.db)])
    assert core.check_network(X, Y, params, acts, loss) < gradcheck_tolerance(analytic, k, J_scale)


# ------------------------------------------------------------------ the loss owns the output layer
def test_generic_dAL_through_sigmoid_equals_fused_dZL():
    rng = np.random.RandomState(3)
    ZL = rng.randn(1, 7) * 3
    Y = (rng.rand(1, 7) > 0.5).astype(float)
    AL = core.sigmoid(ZL)
    dAL = -(Y / AL - (1 - Y) / (1 - AL))  # the course's generic start of backprop
    dZ_generic = core.get_activation("sigmoid").backward(dAL, ZL)
    np.testing.assert_allclose(dZ_generic, core.get_loss("binary_crossentropy").delta(AL, Y), rtol=1e-12, atol=1e-15)


def test_generic_dAL_through_softmax_equals_fused_dZL():
    rng = np.random.RandomState(4)
    ZL = rng.randn(4, 5)
    Y = np.eye(4)[:, rng.randint(0, 4, 5)]
    AL = core.softmax(ZL)
    dZ_generic = core.get_activation("softmax").backward(-Y / AL, ZL)
    np.testing.assert_allclose(dZ_generic, AL - Y, rtol=1e-12, atol=1e-15)


def test_costs_from_logits_match_the_textbook_formulas():
    rng = np.random.RandomState(5)
    Z, Y = rng.randn(3, 8), (rng.rand(3, 8) > 0.5).astype(float)
    A = 1 / (1 + np.exp(-Z))
    bce = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / 8
    assert float(core.get_loss("binary_crossentropy").cost(Z, Y)) == pytest.approx(bce, rel=1e-13)
    Yc = np.eye(3)[:, rng.randint(0, 3, 8)]
    S = np.exp(Z) / np.exp(Z).sum(axis=0)
    assert float(core.get_loss("categorical_crossentropy").cost(Z, Yc)) == pytest.approx(
        -np.sum(Yc * np.log(S)) / 8, rel=1e-13
    )
    Yr = rng.randn(3, 8)
    assert float(core.get_loss("mse").cost(Z, Yr)) == pytest.approx(np.sum((Z - Yr) ** 2) / 16, rel=1e-13)


@HSET
@given(z=st.floats(-1e4, 1e4), y=st.sampled_from([0.0, 1.0]))
def test_no_overflow_or_infinite_cost_up_to_1e4(z, y):
    Z = np.array([[z, -z]])
    Y = np.array([[y, 1 - y]])
    for name in ALL_ACTS:
        g = core.get_activation(name)
        assert np.all(np.isfinite(g.forward(Z))) and np.all(np.isfinite(g.derivative(Z)))
    assert math.isfinite(float(core.get_loss("binary_crossentropy").cost(Z, Y)))
    Zc = np.array([[z], [-z], [0.0]])
    assert math.isfinite(float(core.get_loss("categorical_crossentropy").cost(Zc, np.array([[0.0], [1.0], [0.0]]))))
    assert np.all(np.isfinite(core.softmax(Zc)))


# ------------------------------------------------------------------ vectorized against the loops
@pytest.mark.parametrize("n_x,m", [(1, 1), (3, 7), (12, 40)])
def test_vectorized_logistic_regression_equals_loop_reference(n_x, m):
    rng = np.random.RandomState(n_x * m)
    w, b, X = rng.randn(n_x, 1) * 0.5, 0.3, rng.randn(n_x, m)
    Y = (rng.rand(1, m) > 0.5).astype(float)
    params = (core.LayerParams(w.T, np.array([[b]])),)
    AL, caches = core.model_forward(X, params)
    (g,) = core.model_backward(AL, Y, caches)
    J = float(core.compute_cost(caches, Y))
    for loop in (reference.propagate_loops, reference.propagate_example_loop):
        dw, db, J_loop = loop(w, b, X, Y)
        np.testing.assert_allclose(g.dW.T, dw, rtol=1e-12, atol=1e-15)
        assert float(g.db[0, 0]) == pytest.approx(db, rel=1e-12, abs=1e-15)
        assert J == pytest.approx(J_loop, rel=1e-12)


# ------------------------------------------------------------------ symmetry
def _hidden_rows(init, random_state):
    rng = np.random.RandomState(0)
    X = rng.randn(3, 50)
    Y = (X[0:1] * X[1:2] > 0).astype(float)
    params, _ = core.train(
        X, Y, [3, 4, 1], "tanh", learning_rate=0.5, num_iterations=200, init=init, random_state=random_state
    )
    return params[0].W


def test_zero_initialization_keeps_hidden_units_identical():
    W1 = _hidden_rows("zeros", None)
    for row in W1[1:]:
        np.testing.assert_array_equal(row, W1[0])


def test_random_initialization_breaks_symmetry():
    W1 = _hidden_rows("random", 1)
    assert np.min([np.abs(W1[i] - W1[j]).max() for i in range(4) for j in range(i + 1, 4)]) > 1e-3


# ------------------------------------------------------------------ optimizers, worked by hand
def _one_layer(W, dW):
    return (core.LayerParams(np.array([[W]]), np.array([[0.0]])),), (
        core.LayerGrads(np.array([[dW]]), np.array([[0.0]])),
    )


def test_momentum_step_by_hand():
    params, grads = _one_layer(1.0, 2.0)
    opt = core.momentum(beta=0.9)
    p, v = opt.update(params, grads, opt.init(params), 0.1)
    assert float(v[0].W[0, 0]) == pytest.approx(0.2)  # v = 0.9 * 0 + 0.1 * 2
    assert float(p[0].W[0, 0]) == pytest.approx(0.98)  # W = 1 - 0.1 * 0.2
    p, v = opt.update(p, grads, v, 0.1)
    assert float(v[0].W[0, 0]) == pytest.approx(0.38)  # 0.9 * 0.2 + 0.2
    assert float(p[0].W[0, 0]) == pytest.approx(0.942)


def test_nesterov_step_by_hand():
    params, grads = _one_layer(1.0, 2.0)
    opt = core.get_optimizer("nesterov", beta=0.9)
    p, v = opt.update(params, grads, opt.init(params), 0.1)
    assert float(p[0].W[0, 0]) == pytest.approx(1 - 0.1 * (0.9 * 0.2 + 0.1 * 2))


def test_rmsprop_step_by_hand():
    params, grads = _one_layer(1.0, 2.0)
    opt = core.rmsprop(beta=0.9, epsilon=1e-8)
    p, s = opt.update(params, grads, opt.init(params), 0.1)
    assert float(s[0].W[0, 0]) == pytest.approx(0.4)  # 0.1 * 2^2
    assert float(p[0].W[0, 0]) == pytest.approx(1 - 0.1 * 2 / (math.sqrt(0.4) + 1e-8))


def test_adam_steps_by_hand():
    params, grads = _one_layer(1.0, 2.0)
    opt = core.adam()
    p, state = opt.update(params, grads, opt.init(params), 0.1)
    # t = 1: v = 0.2, s = 0.004; corrected v = 2, s = 4: W = 1 - 0.1 * 2 / (2 + 1e-8)
    assert float(p[0].W[0, 0]) == pytest.approx(1 - 0.1 * 2 / (2 + 1e-8), rel=1e-12)
    grads2 = (core.LayerGrads(np.array([[-1.0]]), np.array([[0.0]])),)
    p2, (t, v, s) = opt.update(p, grads2, state, 0.1)
    v_hat = (0.9 * 0.2 + 0.1 * -1) / (1 - 0.9**2)
    s_hat = (0.999 * 0.004 + 0.001 * 1) / (1 - 0.999**2)
    assert t == 2
    assert float(p2[0].W[0, 0]) == pytest.approx(
        float(p[0].W[0, 0]) - 0.1 * v_hat / (math.sqrt(s_hat) + 1e-8), rel=1e-12
    )


@pytest.mark.parametrize(
    "name,lr", [("gd", 0.5), ("momentum", 0.5), ("nesterov", 0.5), ("rmsprop", 0.01), ("adam", 0.01)]
)
def test_every_optimizer_decreases_a_convex_cost(name, lr):
    rng = np.random.RandomState(2)
    X = rng.randn(3, 100)
    Y = (X[0:1] - X[1:2] + 0.3 * rng.randn(1, 100) > 0).astype(float)
    _, costs = core.train(X, Y, [3, 1], (), learning_rate=lr, num_iterations=300, init="zeros", optimizer=name)
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(costs))
    assert costs[-1] < 0.5 * costs[0]


# ------------------------------------------------------------------ errors at the boundary
def test_dimension_mismatch_names_layer_and_shapes():
    params = core.init_params([3, 4, 1], random_state=0)
    bad = (params[0], core.LayerParams(np.zeros((1, 5)), np.zeros((1, 1))))
    with pytest.raises(ValueError, match=r"layer 2: W2 has shape \(1, 5\).*A_prev has shape \(4, 7\)"):
        core.model_forward(np.zeros((3, 7)), bad)
    AL, caches = core.model_forward(np.zeros((3, 7)), params)
    with pytest.raises(ValueError, match=r"AL has shape \(1, 7\).*Y has shape \(1, 6\)"):
        core.model_backward(AL, np.zeros((1, 6)), caches)
    with pytest.raises(ValueError, match=r"b1 has shape \(4,\), expected \(4, 1\)"):
        core.linear_forward(np.zeros((3, 2)), np.zeros((4, 3)), np.zeros(4), layer=1)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(learning_rate=0), "learning_rate must be a positive number"),
        (dict(learning_rate=-1.0), "learning_rate must be a positive number"),
        (dict(layer_dims=[2, 0, 1]), r"layer size n\[1\] must be a positive integer"),
        (dict(activations="swish"), "unknown activation"),
        (dict(init="glorot"), "unknown initializer"),
        (dict(loss="hinge"), "unknown loss"),
    ],
)
def test_bad_hyperparameters(kwargs, match):
    X, Y = np.zeros((2, 4)), np.array([[0.0, 1.0, 1.0, 0.0]])
    args = dict(layer_dims=[2, 3, 1], num_iterations=2)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        core.train(X, Y, **args)


def test_bad_data():
    X, Y = np.zeros((2, 4)), np.array([[0.0, 1.0, 1.0, 0.0]])
    with pytest.raises(ValueError, match="X contains NaN or infinity"):
        core.train(np.array([[np.nan, 0, 0, 0], [0, 0, 0, 0]]), Y, [2, 1], num_iterations=1)
    with pytest.raises(ValueError, match="Y contains NaN or infinity"):
        core.train(X, np.array([[0.0, np.inf, 1.0, 0.0]]), [2, 1], (), loss="mse", num_iterations=1)
    with pytest.raises(ValueError, match=r"labels in \{0, 1\}"):
        core.train(X, np.array([[0.0, 2.0, 1.0, 0.0]]), [2, 1], num_iterations=1)
    with pytest.raises(ValueError, match="one-hot"):
        core.train(
            X,
            np.array([[0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]]),
            [2, 2],
            (),
            loss="categorical_crossentropy",
            num_iterations=1,
        )
    with pytest.raises(ValueError, match="layer_dims"):
        core.train(X, Y, [3, 1], num_iterations=1)


def test_divergence_names_the_iteration():
    rng = np.random.RandomState(0)
    X = rng.randn(2, 20) * 1e150
    Y = rng.randn(1, 20)
    with np.errstate(all="ignore"):
        with pytest.raises(ValueError, match="at iteration 1.*smaller learning rate"):
            core.train(
                X, Y, [2, 1], (), loss="mse", learning_rate=1e10, num_iterations=5, init="xavier", random_state=0
            )

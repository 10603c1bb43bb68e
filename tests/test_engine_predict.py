"""The engine's prediction forward pass against the core's: every activation and output, both dtypes, chunked."""

import numpy as np
import pytest

from layerwise import core
from layerwise.engine import predict_forward

HIDDEN = ["relu", "leaky_relu", "tanh", "sigmoid", "linear"]
LOSSES = {"binary_crossentropy": 1, "categorical_crossentropy": 4, "mse": 2}
TOL = {np.float64: 1e-12, np.float32: 1e-5}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", HIDDEN)
@pytest.mark.parametrize("chunk", [4, 2048])  # 13 rows: chunks of 4, 4, 4, 1; or one chunk
def test_forward_equals_core(activation, loss, dtype, chunk):
    rng = np.random.RandomState(0)
    dims = [5, 7, 6, LOSSES[loss]]
    X = (3 * rng.randn(13, dims[0])).astype(dtype)  # large enough to saturate some sigmoid/tanh units
    params = tuple(
        core.LayerParams(p.W, rng.randn(*p.b.shape).astype(dtype))  # nonzero biases
        for p in core.init_params(dims, "he", 1, dtype)
    )
    with np.errstate(all="raise", under="ignore"):
        A_core, caches = core.model_forward(X.T, params, activation, loss)
        AL, ZL = predict_forward(X, [(p.W, p.b) for p in params], [activation] * 2, loss, chunk=chunk)
    assert AL.dtype == dtype and AL.shape == (13, dims[-1])
    # a sum that cancels to near 0 keeps the rounding of its terms: absolute error on the outputs' scale
    np.testing.assert_allclose(AL, A_core.T, rtol=TOL[dtype], atol=TOL[dtype] * np.abs(A_core).max())
    np.testing.assert_allclose(ZL, caches[-1].Z.T, rtol=TOL[dtype], atol=TOL[dtype] * np.abs(caches[-1].Z).max())


def test_forward_leaves_its_inputs_alone():
    params = core.init_params([3, 4, 2], "he", 0)
    X = np.random.RandomState(1).randn(6, 3)
    before = [X.copy()] + [p.W.copy() for p in params]
    predict_forward(X, [(p.W, p.b) for p in params], ["relu"], "categorical_crossentropy", chunk=4)
    for a, b in zip([X] + [p.W for p in params], before):
        np.testing.assert_array_equal(a, b)


def test_forward_runs_on_another_array_namespace():
    xp = pytest.importorskip("array_api_strict")
    params = tuple(core.LayerParams(p.W, p.b + 0.1) for p in core.init_params([4, 5, 3], "he", 2))
    X = np.random.RandomState(3).randn(9, 4)
    want, _ = predict_forward(X, [(p.W, p.b) for p in params], ["tanh"], "categorical_crossentropy", chunk=4)
    got, _ = predict_forward(
        xp.asarray(X),
        [(xp.asarray(p.W), xp.asarray(p.b)) for p in params],
        ["tanh"],
        "categorical_crossentropy",
        chunk=4,
    )
    assert not isinstance(got, np.ndarray)  # computed in that namespace, not on the host
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_is_the_cores_to_the_bit_on_numpy_and_array_api_strict(dtype):
    # SciPy's expit differs from the core's form in the last bit for about a quarter of these inputs; the
    # engine's one sigmoid (training and prediction) must not, so NumPy and array-api-strict give the same bits.
    from layerwise.core.activations import sigmoid as core_sigmoid
    from layerwise.engine.formulas import sigmoid
    from layerwise.engine.ops import ops_for

    Z = (4 * np.random.RandomState(5).randn(50, 7)).astype(dtype)
    Z[0, :5] = [0.0, -0.0, 1e4, -1e4, np.finfo(dtype).max]  # the kink's both zeros, saturation both ways
    want = core_sigmoid(Z)
    with np.errstate(all="raise", under="ignore"):
        A, S = np.empty_like(Z), np.empty_like(Z)
        sigmoid(ops_for(Z), Z, A, S)  # into A, Z kept
        np.testing.assert_array_equal(A, want)
        Zc = Z.copy()
        sigmoid(ops_for(Zc), Zc, Zc, S)  # in place, as hidden layers run
        np.testing.assert_array_equal(Zc, want)
    xp = pytest.importorskip("array_api_strict")
    Zx = xp.asarray(Z)
    o = ops_for(Zx)
    Ax, Sx = o.empty(Z.shape, dtype), o.empty(Z.shape, dtype)
    sigmoid(o, Zx, Ax, Sx)
    np.testing.assert_array_equal(np.asarray(Ax), want)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [2, 10, 17])
def test_softmax_is_the_cores_to_the_bit(dtype, n):
    from layerwise.core.activations import softmax as core_softmax
    from layerwise.engine.formulas import softmax
    from layerwise.engine.ops import ops_for

    Z = (5 * np.random.RandomState(n).randn(37, n)).astype(dtype)
    Z[0] = 800.0  # a row whose exp would overflow unshifted
    A, T = np.empty_like(Z), np.empty((n, 40), dtype)  # T wider than needed, as for a short last chunk
    with np.errstate(all="raise", under="ignore"):
        softmax(ops_for(Z), Z, A, T[:, :37], np.empty(37, dtype), np.empty(37, dtype))
    np.testing.assert_array_equal(A, core_softmax(np.ascontiguousarray(Z.T)).T)  # C-ordered, as model_forward's Z
    xp = pytest.importorskip("array_api_strict")
    o = ops_for(xp.asarray(Z))
    Ax, Tx = o.empty(Z.shape, dtype), o.empty((n, 37), dtype)
    softmax(o, xp.asarray(Z), Ax, Tx, o.empty(37, dtype), o.empty(37, dtype))
    np.testing.assert_array_equal(np.asarray(Ax), A)


CASES = [("sigmoid", "binary_crossentropy"), ("sigmoid", "categorical_crossentropy"), ("tanh", "binary_crossentropy")]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation, loss", CASES)
def test_training_and_prediction_share_their_kernels_to_the_bit(activation, loss, dtype):
    # one sigmoid and one softmax: training's forward pass gives prediction's bits on the same rows
    from layerwise.engine import Network, predict_forward

    rng = np.random.RandomState(3)
    dims = [6, 9, 8, 1 if loss == "binary_crossentropy" else 4]
    X = (3 * rng.randn(40, dims[0])).astype(dtype)
    net = Network(dims, [activation] * 2, loss, dtype)
    net.set_params(core.init_params(dims, "xavier", rng, dtype=dtype))
    ws = net.workspace(40)
    with np.errstate(under="ignore"):
        trained = net.forward(ws, X)
        predicted, logits = predict_forward(X, [(W, b) for W, b in zip(net.W, net.b)], [activation] * 2, loss)
    np.testing.assert_array_equal(logits, ws.ZL)
    np.testing.assert_array_equal(trained, predicted)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation, loss", CASES)
def test_training_on_numpy_and_array_api_strict_agrees_to_the_bit(activation, loss, dtype):
    # the same kernels from the same ufuncs: epochs of minibatch Adam (dropout, sample weights) on NumPy and
    # on array-api-strict (each operation emulated as out[...] = xp.f(...)) end on the same bits
    xp = pytest.importorskip("array_api_strict")
    from layerwise.engine import FitConfig, TrainState, fit

    rng = np.random.RandomState(4)
    dims = [5, 7, 6, 1 if loss == "binary_crossentropy" else 3]
    X = rng.randn(60, dims[0]).astype(dtype)
    Y = np.eye(dims[-1], dtype=dtype)[rng.randint(dims[-1], size=60)] if dims[-1] > 1 else (X[:, :1] > 0).astype(dtype)
    w = rng.uniform(0.5, 2, 60).astype(dtype)
    params = core.init_params(dims, "xavier", rng, dtype=dtype)
    cfg = FitConfig(batch_size=16, max_iter=3, learning_rate=0.05, keep_prob=0.8)
    runs = []
    for to in (np.asarray, xp.asarray):
        result = fit(
            dims,
            [activation] * 2,
            loss,
            params,
            to(X),
            to(Y),
            to(w),
            cfg,
            TrainState(0.05),
            solver="adam",
            rng=np.random.default_rng(0),
        )
        runs.append([np.asarray(a) for p in result.params for a in (p.W, p.b)])
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)

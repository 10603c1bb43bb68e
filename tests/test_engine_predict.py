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
    # SciPy's expit (NumPy's Ops table) differs from the core's form in the last bit for about a quarter of
    # these inputs; the prediction's sigmoid must not, so NumPy and array-api-strict predict the same bits.
    from layerwise.core.activations import sigmoid as core_sigmoid
    from layerwise.engine.ops import ops_for
    from layerwise.engine.predict import sigmoid

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
    from layerwise.engine.ops import ops_for
    from layerwise.engine.predict import softmax

    Z = (5 * np.random.RandomState(n).randn(37, n)).astype(dtype)
    Z[0] = 800.0  # a row whose exp would overflow unshifted
    A, T = np.empty_like(Z), np.empty((n, 40), dtype)  # T wider than needed, as for a short last chunk
    with np.errstate(all="raise", under="ignore"):
        softmax(ops_for(Z), Z, A, T[:, :37])
    np.testing.assert_array_equal(A, core_softmax(np.ascontiguousarray(Z.T)).T)  # C-ordered, as model_forward's Z
    xp = pytest.importorskip("array_api_strict")
    o = ops_for(xp.asarray(Z))
    Ax, Tx = o.empty(Z.shape, dtype), o.empty((n, 37), dtype)
    softmax(o, xp.asarray(Z), Ax, Tx)
    np.testing.assert_array_equal(np.asarray(Ax), A)

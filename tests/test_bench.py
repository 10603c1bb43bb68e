"""The benchmark harness: its FLOP counts, timing rounds, data, contenders and report, on tiny sizes.

Timings themselves are not tested (they are what the benchmark measures); what is tested is that the
harness counts, compares and reports correctly, and that the contenders compute the same thing.
"""
import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a top-level package beside src/, not installed
    sys.path.insert(0, str(ROOT))

from bench import common, report, targets, vectorization  # noqa: E402
from layerwise.core import network  # noqa: E402


class CountingArray(np.ndarray):
    """An ndarray that adds 2 m n k to a shared counter for every (m, k) @ (k, n) product."""
    flop = 0

    def __matmul__(self, other):
        a, b = np.asarray(self), np.asarray(other)
        CountingArray.flop += 2 * a.shape[0] * a.shape[1] * b.shape[1]
        return (a @ b).view(CountingArray)

    def __rmatmul__(self, other):
        return CountingArray.__matmul__(np.asarray(other).view(CountingArray), self)


def test_mlp_flop_by_hand():
    # 784-256-256-10, one example: forward 2 (784*256 + 256*256 + 256*10) = 537,600; the dW products
    # repeat that; dA only for layers 2 and 3: 2 (256*256 + 256*10) = 136,192. Total 1,211,392.
    assert common.mlp_flop([784, 256, 256, 10], 1) == 1_211_392
    # 60,000 examples at batch 256 = 234 full batches + one of 96; the count is linear in m.
    assert common.epoch_flop([784, 256, 256, 10], 60_000, 256) == 60_000 * 1_211_392


@pytest.mark.parametrize("dims", [[7, 5, 3], [12, 20, 7, 5, 1], [4, 1]])
def test_mlp_flop_counts_the_products_the_core_executes(dims):
    m = 9
    rng = np.random.default_rng(0)
    params = tuple(network.LayerParams(p.W.view(CountingArray), p.b.view(CountingArray))
                   for p in network.init_params(dims, "he", 0))
    X = rng.standard_normal((dims[0], m)).view(CountingArray)
    Y = (rng.random((dims[-1], m)) > 0.5).astype(float).view(CountingArray)
    CountingArray.flop = 0
    AL, caches = network.model_forward(X, params, "tanh", "binary_crossentropy")
    network.model_backward(AL, Y, caches, "tanh", "binary_crossentropy")
    assert CountingArray.flop == common.mlp_flop(dims, m)


def test_interleaved_discards_warmup_and_rotates():
    calls = []
    times = common.interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, repeats=3, warmup=1)
    assert {k: len(v) for k, v in times.items()} == {"a": 3, "b": 3}
    assert calls == ["a", "b", "b", "a", "a", "b", "b", "a"]  # the order rotates each round


def test_teacher_data_is_float32_deterministic_and_learnable():
    X, y = common.teacher_data(3000, n_x=20, n_classes=3, hidden=8, seed=5, chunk=1000)
    X2, y2 = common.teacher_data(3000, n_x=20, n_classes=3, hidden=8, seed=5, chunk=700)
    assert X.dtype == np.float32 and X.shape == (3000, 20) and y.shape == (3000,)
    np.testing.assert_array_equal(X, X2)  # chunking does not change the data
    np.testing.assert_array_equal(y, y2)
    # learnable: a nearest-centroid rule fitted on half already beats guessing the majority class
    from sklearn.neighbors import KNeighborsClassifier

    score = KNeighborsClassifier(5).fit(X[:2000], y[:2000]).score(X[2000:], y[2000:])
    assert score > np.bincount(y).max() / len(y) + 0.05


def test_vectorized_step_matches_the_loops():
    X, Y, w, b = vectorization.make_data(30, 80, seed=2)
    vectorization.check_agree(w, b, X, Y)  # raises AssertionError on disagreement
    # and against the textbook formula, written here independently
    A = 1 / (1 + np.exp(-(w.T @ X + b)))
    w_new = w - vectorization.ALPHA * (X @ (A - Y).T) / X.shape[1]
    np.testing.assert_allclose(vectorization.vectorized_step(w, b, X, Y)[0], w_new, rtol=1e-12)


def test_pytorch_and_layerwise_start_from_the_same_network():
    torch = pytest.importorskip("torch")
    from bench import layerwise_side, torch_side

    dims = [6, 5, 4, 3]
    params = layerwise_side.init_params(dims, seed=1, dtype=np.float64)
    X = np.random.default_rng(0).standard_normal((7, 6))
    ours, _ = network.model_forward(X.T, tuple(network.LayerParams(W, b) for W, b in params), "relu",
                                    "categorical_crossentropy")
    with torch.no_grad():
        theirs = torch.softmax(torch_side.sequential(params, torch.float64)(torch.from_numpy(X)), dim=1)
    np.testing.assert_allclose(ours.T, theirs.numpy(), rtol=1e-12)


def _row(key, impl, seconds, **kw):
    return common.Row(key, key, impl, seconds, [seconds], **kw)


def test_ratios_fractions_and_targets():
    rows = [
        _row("peak", "numpy", 1.0, flop=200e9, peak_key="f32"),
        _row("mlp-sgd", "layerwise", 0.7, flop=10e9, peak_key="f32"),
        _row("mlp-sgd", "pytorch", 1.0),
        _row("mlp-sgd", "sklearn", 1.0),
        _row("wide-peak", "numpy", 1.0, flop=100e9, peak_key="f32"),
        _row("wide", "layerwise", 1.0, flop=80e9, peak_key="f32"),
        _row("vec", "double loop", 3.0),
        _row("vec", "vectorized", 0.02),
    ]
    report.annotate(rows, {"f32": 200.0})
    lw = rows[1]
    assert lw.extra["x_pytorch"] == pytest.approx(0.7) and lw.extra["x_sklearn"] == pytest.approx(0.7)
    assert lw.extra["frac_peak"] == pytest.approx(10 / 0.7 / 200)  # 14.3 GFLOP/s of the global 200
    assert rows[5].extra["frac_peak"] == pytest.approx(0.8)  # against the peak of its own rounds
    status = {t["target"]: t["status"] for t in targets.evaluate(rows)}
    assert status["784-256-256-10 SGD epoch <= 0.80x PyTorch"] == "PASS"
    assert status["784-256-256-10 SGD epoch <= 0.65x scikit-learn"] == "FAIL"
    assert status["784-2048-2048-10 epoch >= 75% of measured f32 peak"] == "PASS"
    assert status["vectorized logistic step >= 300x faster than the double loop"] == "FAIL"  # 150x
    assert status["course deep model f64 <= 1.0x PyTorch"] == "not run"
    assert "| mlp-sgd | layerwise | 0.7 |" in report.table(rows)


def test_quick_run_writes_json(tmp_path, capsys):
    pytest.importorskip("torch")
    from bench.__main__ import main

    assert main(["--quick", "--only", "peak,mlp,deep,vectorization", "--repeats", "1", "--out", str(tmp_path)]) == 0
    (path,) = tmp_path.glob("bench-*-quick.json")
    result = json.loads(path.read_text())
    keys = {r["key"] for r in result["rows"]}
    assert {"peak", "mlp-sgd", "mlp-adam", "deep-f64", "deep-f32", "vec"} <= keys
    assert {t["status"] for t in result["targets"]} <= {"PASS", "FAIL", "not run"}
    assert all(r["seconds"] > 0 and len(r["runs"]) == 1 for r in result["rows"])
    assert "| target | measured | status |" in capsys.readouterr().out


@pytest.mark.slow
def test_quick_memory_case_runs_children(tmp_path):
    from bench import memory

    rows = memory.run(quick=True, impls=("layerwise",))
    e = rows[0].extra
    assert e["data_mb"] == pytest.approx((4096 * 784 * 4 + 4096 * 8) / 2**20)
    assert e["baseline_mb"] < e["peak_mb"]


def test_unknown_case_is_a_usage_error():
    from bench.__main__ import parse_args

    with pytest.raises(SystemExit):
        parse_args(["--only", "nope"])


def test_profile_breakdown_names_every_share():
    from bench.profile import breakdown

    text = breakdown("adam", m=512, dims=(20, 8, 3), batch=64, epochs=1)
    for share in ("matmul", "gather (np.take)", "optimizer step", "elementwise + python"):
        assert share in text

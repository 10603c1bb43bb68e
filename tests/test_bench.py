"""The benchmark harness: its FLOP counts, timing rounds, data, contenders and report, on tiny sizes.

Timings themselves are not tested (they are what the benchmark measures); what is tested is that the
harness counts, compares and reports correctly, and that every contender computes the same network as
layerwise: the same forward pass and the same first step (SGD and Adam) from the same weights, for
PyTorch, scikit-learn and JAX, each skipped only when that library is not installed.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a top-level package beside src/, not installed
    sys.path.insert(0, str(ROOT))

from bench import common, fresh, rows, vectorization  # noqa: E402
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
    params = tuple(
        network.LayerParams(p.W.view(CountingArray), p.b.view(CountingArray))
        for p in network.init_params(dims, "he", 0)
    )
    X = rng.standard_normal((dims[0], m)).view(CountingArray)
    Y = (rng.random((dims[-1], m)) > 0.5).astype(float).view(CountingArray)
    CountingArray.flop = 0
    AL, caches = network.model_forward(X, params, "tanh", "binary_crossentropy")
    network.model_backward(AL, Y, caches, "tanh", "binary_crossentropy")
    assert CountingArray.flop == common.mlp_flop(dims, m)


@pytest.mark.parametrize("impl", ["numpy", "pytorch"])
def test_step_products_are_the_products_of_one_step(impl, monkeypatch):
    # the products-alone diagnostic must run what a step runs: its FLOPs are mlp_flop's, and PyTorch's
    # products are NumPy's products (same operands, same results)
    from bench import products

    dims, m = [12, 20, 7, 5], 9
    if impl == "pytorch":
        torch = pytest.importorskip("torch")
        seen = []
        real = torch.matmul
        monkeypatch.setattr(torch, "matmul", lambda a, b, out: seen.append((a, b, out)) or real(a, b, out=out))
        run, flop = products.step_products("pytorch", dims, m, np.float64)
        run()
        ref_seen = []
        monkeypatch.setattr(np, "matmul", lambda a, b, out: ref_seen.append(out) or np.dot(a, b, out=out))
        ref, _ = products.step_products("numpy", dims, m, np.float64)
        ref()
        assert len(seen) == len(ref_seen) == 2 * (len(dims) - 1) + len(dims) - 2
        for (_, _, out), want in zip(seen, ref_seen):
            np.testing.assert_allclose(out.numpy(), want, rtol=1e-12)
        return
    count = {"flop": 0}
    real = np.matmul

    def counting(a, b, out):
        count["flop"] += 2 * a.shape[0] * a.shape[1] * b.shape[1]
        assert out.shape == (a.shape[0], b.shape[1])
        return real(a, b, out=out)

    monkeypatch.setattr(np, "matmul", counting)
    run, flop = products.step_products("numpy", dims, m, np.float32)
    run()
    assert count["flop"] == flop == common.mlp_flop(dims, m)


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


# ---------------------------------------------------------------- the contenders compute the same network
DIMS = [6, 5, 4, 3]
LR = {"sgd": 0.1, "adam": 0.01}


def _problem():
    """Weights, X (12, 6) float64, y (12,) with every class, and layerwise's reference: the probabilities
    of the forward pass and the parameters after one full-batch step, through the bench's own engine
    trainer (which tests/test_engine*.py hold to the core)."""
    from bench import layerwise_side

    params = layerwise_side.init_params(DIMS, seed=1, dtype=np.float64)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((12, DIMS[0]))
    y = np.arange(12) % DIMS[-1]
    return params, X, y


def _layerwise_step(params, X, y, solver):
    from bench import layerwise_side

    epoch = layerwise_side.engine_epoch(X, y, params, solver, LR[solver], batch_size=X.shape[0])
    net = epoch.net
    proba = np.array(net.forward(net.workspace(X.shape[0]), X))
    epoch()
    return proba, [(p.W, p.b) for p in net.get_params()]


def _core_forward(params, X):
    AL, _ = network.model_forward(
        X.T, tuple(network.LayerParams(W, b) for W, b in params), "relu", "categorical_crossentropy"
    )
    return AL.T  # (m, n[L])


def _assert_same(got, want, rtol):
    (p_got, params_got), (p_want, params_want) = got, want
    np.testing.assert_allclose(p_got, p_want, rtol=rtol, atol=1e-15)
    for (W, b), (W0, b0) in zip(params_got, params_want):
        np.testing.assert_allclose(W, W0, rtol=rtol, atol=1e-15)
        np.testing.assert_allclose(b, b0, rtol=rtol, atol=1e-15)


def test_layerwise_reference_step_is_the_core_step():
    # the reference itself, against the core's forward, backward and the textbook update written here
    params, X, y = _problem()
    proba, after = _layerwise_step(params, X, y, "sgd")
    np.testing.assert_allclose(proba, _core_forward(params, X), rtol=1e-12)
    Y = np.eye(DIMS[-1])[y].T  # (n[L], m)
    lp = tuple(network.LayerParams(W, b) for W, b in params)
    AL, caches = network.model_forward(X.T, lp, "relu", "categorical_crossentropy")
    grads = network.model_backward(AL, Y, caches, "relu", "categorical_crossentropy")
    want = [(W - LR["sgd"] * g.dW, b - LR["sgd"] * g.db) for (W, b), g in zip(params, grads)]
    _assert_same((proba, after), (proba, want), 1e-12)
    assert not np.allclose(after[0][0], params[0][0])  # the step moved the weights


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_pytorch_computes_the_same_network(solver):
    pytest.importorskip("torch")
    from bench import torch_side

    params, X, y = _problem()
    _assert_same(torch_side.one_step(X, y, params, solver, LR[solver]), _layerwise_step(params, X, y, solver), 1e-10)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_sklearn_computes_the_same_network(solver):
    from bench import sklearn_side

    params, X, y = _problem()
    # scikit-learn adds its epsilon to sqrt(s) where the others add epsilon sqrt(1 - beta_2^t): at t = 1
    # that is the same update when scikit-learn's is 1e-8 sqrt(1 - 0.999)
    got = sklearn_side.one_step(X, y, params, solver, LR[solver], epsilon=1e-8 * np.sqrt(1 - 0.999))
    _assert_same(got, _layerwise_step(params, X, y, solver), 1e-10)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_jax_computes_the_same_network(solver):
    pytest.importorskip("jax")
    from bench import jax_side

    jax_side.setup(None)  # float64 allowed
    params, X, y = _problem()
    _assert_same(jax_side.one_step(X, y, params, solver, LR[solver]), _layerwise_step(params, X, y, solver), 1e-10)


# ---------------------------------------------------------------- rows, sections, fresh processes
def test_row_statuses_follow_the_target():
    assert rows.at_most("r", 0.7, 0.8)["status"] == "PASS"
    assert rows.at_most("r", 0.9, 0.8)["status"] == "FAIL"
    assert rows.at_least("r", 79.0, 80, unit="%")["status"] == "FAIL"
    assert rows.at_most("r", None, 0.8)["status"] == "not run"  # not measured: never a silent PASS
    assert rows.at_most("r", float("nan"), 0.8)["status"] == "not run"
    assert rows.row("diagnostic", 1.5, "s")["status"] == "info"
    table = rows.markdown([dict(rows.at_most("fit: a / b", 0.5, 0.8, min=0.4, median=0.5, max=0.6), section="train")])
    assert "| train | fit: a / b | 0.5 x | <= 0.8 x | PASS | 0.4 x / 0.5 x / 0.6 x |" in table


def test_a_crashing_or_missing_section_shows_in_the_rows(monkeypatch):
    import importlib.machinery
    import types

    from bench import __main__ as runner

    def boom():
        raise RuntimeError("the section broke")

    module = types.ModuleType("bench._boom")
    module.__spec__ = importlib.machinery.ModuleSpec("bench._boom", None)
    module.run = boom
    monkeypatch.setitem(sys.modules, "bench._boom", module)
    (crashed,) = runner.run_section("boom", "bench._boom", {"quick": True})
    assert crashed["status"] == "FAIL" and "the section broke" in crashed["detail"]["error"]
    (missing,) = runner.run_section("later", "bench._not_written_yet", {})
    assert missing["status"] == "not run"
    module.run = lambda: [{"name": "x"}]  # a malformed row is a crash of that section, named
    (bad,) = runner.run_section("boom", "bench._boom", {})
    assert bad["status"] == "FAIL" and "TypeError" in bad["detail"]["error"]


def test_sections_are_registered_modules_with_run():
    import importlib
    import importlib.util

    from bench.sections import SECTIONS

    for name, module in SECTIONS.items():
        if importlib.util.find_spec(module) is not None:
            assert callable(importlib.import_module(module).run), name


def test_fresh_rounds_rotate_and_report_failures(monkeypatch):
    calls = []

    def fake(job, threads, timeout=900):
        calls.append(job["id"])
        return {"error": "exit 1: boom"} if job["id"] == "b" and len(calls) > 2 else {"seconds": float(len(calls))}

    monkeypatch.setattr(fresh, "run_job", fake)
    res = fresh.rounds({"a": {"id": "a"}, "b": {"id": "b"}}, repeats=3, threads=2)
    assert calls == ["a", "b", "b", "a", "a", "b"]
    assert fresh.field(res["a"]) == {"min": 1.0, "median": 4.0, "max": 5.0, "runs": [1.0, 4.0, 5.0]}
    assert fresh.field(res["b"])["runs"] == [2.0] and fresh.errors(res["b"]) == ["exit 1: boom", "exit 1: boom"]


def test_worker_runs_in_a_fresh_process_with_the_thread_count():
    res = fresh.run_job({"kind": "peak", "dtype": "float32", "n": 1024}, threads=1)
    assert res["gflops"] == pytest.approx(2 * 1024**3 / res["seconds"] / 1e9)
    # the child holds A, B, C: three 1024 x 1024 float32 arrays of 4 MB after its imports; its peak shows them
    assert res["peak_mb"] - res["rss_imports_mb"] >= 3 * 4
    assert fresh.child_env(3)["OPENBLAS_NUM_THREADS"] == "3"
    assert "error" in fresh.run_job({"kind": "nope"}, threads=1)


def test_train_rows_compute_ratios_and_peak_fraction():
    from bench import train

    js = train.jobs(quick=True, epochs=1)
    res = {k: [{"seconds": 2.0, "rss_imports_mb": 100.0, "peak_mb": 150.0, "data_mb": 6.0}] for k in js}
    for k in js:
        if k[-1] == "layerwise":
            res[k] = [{"seconds": 1.0, "rss_imports_mb": 100.0, "peak_mb": 120.0, "data_mb": 6.0}]
    flop = common.epoch_flop(js["float32", "sgd", "layerwise"]["dims"], 2048, 256)
    res["float32", "peak"] = [{"gflops": flop / 1e9 / 0.5}]  # layerwise at 1 s reaches 50% of it
    res["float64", "peak"] = [{"error": "exit 1"}]
    out = {r["name"]: r for r in train.rows_from(res, js, threads=2)}
    r = out["fit sgd float32: layerwise / PyTorch eager"]
    assert r["figure"] == 0.5 and r["status"] == "PASS"  # 1 s against 2 s, under 0.90
    assert out["fit sgd float32: layerwise / scikit-learn fit"]["status"] == "PASS"  # 0.5 <= 0.55
    assert out["fit sgd float64: layerwise / PyTorch eager"]["status"] == "info"  # float64 here: a diagnostic
    assert out["fit adam float32: layerwise GFLOP/s / GEMM peak"]["figure"] == pytest.approx(50.0)
    assert out["fit adam float32: layerwise GFLOP/s / GEMM peak"]["status"] == "info"
    # the products alone at their own rate (0.8 x the GEMM peak) take 0.5 s / 0.8 of fit's 1 s: 62.5 % < 80 %
    res["float32", "products", "numpy"] = [{"gflops": 0.8 * flop / 1e9 / 0.5}]
    out = {r["name"]: r for r in train.rows_from(res, js, threads=2)}
    floor = out["fit sgd float32: products-only floor / layerwise fit"]
    assert floor["figure"] == pytest.approx(62.5) and floor["status"] == "FAIL"
    assert out["fit sgd float64: products-only floor / layerwise fit"]["status"] == "info"
    mem = out["memory sgd float32: layerwise peak RSS / PyTorch eager's"]
    assert mem["figure"] == pytest.approx(120 / 150) and mem["status"] == "PASS"  # 120 MB against 150 MB
    res["float32", "sgd", "layerwise"][0]["peak_mb"] = 160.0
    out = {r["name"]: r for r in train.rows_from(res, js, threads=2)}
    assert out["memory sgd float32: layerwise peak RSS / scikit-learn fit's"]["status"] == "FAIL"


def test_quick_run_writes_json_and_prunes(tmp_path, capsys):
    from bench.__main__ import main, prune

    assert main(["--quick", "--only", "vectorization", "--out", str(tmp_path)]) == 0
    (path,) = tmp_path.glob("bench-*-quick.json")
    result = json.loads(path.read_text())
    assert [r["section"] for r in result["rows"]] == ["vectorization"] * len(result["rows"])
    assert result["rows"][-1]["target"] == ">= 300 x"
    assert "| section | measurement |" in capsys.readouterr().out
    for i in range(7):
        (tmp_path / f"bench-2026010{i}-000000.json").write_text("{}")
    prune(str(tmp_path), keep=5)
    assert sorted(p.name for p in tmp_path.glob("bench-2026*.json"))[0] == "bench-20260102-000000.json"
    assert path.exists()  # quick runs are not pruned (and not committed)


@pytest.mark.slow
def test_quick_fit_jobs_run_in_fresh_processes():
    for impl in ("layerwise", "sklearn"):
        job = {
            "kind": "fit",
            "impl": impl,
            "solver": "sgd",
            "dtype": "float32",
            "m": 512,
            "dims": [784, 16, 10],
            "batch": 256,
            "epochs": 1,
            "lr": 0.01,
        }
        res = fresh.run_job(job, threads=1)
        assert "error" not in res, res
        assert res["data_mb"] == pytest.approx((512 * 784 * 4 + 512 * 8) / 2**20)


def test_unknown_section_is_a_usage_error():
    from bench.__main__ import parse_args

    with pytest.raises(SystemExit):
        parse_args(["--only", "nope"])


def test_profile_breakdown_names_every_share():
    from bench.profile import breakdown

    text = breakdown("adam", m=512, dims=(20, 8, 3), batch=64, epochs=1)
    for share in ("matmul", "gather (np.take)", "optimizer step", "elementwise + python"):
        assert share in text


def test_defaults_accuracy_rows_follow_the_row_format_and_their_targets():
    from bench import defaults_accuracy
    from bench.rows import check

    scores = {"layerwise train": [0.95, 0.96], "layerwise estimator": [0.90, 0.91], "sklearn MLP": [0.95, 0.95]}
    rows = check(defaults_accuracy._rows("iris", "classification", scores), "defaults")
    status = {r["detail"]["impl"]: r["status"] for r in rows}
    assert status == {"layerwise train": "PASS", "layerwise estimator": "FAIL", "sklearn MLP": "info"}  # 0.95 - 0.01
    scores = {"layerwise estimator": [0.40, 0.42], "sklearn MLP": [0.30, 0.30], "sklearn RidgeCV": [0.44, 0.44]}
    (ours, *_) = check(defaults_accuracy._rows("diabetes", "regression", scores), "defaults")
    assert ours["detail"]["target_value"] == pytest.approx(0.41) and ours["status"] == "PASS"  # max(MLP, Ridge) - 0.03


def test_playground_rows_follow_the_row_format(monkeypatch):
    # the section's rows, from its measurements stubbed (they need a live server): a row outside the
    # format crashed the whole section in a full run
    from bench import playground_fps

    monkeypatch.setattr(playground_fps, "compute_ms", lambda: 2.0)
    monkeypatch.setattr(playground_fps, "served_fps", lambda: (25.0, 0.5))
    out = {r["name"]: r for r in rows.check(playground_fps.run(), "playground")}
    assert [r["status"] for r in out.values()] == ["FAIL", "PASS", "PASS"]  # 25 frames/s < 30

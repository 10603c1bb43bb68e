"""The GPU check, in one process: backend parity on CuPy, then layerwise against PyTorch eager.

Run from the repository root on a machine with an NVIDIA GPU (finishes in well under 5 minutes):

    python -m bench.gpu

Needs CuPy, PyTorch (CUDA build), NumPy, SciPy, scikit-learn, threadpoolctl and array-api-compat. The
GPU machines we borrow have all but array-api-compat (and maybe a scikit-learn older than 1.9): carry
the wheels ``bench/gpu_wheels.sh`` downloads into ``.whl/`` (docs/guide/gpu.md has the one-line command).

Sections (each in its own try/except, so one failure never loses the rest):
1. parity: the estimators trained on NumPy and on CuPy (CUDA graphs on, then off) agree to 1e-12 in
   float64 over 20 training steps, for several activations, solvers and outputs;
2. speed, interleaved, median of REPEATS epochs: one epoch of 60,000 synthetic float32 examples for
   784-256-256-10 at batch 256 and 784-4096-4096-10 at batch 4096, float32 and TF32, SGD (Nesterov
   momentum) and Adam, layerwise's captured step against PyTorch eager on the same GPU, same init;
3. the float32 / TF32 matrix-product peak (CuPy, 8192^3).
Prints a table with ratios and PASS/FAIL, and writes bench/results/gpu.md and gpu.json (and copies
them to $OUT when that is set).
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import shutil
import statistics
import sys
import time
import traceback
import warnings
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

REPEATS = 7
M = 60_000
RESULTS = {"sections": {}, "rows": [], "errors": []}
TARGETS = {"parity": 1e-12, "small_f32_sgd_ratio": 0.5, "large_f32": 0.95, "large_tf32": 0.9}


def section(name):
    def wrap(fn):
        def run(*a, **k):
            print(f"\n== {name} ==", flush=True)
            t = time.perf_counter()
            try:
                out = fn(*a, **k)
                RESULTS["sections"][name] = {"ok": True, "seconds": round(time.perf_counter() - t, 1)}
                return out
            except Exception as exc:  # report and go on with the next section
                traceback.print_exc()
                RESULTS["errors"].append(f"{name}: {type(exc).__name__}: {exc}")
                RESULTS["sections"][name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}

        return run

    return wrap


@section("environment")
def environment():
    import cupy

    props = cupy.cuda.runtime.getDeviceProperties(0)
    name = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
    env = {
        "gpu": name,
        "cupy": cupy.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "cuda_runtime": cupy.cuda.runtime.runtimeGetVersion(),
    }
    for mod in ("torch", "sklearn", "array_api_compat"):
        try:
            env[mod] = __import__(mod).__version__
        except Exception as exc:
            env[mod] = f"missing ({type(exc).__name__})"
    RESULTS["env"] = env
    for k, v in env.items():
        print(f"{k:>18}: {v}")


def _rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-300))


PARITY_CASES = [  # (hidden activation, solver, target, extra estimator parameters)
    ("relu", "adam", "multiclass", {}),
    ("tanh", "sgd", "binary", {}),
    ("sigmoid", "rmsprop", "regression", {}),
    ("leaky_relu", "sgd", "multiclass", {"nesterovs_momentum": False}),
    ("tanh", "gd", "binary", {"max_iter": 20, "learning_rate": 0.1}),
    ("relu", "adam", "regression", {"learning_rate_schedule": "invscaling", "learning_rate": 0.01}),
    ("sigmoid", "adam", "multilabel", {}),
    ("relu", "sgd", "multiclass", {"sample_weight": True}),  # weights: the ordinary loop on the GPU
    ("tanh", "lbfgs", "regression", {"max_iter": 10}),
]


def _parity_data(target, rng):
    X = rng.standard_normal((200, 7))
    if target == "binary":
        return X, (X[:, 0] + 0.3 * X[:, 1] > 0).astype(int)
    if target == "multiclass":
        return X, np.argmax(X[:, :4], axis=1)
    if target == "multilabel":
        return X, (X[:, :3] > 0).astype(int)
    return X, np.c_[X[:, 0] - X[:, 1], X[:, 2] * X[:, 3]]


@section("parity (NumPy vs CuPy, float64, 20 steps)")
def parity():
    from layerwise.engine.cuda import GraphCaptureWarning
    from layerwise.estimators import NeuralNetClassifier, NeuralNetRegressor

    worst = 0.0
    for graphs in ("1", "0"):
        os.environ["LAYERWISE_CUDA_GRAPHS"] = graphs
        for act, solver, target, extra in PARITY_CASES:
            extra = dict(extra)
            rng = np.random.default_rng(0)
            X, y = _parity_data(target, rng)
            sw = rng.uniform(0.5, 2.0, len(X)) if extra.pop("sample_weight", False) else None
            cls = NeuralNetRegressor if target == "regression" else NeuralNetClassifier
            params = {
                **dict(
                    hidden_layer_sizes=(16, 12),
                    activation=act,
                    solver=solver,
                    batch_size=50,
                    max_iter=5,
                    random_state=1,
                    learning_rate=0.01,
                    n_iter_no_change=100,
                ),
                **extra,
            }
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                warnings.simplefilter("error", GraphCaptureWarning)
                cpu = cls(**params).fit(X, y, sample_weight=sw)
                gpu = cls(device="cuda", **params).fit(X, y, sample_weight=sw)
            err_p = max(max(_rel(g.W.get(), c.W), _rel(g.b.get(), c.b)) for g, c in zip(gpu.params_, cpu.params_))
            err_c = _rel(gpu.loss_curve_, cpu.loss_curve_)
            worst = max(worst, err_p, err_c)
            ok = max(err_p, err_c) <= TARGETS["parity"]
            print(
                f"graphs={graphs} {act:>10} {solver:>7} {target:>10}: params {err_p:.1e}  costs {err_c:.1e}  "
                f"{'PASS' if ok else 'FAIL'}",
                flush=True,
            )
    os.environ.pop("LAYERWISE_CUDA_GRAPHS", None)
    RESULTS["parity_max_rel_err"] = worst
    RESULTS["rows"].append(
        {
            "what": "parity NumPy vs CuPy, float64, 20 steps (max rel. error)",
            "ours": worst,
            "torch": None,
            "ratio": None,
            "target": "<= 1e-12",
            "pass": worst <= TARGETS["parity"],
        }
    )


def _init(dims):
    from layerwise import core

    inits = ["he"] * (len(dims) - 2) + ["xavier"]  # the estimator's "auto" for relu
    return core.init_params(dims, inits, 0, dtype=np.float32)


def _ours(dims, B, solver, X, Y, tf32, lr):
    from layerwise.engine import FitConfig, Network, TrainState, make_optimizer
    from layerwise.engine.cuda import GraphEpoch, tf32_products
    from layerwise.engine.ops import ops_for

    ops = ops_for(X)
    net = Network(dims, ["relu"] * (len(dims) - 2), "categorical_crossentropy", np.float32, ops=ops)
    net.set_params(_init(dims))
    opt = (
        make_optimizer("nesterov", net.size, net.dtype, ops=ops, beta=0.9)
        if solver == "sgd"
        else make_optimizer("adam", net.size, net.dtype, ops=ops)
    )
    cfg = FitConfig(batch_size=B, max_iter=1, learning_rate=lr, alpha=0.0)
    ctx = tf32_products if tf32 else nullcontext
    with ctx():
        run = GraphEpoch(net, opt, X, Y, cfg)
    state, rng, order = TrainState(lr), np.random.default_rng(0), np.arange(X.shape[0])

    def epoch():
        with ctx():
            return run(net, opt, X, Y, None, cfg, state, rng, order)

    return epoch


def _torch(dims, B, solver, Xt, yt, tf32, lr):
    import torch
    import torch.nn.functional as F

    try:
        torch.backends.cuda.matmul.fp32_precision = "tf32" if tf32 else "ieee"
    except AttributeError:
        torch.backends.cuda.matmul.allow_tf32 = tf32
    params = _init(dims)
    W = [torch.tensor(p.W, device="cuda", requires_grad=True) for p in params]
    b = [torch.tensor(p.b.ravel(), device="cuda", requires_grad=True) for p in params]
    opt = (
        torch.optim.SGD(W + b, lr=lr, momentum=0.9, nesterov=True)
        if solver == "sgd"
        else torch.optim.Adam(W + b, lr=lr)
    )
    m = Xt.shape[0]

    def epoch():
        try:
            torch.backends.cuda.matmul.fp32_precision = "tf32" if tf32 else "ieee"
        except AttributeError:
            torch.backends.cuda.matmul.allow_tf32 = tf32
        perm = torch.randperm(m, device="cuda")
        total = torch.zeros((), device="cuda")
        for s in range(0, m, B):
            idx = perm[s : s + B]
            a, yb = Xt.index_select(0, idx), yt.index_select(0, idx)
            for l in range(len(W) - 1):
                a = torch.relu(F.linear(a, W[l], b[l]))
            loss = F.cross_entropy(F.linear(a, W[-1], b[-1]), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.detach()
        return float(total.item()) * B / m  # the one sync of the epoch

    return epoch


def _timed(fn):
    import torch

    torch.cuda.synchronize()
    t = time.perf_counter()
    fn()
    torch.cuda.synchronize()
    return time.perf_counter() - t


@section("speed: layerwise (CUDA graph) vs PyTorch eager, one epoch of 60,000")
def speed():
    import cupy
    import torch

    rng = np.random.default_rng(0)
    X = cupy.asarray(rng.standard_normal((M, 784), dtype=np.float32))
    labels = rng.integers(0, 10, M)
    Y = cupy.asarray(np.eye(10, dtype=np.float32)[labels])
    Xt, yt = torch.from_dlpack(X), torch.as_tensor(labels, device="cuda")
    configs = [
        (name, dims, B, prec, solver)
        for name, dims, B in (
            ("784-256-256-10", [784, 256, 256, 10], 256),
            ("784-4096-4096-10", [784, 4096, 4096, 10], 4096),
        )
        for prec in ("float32", "tf32")
        for solver in ("sgd", "adam")
    ]
    runners = {}
    for cfg in configs:
        name, dims, B, prec, solver = cfg
        lr = 0.01 if solver == "sgd" else 1e-3
        try:
            runners[cfg] = (
                _ours(dims, B, solver, X, Y, prec == "tf32", lr),
                _torch(dims, B, solver, Xt, yt, prec == "tf32", lr),
            )
            for fn in runners[cfg]:
                fn()  # warm-up epoch (compiles, captures, autotunes)
        except Exception as exc:
            traceback.print_exc()
            RESULTS["errors"].append(f"speed {cfg}: {type(exc).__name__}: {exc}")
    times = {cfg: ([], []) for cfg in runners}
    for _ in range(REPEATS):  # interleaved: every configuration and both libraries in each round
        for cfg, (ours, theirs) in runners.items():
            times[cfg][0].append(_timed(ours))
            times[cfg][1].append(_timed(theirs))
    for cfg, (t_ours, t_torch) in times.items():
        name, dims, B, prec, solver = cfg
        a, b = statistics.median(t_ours), statistics.median(t_torch)
        flops = 6 * M * sum(p * n for p, n in itertools.pairwise(dims))
        large = dims[1] == 4096
        if large:  # throughput ratio: ours / PyTorch's (higher is better)
            ratio, target = b / a, TARGETS["large_f32" if prec == "float32" else "large_tf32"]
            ok, tgt = ratio >= target, f">= {target} x throughput"
        else:  # epoch-time ratio: ours / PyTorch's (lower is better)
            ratio = a / b
            ok = ratio <= TARGETS["small_f32_sgd_ratio"] if (prec, solver) == ("float32", "sgd") else None
            tgt = "<= 0.5 x time" if ok is not None else "-"
        RESULTS["rows"].append(
            {
                "what": f"{name} b{B} {prec} {solver} epoch",
                "ours": a,
                "torch": b,
                "ratio": ratio,
                "target": tgt,
                "pass": ok,
                "ours_tflops": flops / a / 1e12,
                "torch_tflops": flops / b / 1e12,
            }
        )
        print(
            f"{name:>17} b{B:<5} {prec:>7} {solver:>4}: layerwise {a * 1e3:8.2f} ms ({flops / a / 1e12:5.1f} TFLOP/s)"
            f"  torch {b * 1e3:8.2f} ms  ratio {ratio:5.2f}  {tgt}  {'' if ok is None else 'PASS' if ok else 'FAIL'}",
            flush=True,
        )


@section("float32 matrix-product peak (CuPy, 8192^3)")
def peak():
    import cupy

    from layerwise.engine.cuda import tf32_products

    n = 8192
    A = cupy.random.standard_normal((n, n), dtype=cupy.float32)
    B = cupy.random.standard_normal((n, n), dtype=cupy.float32)
    C = cupy.empty((n, n), dtype=cupy.float32)
    for label, ctx in (("float32", nullcontext), ("tf32", tf32_products)):
        with ctx():
            cupy.matmul(A, B, out=C)
            start, stop = cupy.cuda.Event(), cupy.cuda.Event()
            ts = []
            for _ in range(5):
                start.record()
                cupy.matmul(A, B, out=C)
                stop.record()
                stop.synchronize()
                ts.append(cupy.cuda.get_elapsed_time(start, stop) / 1e3)
        tflops = 2 * n**3 / statistics.median(ts) / 1e12
        RESULTS[f"peak_{label}_tflops"] = tflops
        RESULTS["rows"].append(
            {
                "what": f"matmul peak {label} (CuPy)",
                "ours": tflops,
                "torch": None,
                "ratio": None,
                "target": "TFLOP/s",
                "pass": None,
            }
        )
        print(f"{label:>8}: {tflops:6.1f} TFLOP/s")


def _fmt(v, what):
    if v is None:
        return "-"
    if "epoch" in what:
        return f"{v * 1e3:.2f} ms"
    return f"{v:.3g}"


def write_results():
    env = RESULTS.get("env", {})
    lines = [
        f"# GPU results: {env.get('gpu', 'unknown GPU')}",
        "",
        "Written by `python -m bench.gpu` (one process, interleaved, median of "
        f"{REPEATS} epochs). " + ", ".join(f"{k} {v}" for k, v in env.items() if k != "gpu"),
        "",
        "| what | layerwise | PyTorch eager | ratio | target | result |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in RESULTS["rows"]:
        res = "-" if r["pass"] is None else "PASS" if r["pass"] else "FAIL"
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}"
        lines.append(
            f"| {r['what']} | {_fmt(r['ours'], r['what'])} | {_fmt(r['torch'], r['what'])} | {ratio} | "
            f"{r['target']} | {res} |"
        )
    if RESULTS["errors"]:
        lines += ["", "Errors:", *[f"- {e}" for e in RESULTS["errors"]]]
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in (("gpu.md", text), ("gpu.json", json.dumps(RESULTS, indent=2, default=str))):
        tmp = out_dir / f".{name}.tmp"
        tmp.write_text(data)
        tmp.replace(out_dir / name)
        if os.environ.get("OUT"):
            shutil.copy(out_dir / name, Path(os.environ["OUT"]) / name)


def main():
    t = time.perf_counter()
    environment()
    parity()
    speed()
    peak()
    RESULTS["total_seconds"] = round(time.perf_counter() - t, 1)
    write_results()
    failed = [r["what"] for r in RESULTS["rows"] if r["pass"] is False]
    print(f"total {RESULTS['total_seconds']} s; {len(failed)} target(s) missed; {len(RESULTS['errors'])} error(s)")
    return 1 if failed or RESULTS["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())

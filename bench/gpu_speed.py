"""The GPU check's speed sections: layerwise's captured step against PyTorch eager, one epoch of 60,000
synthetic float32 examples, interleaved rounds, median of ``REPEATS``; and the matrix-product peak (CuPy).
Both sides start from the same weights (``core.init_params``, seed 0).
"""

from __future__ import annotations

import itertools
import statistics
import time
import traceback
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import numpy as np

from bench.gpu_results import REPEATS, RESULTS, TARGETS, M, section


def _init(dims: list[int]) -> Any:
    from layerwise import core

    inits = ["he"] * (len(dims) - 2) + ["xavier"]  # the estimator's "auto" for relu
    return core.init_params(dims, inits, 0, dtype=np.float32)


def _ours(dims: list[int], B: int, solver: str, X: Any, Y: Any, tf32: bool, lr: float) -> Callable[[], float]:
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

    def epoch() -> float:
        with ctx():
            return run(net, opt, X, Y, None, cfg, state, rng, order)

    return epoch


def _torch(dims: list[int], B: int, solver: str, Xt: Any, yt: Any, tf32: bool, lr: float) -> Callable[[], float]:
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

    def epoch() -> float:
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


def _timed(fn: Callable[[], Any]) -> float:
    import torch

    torch.cuda.synchronize()
    t = time.perf_counter()
    fn()
    torch.cuda.synchronize()
    return time.perf_counter() - t


@section("speed: layerwise (CUDA graph) vs PyTorch eager, one epoch of 60,000")
def speed() -> None:
    """One epoch, layerwise (CUDA graph) against PyTorch eager, for each network, precision and solver."""
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
    times: dict[Any, tuple[list[float], list[float]]] = {cfg: ([], []) for cfg in runners}
    for _ in range(REPEATS):  # interleaved: every configuration and both libraries in each round
        for cfg, (ours, theirs) in runners.items():
            times[cfg][0].append(_timed(ours))
            times[cfg][1].append(_timed(theirs))
    for cfg, (t_ours, t_torch) in times.items():
        name, dims, B, prec, solver = cfg
        a, b = statistics.median(t_ours), statistics.median(t_torch)
        flops = 6 * M * sum(p * n for p, n in itertools.pairwise(dims))
        large = dims[1] == 4096
        ok: bool | None
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
def peak() -> None:
    """The float32 and TF32 matrix-product peak, 8192^3 through CuPy, median of 5."""
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


__all__ = ["speed", "peak"]

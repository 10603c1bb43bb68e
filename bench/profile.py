"""Where one layerwise epoch spends its time: ``python -m bench.profile [sgd|adam] [m] [--dims 784,256,256,10]``.

Wraps, for the duration of the run, ``np.matmul`` (the products), ``np.take`` (the minibatch
gather) and the optimizer's ``step`` (the update) with timers; the rest of the epoch is elementwise
work (bias, activations, softmax, cost, deltas) plus Python overhead. Prints each share of the
epoch next to what the products alone would take at the matrix-product peak measured just before.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from .common import epoch_flop, teacher_data
from .mlp import LEARNING_RATES
from .peak import matmul_contender


def numpy_axpy(a, x, y, _scratch={}):
    """y := y + a x with NumPy ufuncs into a cached scratch vector: no SciPy BLAS, no allocation."""
    key = (x.shape, x.dtype)
    t = _scratch.get(key)
    if t is None:
        t = _scratch[key] = np.empty_like(x)
    np.multiply(x, a, out=t)
    np.add(y, t, out=y)
    return y


class Timed:
    """Replace ``owner.name`` by a timing wrapper while inside the ``with`` block."""

    def __init__(self, owner, name, totals, key):
        self.owner, self.name, self.totals, self.key = owner, name, totals, key

    def __enter__(self):
        self.orig = orig = getattr(self.owner, self.name)
        totals, key = self.totals, self.key

        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return orig(*args, **kwargs)
            finally:
                totals[key] = totals.get(key, 0.0) + time.perf_counter() - t0

        setattr(self.owner, self.name, wrapper)

    def __exit__(self, *exc):
        setattr(self.owner, self.name, self.orig)


def breakdown(solver="sgd", m=15_000, dims=(784, 256, 256, 10), batch=256, epochs=3, numpy_update=False):
    """The breakdown as text. ``numpy_update`` swaps the engine's SciPy-BLAS ``axpy`` for
    ``numpy_axpy`` during the run (a what-if for the engine; nothing is changed on disk)."""
    from layerwise import engine

    if numpy_update:
        saved = engine.optimizers.axpy, engine.network.axpy
        engine.optimizers.axpy = engine.network.axpy = numpy_axpy
        try:
            return breakdown(solver, m, dims, batch, epochs) + "\n  (axpy through NumPy ufuncs instead of SciPy's BLAS)"
        finally:
            engine.optimizers.axpy, engine.network.axpy = saved

    from . import layerwise_side

    X, y = teacher_data(m, dims[0], dims[-1])
    params = layerwise_side.init_params(list(dims), seed=1, dtype=X.dtype)
    epoch = layerwise_side.mlp_epoch(X, y, params, solver, LEARNING_RATES[solver], batch)
    epoch()  # warm-up: workspaces are allocated here
    opt_cls = {"sgd": engine.optimizers.GD, "adam": engine.optimizers.Adam}[solver]
    totals = {}
    with Timed(np, "matmul", totals, "matmul"), Timed(np, "take", totals, "gather (np.take)"), \
            Timed(opt_cls, "step", totals, "optimizer step"):
        t0 = time.perf_counter()
        for _ in range(epochs):
            epoch()
        total = time.perf_counter() - t0
    peak_fn = matmul_contender(2048, np.float32)
    t0 = time.perf_counter()
    for _ in range(3):
        peak_fn()
    peak = 3 * 2 * 2048**3 / (time.perf_counter() - t0)
    ideal = epochs * epoch_flop(list(dims), m, batch) / peak
    totals["elementwise + python"] = total - sum(totals.values())
    lines = [f"{solver} {'-'.join(map(str, dims))} m={m} batch={batch}: {total / epochs:.3f} s per epoch "
             f"(products at the measured peak {peak / 1e9:.0f} GFLOP/s would take {ideal / epochs:.3f} s)"]
    for key, t in sorted(totals.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {key:24s} {t / epochs:8.3f} s  {100 * t / total:5.1f} %")
    return "\n".join(lines)


def whatif(solver="sgd", m=15_000, dims=(784, 256, 256, 10), batch=256, repeats=5):
    """Interleaved medians of one epoch: the engine as it is, the engine with ``numpy_axpy``, and the
    engine with SciPy's OpenBLAS held to one thread, next to PyTorch and scikit-learn (a what-if for
    the engine's update step; nothing is changed on disk)."""
    from threadpoolctl import ThreadpoolController

    from layerwise import engine

    from .common import interleaved, median
    from .mlp import contenders

    X, y = teacher_data(m, dims[0], dims[-1])
    c = contenders(X, y, list(dims), solver, batch, impls=("layerwise", "pytorch", "sklearn"))
    patched = contenders(X, y, list(dims), solver, batch, impls=("layerwise",))["layerwise"]
    one_thread = contenders(X, y, list(dims), solver, batch, impls=("layerwise",))["layerwise"]
    scipy_blas = [lc for lc in ThreadpoolController().lib_controllers if "scipy.libs" in lc.filepath]

    def with_numpy_axpy():
        saved = engine.optimizers.axpy
        engine.optimizers.axpy = numpy_axpy
        try:
            patched()
        finally:
            engine.optimizers.axpy = saved

    def with_scipy_blas_1_thread():
        before = [lc.num_threads for lc in scipy_blas]
        for lc in scipy_blas:
            lc.set_num_threads(1)
        try:
            one_thread()
        finally:
            for lc, n in zip(scipy_blas, before):
                lc.set_num_threads(n)

    c["layerwise, axpy via numpy"] = with_numpy_axpy
    c["layerwise, scipy BLAS 1 thread"] = with_scipy_blas_1_thread
    times = interleaved(c, repeats=repeats)
    ref = {k: median(times[k]) for k in ("pytorch", "sklearn")}
    lines = [f"{solver} {'-'.join(map(str, dims))} m={m} batch={batch}, median of {repeats} interleaved rounds:"]
    for name, ts in times.items():
        t = median(ts)
        lines.append(f"  {name:32s} {t:7.3f} s   x PyTorch {t / ref['pytorch']:5.2f}   x sklearn {t / ref['sklearn']:5.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    p = argparse.ArgumentParser(prog="python -m bench.profile")
    p.add_argument("solver", nargs="?", default="sgd", choices=["sgd", "adam"])
    p.add_argument("m", nargs="?", type=int, default=15_000)
    p.add_argument("--dims", default="784,256,256,10")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--numpy-update", action="store_true",
                   help="what-if: the engine's axpy through NumPy ufuncs instead of SciPy's BLAS")
    p.add_argument("--whatif", action="store_true",
                   help="interleaved epochs: engine as is, with numpy axpy, with SciPy's BLAS at 1 thread, PyTorch, sklearn")
    a = p.parse_args()
    dims = tuple(int(d) for d in a.dims.split(","))
    if a.whatif:
        print(whatif(a.solver, a.m, dims, a.batch))
        raise SystemExit(0)
    print(breakdown(a.solver, a.m, dims, a.batch, numpy_update=a.numpy_update))

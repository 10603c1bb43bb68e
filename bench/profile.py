"""Where one layerwise epoch spends its time: ``python -m bench.profile [sgd|adam] [m] [--dims ...] [--cprofile]``.

Wraps, for the duration of the run, ``np.matmul`` (the products), ``np.take`` (the minibatch
gather) and the optimizer's ``step`` (the update) with timers; the rest of the epoch is elementwise
work (bias, activations, softmax, cost, deltas, db sums) plus Python overhead. Prints each share next
to what the products alone would take at the matrix-product peak measured just after.
``--cpu`` times with the process's CPU time (steady on a shared machine with one BLAS thread).
``--cprofile`` adds cProfile's list of the engine functions by their own time (a NumPy ufunc's time
counts in the Python function that calls it, so this splits the elementwise share by kernel).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time

import numpy as np

from .common import epoch_flop, teacher_data
from .peak import matmul_contender
from .train import LEARNING_RATES

CLOCK = time.perf_counter  # --cpu: time.process_time, steadier on a busy machine with one BLAS thread


class Timed:
    """Replace ``owner.name`` by a timing wrapper while inside the ``with`` block."""

    def __init__(self, owner, name, totals, key):
        self.owner, self.name, self.totals, self.key = owner, name, totals, key

    def __enter__(self):
        self.orig = orig = getattr(self.owner, self.name)
        totals, key = self.totals, self.key

        def wrapper(*args, **kwargs):
            t0 = CLOCK()
            try:
                return orig(*args, **kwargs)
            finally:
                totals[key] = totals.get(key, 0.0) + CLOCK() - t0

        setattr(self.owner, self.name, wrapper)

    def __exit__(self, *exc):
        setattr(self.owner, self.name, self.orig)


def breakdown(solver="sgd", m=60_000, dims=(784, 256, 256, 10), batch=256, epochs=3, cprofile=False):
    """The breakdown of ``epochs`` layerwise epochs (after one warm-up) as text."""
    from layerwise import engine

    from . import layerwise_side

    X, y = teacher_data(m, dims[0], dims[-1])
    params = layerwise_side.init_params(list(dims), seed=1, dtype=X.dtype)
    epoch = layerwise_side.engine_epoch(X, y, params, solver, LEARNING_RATES[solver], batch)
    epoch()  # warm-up: workspaces are allocated here
    opt_cls = engine.OPTIMIZERS[{"sgd": "gd", "adam": "adam"}[solver]]
    totals = {}
    from layerwise.engine.ops import NUMPY  # the engine calls NumPy's functions through this table

    with (
        Timed(NUMPY, "matmul", totals, "matmul"),
        Timed(np, "take", totals, "gather (np.take)"),
        Timed(opt_cls, "step", totals, "optimizer step"),
    ):
        t0 = CLOCK()
        for _ in range(epochs):
            epoch()
        total = CLOCK() - t0
    peak_fn = matmul_contender(2048, np.float32)
    t0 = CLOCK()
    for _ in range(3):
        peak_fn()
    peak = 3 * 2 * 2048**3 / (CLOCK() - t0)
    ideal = epoch_flop(list(dims), m, batch) / peak
    totals["elementwise + python"] = total - sum(totals.values())
    lines = [
        f"{solver} {'-'.join(map(str, dims))} m={m} batch={batch}: {total / epochs:.3f} s per epoch "
        f"(the products at the measured peak {peak / 1e9:.0f} GFLOP/s would take {ideal:.3f} s)"
    ]
    for key, t in sorted(totals.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {key:24s} {t / epochs:8.3f} s  {100 * t / total:5.1f} %")
    if cprofile:
        prof = cProfile.Profile()
        prof.runcall(epoch)
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(12)
        lines.append(out.getvalue())
    return "\n".join(lines)


if __name__ == "__main__":
    p = argparse.ArgumentParser(prog="python -m bench.profile")
    p.add_argument("solver", nargs="?", default="sgd", choices=["sgd", "adam"])
    p.add_argument("m", nargs="?", type=int, default=60_000)
    p.add_argument("--dims", default="784,256,256,10")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--cprofile", action="store_true", help="also list engine functions by their own time")
    p.add_argument(
        "--cpu",
        action="store_true",
        help="CPU time of this process instead of wall time (use with OPENBLAS_NUM_THREADS=1 on a busy machine)",
    )
    a = p.parse_args()
    if a.cpu:
        CLOCK = time.process_time
    print(breakdown(a.solver, a.m, tuple(int(d) for d in a.dims.split(",")), a.batch, cprofile=a.cprofile))

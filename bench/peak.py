"""The matrix-product peak: C = A B on n x n matrices, float32 and float64, through NumPy's BLAS.

2 n^3 FLOPs per product. This is the yardstick for every "fraction of peak" in the table; it is
measured in the same run because these machines are shared and their speed drifts. PyTorch's own
float32 product is timed alongside for context (PyTorch ships its own BLAS).
"""
from __future__ import annotations

import numpy as np

from .common import Row, interleaved, median


def matmul_contender(n, dtype, seed=0):
    """A callable that multiplies two fixed n x n matrices of ``dtype`` into a preallocated C."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n)).astype(dtype)
    B = rng.standard_normal((n, n)).astype(dtype)
    C = np.empty((n, n), dtype=dtype)
    return lambda: np.matmul(A, B, out=C)


def torch_matmul_contender(n, seed=0):
    import torch

    g = torch.Generator().manual_seed(seed)
    A = torch.randn(n, n, generator=g)
    B = torch.randn(n, n, generator=g)
    C = torch.empty(n, n)
    return lambda: torch.matmul(A, B, out=C)


def run(quick=False, repeats=5):
    n = 256 if quick else 2048
    contenders = {
        "numpy f32": matmul_contender(n, np.float32),
        "numpy f64": matmul_contender(n, np.float64),
    }
    try:
        contenders["pytorch f32"] = torch_matmul_contender(n)
    except ImportError:
        pass
    times = interleaved(contenders, repeats=repeats)
    flop = 2.0 * n**3
    keys = {"numpy f32": "f32", "numpy f64": "f64", "pytorch f32": "f32"}
    return [
        Row("peak", f"matmul {n}^3 {name.split()[1]}", name.split()[0], median(ts), ts, flop=flop, peak_key=keys[name])
        for name, ts in times.items()
    ]


def peaks_from(rows):
    """{"f32": GFLOP/s, "f64": GFLOP/s} of NumPy's products, read off the peak case's rows."""
    return {r.peak_key: r.gflops for r in rows if r.key == "peak" and r.impl == "numpy"}

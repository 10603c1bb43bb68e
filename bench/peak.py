"""The matrix-product yardstick: a callable multiplying two fixed n x n matrices into a preallocated C.

2 n^3 FLOPs per product. The ``train`` section times it in fresh processes (``worker.peak``); the
in-process cases (``wide``, ``bench.profile``) time this callable in their own rounds.
"""

from __future__ import annotations

import numpy as np


def matmul_contender(n, dtype, seed=0):
    """A callable that multiplies two fixed n x n matrices of ``dtype`` into a preallocated C."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n)).astype(dtype)
    B = rng.standard_normal((n, n)).astype(dtype)
    C = np.empty((n, n), dtype=dtype)
    return lambda: np.matmul(A, B, out=C)

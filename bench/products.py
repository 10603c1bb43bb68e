"""The matrix products of one training step, alone: how fast each BLAS runs the shapes training uses.

For 784-256-256-10 at batch 256 a step is eight products (``common.mlp_flop``): per layer l the
forward Z[l]^T = A[l-1]^T W[l]^T, the gradient dW[l] = dZ[l]^T A[l-1], and for l >= 2 the backward
dA[l-1]^T = dZ[l]^T W[l] (the engine's row layout, ``engine/network.py``). ``step_products(impl, ...)``
returns a callable doing exactly those eight into preallocated outputs: through NumPy (the BLAS
layerwise runs on, OpenBLAS in NumPy's wheel) or through PyTorch (its MKL). The ``train`` section
times both in fresh processes with the same thread count: the GEMM peak of a 2048^3 product says
what a BLAS can do on large squares; this says what it does on the shapes of the job, which is the
ceiling for ``fit``, whatever runs around the products.
"""

from __future__ import annotations

import itertools

import numpy as np

from .common import mlp_flop


def _operands(dims, m, dtype, rng):
    """Per layer: (A_prev (m, n[l-1]), W (n[l], n[l-1]), dZ (m, n[l])) with values of the job's scale."""
    out = []
    for n_prev, n in itertools.pairwise(dims):
        out.append(
            (
                rng.standard_normal((m, n_prev)).astype(dtype),
                (rng.standard_normal((n, n_prev)) / np.sqrt(n_prev)).astype(dtype),
                (rng.standard_normal((m, n)) * 1e-3).astype(dtype),
            )
        )  # real values: never denormals
    return out


def step_products(impl, dims, m, dtype, seed=0):
    """(callable running one step's products, their FLOPs) for impl "numpy" or "pytorch"."""
    ops = _operands(dims, m, np.dtype(dtype), np.random.default_rng(seed))
    if impl == "pytorch":
        import torch

        ops = [tuple(torch.from_numpy(a) for a in layer) for layer in ops]
        matmul, empty = torch.matmul, (lambda shape, like: torch.empty(shape, dtype=like.dtype))
    else:
        matmul, empty = np.matmul, (lambda shape, like: np.empty(shape, like.dtype))
    calls = []
    for l, (A_prev, W, dZ) in enumerate(ops):
        Z, dW = empty(tuple(dZ.shape), dZ), empty(tuple(W.shape), W)
        calls.append((A_prev, W.T, Z))  # forward
        calls.append((dZ.T, A_prev, dW))  # dW
        if l > 0:
            calls.append((dZ, W, empty(tuple(A_prev.shape), A_prev)))  # dA[l-1], never for l = 1

    def run():
        for a, b, c in calls:
            matmul(a, b, out=c)

    return run, mlp_flop(dims, m)

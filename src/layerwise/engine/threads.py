"""How many BLAS threads a training run should use.

Splitting a small matrix product over threads costs more in synchronization than it saves, and on a
busy machine a product waits for its slowest thread: a 200 x 64 x 256 product ran 15x slower with two
OpenBLAS threads than with one on our shared 2-core machine. Below ``SMALL_MACS`` multiply-adds per
forward pass of a batch, training runs on one BLAS thread; above, BLAS keeps its own setting.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

SMALL_MACS = 8_000_000  # forward multiply-adds per batch; 784-256-256-10 at batch 256 is 69 M


def forward_macs(layer_dims: Sequence[int], batch_size: int) -> int:
    """Multiply-adds of one forward pass: m * sum_l n[l] n[l-1]."""
    return batch_size * sum(a * b for a, b in itertools.pairwise(layer_dims))


def blas_threads_for(layer_dims: Sequence[int], batch_size: int) -> AbstractContextManager[Any]:
    """A context manager: one BLAS thread for small networks and batches, BLAS's default otherwise."""
    if forward_macs(layer_dims, batch_size) >= SMALL_MACS:
        return nullcontext()
    try:
        from threadpoolctl import threadpool_limits  # a dependency of scikit-learn
    except ImportError:  # pragma: no cover
        return nullcontext()
    found: AbstractContextManager[Any] = threadpool_limits(limits=1, user_api="blas")
    return found

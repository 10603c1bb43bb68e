"""Precision of matrix products: IEEE by default, TF32 tensor cores for float32 on a GPU when asked for."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import numpy as np

from .ops import Ops, host_dtype


@contextmanager
def tf32_products() -> Iterator[None]:
    """CuPy's float32 matrix products on TF32 tensor cores inside the block (restored after).

    CuPy reads ``CUPY_TF32`` once, at its first product; ``cupy._core.set_compute_type`` is the switch
    that can be turned on and off per fit. A CUDA graph captured inside keeps TF32 for its replays.
    """
    import cupy as cp
    from cupy._core import _routines_linalg as linalg

    old = cp._core.get_compute_type(np.float32)
    cp._core.set_compute_type(np.float32, getattr(linalg, "COMPUTE_TYPE_TF32", 7))
    try:
        yield
    finally:
        cp._core.set_compute_type(np.float32, old)


def precision_scope(ops: Ops, precision: str | None, dtype: Any) -> AbstractContextManager[Any]:
    """A context for training or predicting at ``precision``: TF32 products on CuPy, nothing elsewhere."""
    if precision != "tf32":
        return nullcontext()
    if host_dtype(dtype) != np.float32:
        raise ValueError(
            f"precision='tf32' applies to float32 only (TF32 rounds float32 products), but the model "
            f"is {host_dtype(dtype)}; pass dtype='float32' or precision='ieee'"
        )
    if ops.name != "cupy":
        return nullcontext()  # the CPU has no TF32: full float32 products
    return tf32_products()


__all__ = ["precision_scope", "tf32_products"]

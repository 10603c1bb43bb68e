"""Array namespaces and the dtype policy.

Every function that touches data asks ``namespace(*arrays)`` for its array module, so the same
code runs on NumPy, CuPy and ``array_api_strict`` (array-api-compat wraps the first two).

Dtype policy (DESIGN.md section 4): float32 input stays float32; everything else becomes float64.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from array_api_compat import array_namespace, device, is_numpy_namespace

from ._typing import Array, FloatArray


def namespace(*arrays: Any) -> Any:
    """The array-API namespace shared by ``arrays`` (NumPy's when none is an array)."""
    present = [a for a in arrays if a is not None and not isinstance(a, (int, float, bool))]
    if not present:
        return array_namespace(np.empty(0))
    return array_namespace(*present)


FLOAT_DTYPES = [np.float64, np.float32]  # for validate_data: float32 input stays, anything else -> float64


def policy_dtype(X: Array) -> type[np.floating[Any]]:
    """The policy's dtype for array ``X`` (any namespace), as a NumPy type: float32 or float64."""
    return np.float32 if X.dtype == namespace(X).float32 else np.float64


def host(X: Array) -> FloatArray:
    """A NumPy copy (or view) of ``X``: the one place data leaves a device."""
    if isinstance(X, np.ndarray):
        return X
    xp = namespace(X)
    if is_numpy_namespace(xp):
        return np.asarray(X)
    if hasattr(X, "get"):  # CuPy
        found: FloatArray = X.get()
        return found
    try:
        return np.from_dlpack(X)  # an explicit copy across devices (array_api_strict's device1 too)
    except BufferError:  # NumPy < 2.1 cannot take a read-only array over DLPack: copy it on its device first
        return np.from_dlpack(xp.asarray(X, copy=True))


def like(A: Array, X: Array) -> Array:
    """The NumPy array ``A`` moved to the namespace and device of ``X`` (host draws -> device)."""
    xp = namespace(X)
    if is_numpy_namespace(xp):
        return A
    return xp.asarray(A, device=device(X))


__all__ = ["FLOAT_DTYPES", "policy_dtype", "namespace", "host", "like", "device", "is_numpy_namespace"]

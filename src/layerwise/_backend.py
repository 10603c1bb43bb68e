"""Array namespaces and the dtype policy.

Every function that touches data asks ``namespace(*arrays)`` for its array module, so the same
code runs on NumPy, CuPy and ``array_api_strict`` (array-api-compat wraps the first two).

Dtype policy (DESIGN.md section 4): float32 input stays float32; everything else becomes float64.
"""
from __future__ import annotations

import numpy as np
from array_api_compat import array_namespace, device, is_numpy_namespace


def namespace(*arrays):
    """The array-API namespace shared by ``arrays`` (NumPy's when none is an array)."""
    arrays = [a for a in arrays if a is not None and not isinstance(a, (int, float, bool))]
    if not arrays:
        return array_namespace(np.empty(0))
    return array_namespace(*arrays)


def host(X):
    """A NumPy copy (or view) of ``X``: the one place data leaves a device."""
    if isinstance(X, np.ndarray):
        return X
    xp = namespace(X)
    if is_numpy_namespace(xp):
        return np.asarray(X)
    if hasattr(X, "get"):  # CuPy
        return X.get()
    return np.from_dlpack(X)  # an explicit copy across devices (array_api_strict's device1 too)


def like(A, X):
    """The NumPy array ``A`` moved to the namespace and device of ``X`` (host draws -> device)."""
    xp = namespace(X)
    if is_numpy_namespace(xp):
        return A
    return xp.asarray(A, device=device(X))


__all__ = ["namespace", "host", "like", "device", "is_numpy_namespace"]

"""The engine's in-place operations, one table per array library.

The engine never calls NumPy directly: it asks ``ops_for(array)`` for an ``Ops`` table and calls
``o.add(A, B, out=A)``, ``o.matmul(A, W.T, out=Z)``, ``o.take_rows(X, idx, out=Xb)`` and so on.

- NumPy and CuPy: the table holds the library's own functions (``numpy.add`` is ``o.add``), so a
  call is the very same ufunc call with ``out=``: no temporary, no wrapper, the same rounding.
- Any other array-API namespace (``array_api_strict``, ...): the same calls are emulated as
  ``out[...] = xp.add(A, B)``, which allocates but computes the same numbers to rounding.

Every function takes ``out=None`` (then it returns a new array). Host <-> device moves are explicit:
``from_host`` (NumPy -> the table's device), ``to_host`` (-> NumPy). Random numbers: ``uniform``
fills a buffer from a NumPy ``Generator`` (drawn on the host and moved, for emulated namespaces, so
they match NumPy bit for bit) or, on CuPy, from a device generator seeded from it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .._backend import device as device_of
from .._backend import host, is_numpy_namespace, namespace
from .._typing import Array

# functions every table has, by the name NumPy gives them
_BINARY = ("add", "subtract", "multiply", "divide", "maximum", "greater", "less", "logaddexp")
_UNARY = ("sign", "tanh", "exp", "log", "sqrt", "isfinite")


class Ops:
    """In-place operations on one library's arrays (and one device, for emulated namespaces)."""

    def __init__(self, name: str, xp: Any, device: Any = None) -> None:
        self.name, self.xp, self.device = name, xp, device
        self.is_numpy = name == "numpy"

    if TYPE_CHECKING:
        # the elementwise operations and reductions (add, multiply, matmul, sum, ...) are set per library by
        # ``_numpy_ops`` / ``_cupy_ops``; to the type checker they are any callable
        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...

    def __repr__(self) -> str:
        return f"Ops({self.name!r}, device={self.device!r})"

    # ---------------------------------------------------------------- allocation and moves
    def dtype(self, dtype: Any) -> Any:
        """The library's dtype object for a NumPy dtype (or its name)."""
        return np.dtype(dtype)

    def empty(self, shape: int | tuple[int, ...], dtype: Any) -> Array:
        return self.xp.empty(shape, dtype=self.dtype(dtype))

    def zeros(self, shape: int | tuple[int, ...], dtype: Any) -> Array:
        return self.xp.zeros(shape, dtype=self.dtype(dtype))

    def from_host(self, A: Array) -> Array:
        """A NumPy array on this table's device (NumPy: ``A`` itself, no copy)."""
        return self.xp.asarray(A)

    def to_host(self, A: Array) -> Array:
        return host(A)

    def copy(self, A: Array) -> Array:
        return A.copy()


FINITE_BLOCK = 1 << 16  # values checked per pass by ``all_finite``: a 64 KB mask, reused, stays in cache


def all_finite(A: Array) -> bool:
    """True when no value of the NumPy array A is NaN or infinite, checked in blocks of ``FINITE_BLOCK``
    values: a model's parameters after an epoch, or a large input matrix, without a mask of its size."""
    flat = A.reshape(-1, order="A")  # a view when A is C- or F-contiguous
    if flat.size <= FINITE_BLOCK:
        return bool(np.isfinite(flat).all())
    mask = np.empty(FINITE_BLOCK, dtype=bool)
    for start in range(0, flat.size, FINITE_BLOCK):
        part = flat[start : start + FINITE_BLOCK]
        if not np.isfinite(part, out=mask[: part.size]).all():
            return False
    return True


def _numpy_ops() -> Ops:
    o = Ops("numpy", np)
    for name in _BINARY + _UNARY + ("matmul", "copyto", "sum", "max", "dot", "reshape"):
        setattr(o, name, getattr(np, name))
    # the reductions straight from their ufuncs: np.sum / np.max add a Python wrapper (about 1 us a call);
    # the ignores: NumPy's stubs make out and keepdims keyword-only, the ufunc takes them by position
    o.sum = lambda a, axis=None, out=None, keepdims=False: np.add.reduce(a, axis, None, out, keepdims)  # type: ignore[call-overload]
    o.max = lambda a, axis=None, out=None, keepdims=False: np.maximum.reduce(a, axis, None, out, keepdims)  # type: ignore[call-overload]
    o.reshape = lambda a, shape: a.reshape(shape)  # the method: np.reshape's Python wrapper costs ~0.5 us a call
    o.from_host = lambda A: A  # type: ignore[method-assign]
    o.take_rows = lambda X, idx, out: np.take(X, idx, axis=0, out=out, mode="clip")  # (clip: no buffer)
    o.all_finite = all_finite
    o.uniform = lambda rng, out: rng.random(out=out, dtype=out.dtype)
    o.device_rng = lambda rng: rng
    return o


def _cupy_ops(cp: Any) -> Ops:
    """CuPy's own ufuncs, the same calls as NumPy's (out= everywhere); random numbers on the device."""
    o = Ops("cupy", cp)
    for name in _BINARY + _UNARY + ("matmul", "copyto", "sum", "max", "dot", "reshape"):
        setattr(o, name, getattr(cp, name))
    o.copyto = lambda dst, src, casting="same_kind": cp.copyto(
        dst, cp.asarray(src) if isinstance(src, np.ndarray) else src, casting=casting
    )
    o.take_rows = lambda X, idx, out: cp.take(X, idx, axis=0, out=out)
    o.all_finite = lambda A: bool(cp.isfinite(A).all())  # (one host sync)
    o.uniform = lambda rng, out: rng.random(out.shape, dtype=out.dtype, out=out)
    # dropout masks are drawn on the device, from a generator seeded by the host's
    o.device_rng = lambda rng: cp.random.default_rng(int(rng.integers(2**63 - 1)))
    return o


class EmulatedOps(Ops):
    """Any array-API namespace: ``f(..., out=B)`` becomes ``B[...] = f(...)`` (allocates)."""

    def __init__(self, xp: Any, device: Any) -> None:
        super().__init__(getattr(xp, "__name__", "array_api"), xp, device)
        for name in _BINARY:
            setattr(self, name, self._binary(getattr(xp, name)))
        for name in _UNARY:
            setattr(self, name, self._unary(getattr(xp, name)))

    def _assign(self, out: Array | None, value: Array) -> Array:
        if out is None:
            return value
        out[...] = value if value.dtype == out.dtype else self.xp.astype(value, out.dtype)
        return out

    def _binary(self, f: Callable[[Array, Array], Array]) -> Callable[..., Array]:
        def call(a: Array, b: Array, out: Array | None = None) -> Array:
            return self._assign(out, f(a, b))

        return call

    def _unary(self, f: Callable[[Array], Array]) -> Callable[..., Array]:
        def call(a: Array, out: Array | None = None) -> Array:
            return self._assign(out, f(a))

        return call

    def dtype(self, dtype: Any) -> Any:
        return getattr(self.xp, host_dtype(dtype).name)

    def empty(self, shape: int | tuple[int, ...], dtype: Any) -> Array:
        return self.xp.empty(shape, dtype=self.dtype(dtype), device=self.device)

    def zeros(self, shape: int | tuple[int, ...], dtype: Any) -> Array:
        return self.xp.zeros(shape, dtype=self.dtype(dtype), device=self.device)

    def from_host(self, A: Array) -> Array:
        A = np.asarray(A)
        return self.xp.asarray(A, dtype=self.dtype(A.dtype), device=self.device)

    def copy(self, A: Array) -> Array:
        return self.xp.asarray(A, copy=True)

    def matmul(self, a: Array, b: Array, out: Array | None = None) -> Array:
        return self._assign(out, self.xp.matmul(a, b))

    def copyto(self, dst: Array, src: Array, casting: str = "same_kind") -> None:
        if not hasattr(src, "shape") or isinstance(src, np.ndarray):
            src = self.from_host(np.asarray(src))
        self._assign(dst, src)

    def sum(self, a: Array, axis: int | None = None, out: Array | None = None, keepdims: bool = False) -> Array:
        return self._assign(out, self.xp.sum(a, axis=axis, keepdims=keepdims))

    def max(self, a: Array, axis: int | None = None, out: Array | None = None, keepdims: bool = False) -> Array:
        return self._assign(out, self.xp.max(a, axis=axis, keepdims=keepdims))

    def dot(self, a: Array, b: Array) -> Array:
        return self.xp.vecdot(a, b)

    def reshape(self, a: Array, shape: tuple[int, ...]) -> Array:
        return self.xp.reshape(a, shape)

    def take_rows(self, X: Array, idx: Array, out: Array) -> Array:
        return self._assign(out, self.xp.take(X, idx, axis=0))

    def all_finite(self, A: Array) -> bool:
        return bool(self.xp.all(self.xp.isfinite(A)))

    def uniform(self, rng: np.random.Generator, out: Array) -> None:
        # drawn on the host from the same NumPy generator, so masks match the NumPy engine's exactly
        self._assign(out, self.from_host(rng.random(tuple(out.shape), dtype=host_dtype(out.dtype))))

    def device_rng(self, rng: Any) -> Any:
        return rng


def host_dtype(dtype: Any) -> np.dtype[Any]:
    """The NumPy dtype of any library's dtype object (``array_api_strict.float32`` -> ``float32``)."""
    try:
        found: np.dtype[Any] = np.dtype(dtype)
        return found
    except TypeError:
        return np.dtype(str(dtype).rsplit(".", 1)[-1])


NUMPY = _numpy_ops()
_TABLES: dict[Any, Ops] = {}


def ops_for(*arrays: Any) -> Ops:
    """The ``Ops`` table for the namespace (and device) of ``arrays``; NumPy's when none is an array."""
    present = [a for a in arrays if a is not None and not isinstance(a, np.ndarray)]
    if not present:
        return NUMPY
    xp = namespace(*present)
    if is_numpy_namespace(xp):
        return NUMPY
    dev = device_of(arrays[0])
    key = (xp.__name__, str(dev))
    if key not in _TABLES:
        _TABLES[key] = _cupy_ops(_cupy()) if _is_cupy(xp) else EmulatedOps(xp, dev)
    return _TABLES[key]


def _is_cupy(xp: Any) -> bool:
    from array_api_compat import is_cupy_namespace

    return is_cupy_namespace(xp)


def _cupy() -> Any:
    import cupy

    return cupy


__all__ = ["Ops", "EmulatedOps", "NUMPY", "ops_for", "host_dtype"]

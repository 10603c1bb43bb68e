"""The per-layer blocks: forward returns ``(out, cache)``, backward takes ``(dout, cache)``.

    Z[l] = W[l] A[l-1] + b[l]              linear_forward
    A[l] = g[l](Z[l])                      linear_activation_forward
    dW[l] = dZ[l] A[l-1]^T / m             linear_backward
    db[l] = sum(dZ[l], axis=1) / m
    dA[l-1] = W[l]^T dZ[l]
    dZ[l] = dA[l] * g'[l](Z[l])            linear_activation_backward

Caches are typed (``LinearCache``, ``LayerCache``) and unpacked by name; nothing here mutates its
inputs. ``layer`` (1-based) only serves error messages.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .._backend import namespace
from .._typing import Array
from .activations import get_activation


class LinearCache(NamedTuple):
    A_prev: Array  # (n[l-1], m)
    W: Array  # (n[l], n[l-1])
    b: Array  # (n[l], 1)


class LayerCache(NamedTuple):
    linear: LinearCache
    Z: Array  # (n[l], m)


def _where(layer: int | None) -> str:
    return f"layer {layer}" if layer is not None else "this layer"


def check_linear_shapes(A_prev: Array, W: Array, b: Array, layer: int | None = None) -> None:
    """ValueError naming the layer and both shapes when W[l], b[l] and A[l-1] do not fit."""
    if len(W.shape) != 2 or len(A_prev.shape) != 2:
        raise ValueError(
            f"{_where(layer)}: W and A_prev must be 2-D, got W {tuple(W.shape)} and A_prev {tuple(A_prev.shape)}"
        )
    if W.shape[1] != A_prev.shape[0]:
        raise ValueError(
            f"{_where(layer)}: W{layer or ''} has shape {tuple(W.shape)} (n[l], n[l-1]) but A_prev has shape "
            f"{tuple(A_prev.shape)} (n[l-1], m); W's columns must equal A_prev's rows"
        )
    if tuple(b.shape) != (W.shape[0], 1):
        raise ValueError(
            f"{_where(layer)}: b{layer or ''} has shape {tuple(b.shape)}, expected {(W.shape[0], 1)} (n[l], 1)"
        )


def linear_forward(A_prev: Array, W: Array, b: Array, layer: int | None = None) -> tuple[Array, LinearCache]:
    """Z = W A_prev + b.  A_prev (n[l-1], m), W (n[l], n[l-1]), b (n[l], 1) -> Z (n[l], m)."""
    check_linear_shapes(A_prev, W, b, layer)
    Z = W @ A_prev + b  # (n[l], m): b broadcasts over the m columns
    return Z, LinearCache(A_prev, W, b)


def linear_backward(dZ: Array, cache: LinearCache, need_dA_prev: bool = True) -> tuple[Array | None, Array, Array]:
    """dZ (n[l], m) -> dA_prev (n[l-1], m) or None, dW (n[l], n[l-1]), db (n[l], 1).

    ``need_dA_prev=False`` skips W^T dZ (for the first layer, where dA[0] is never used).
    """
    xp = namespace(dZ)
    A_prev, W, _ = cache.A_prev, cache.W, cache.b
    m = A_prev.shape[1]
    dW = (dZ @ A_prev.T) / m  # (n[l], n[l-1])
    db = xp.sum(dZ, axis=1, keepdims=True) / m  # (n[l], 1)
    dA_prev = W.T @ dZ if need_dA_prev else None  # (n[l-1], m)
    return dA_prev, dW, db


def linear_activation_forward(
    A_prev: Array, W: Array, b: Array, activation: Any, layer: int | None = None
) -> tuple[Array, LayerCache]:
    """A = g(W A_prev + b).  A_prev (n[l-1], m) -> A (n[l], m), LayerCache."""
    Z, linear_cache = linear_forward(A_prev, W, b, layer)
    A = get_activation(activation).forward(Z)
    return A, LayerCache(linear_cache, Z)


def linear_activation_backward(
    dA: Array, cache: LayerCache, activation: Any, need_dA_prev: bool = True
) -> tuple[Array | None, Array, Array]:
    """dA (n[l], m) -> dA_prev (n[l-1], m), dW (n[l], n[l-1]), db (n[l], 1), through g'(Z)."""
    dZ = get_activation(activation).backward(dA, cache.Z)  # (n[l], m)
    return linear_backward(dZ, cache.linear, need_dA_prev)

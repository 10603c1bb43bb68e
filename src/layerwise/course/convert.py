"""The course's parameter dicts {"W1", "b1", ...} to and from the core's tuple of ``LayerParams``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core import LayerGrads, LayerParams


def to_params(parameters: Mapping[str, Any]) -> tuple[LayerParams, ...]:
    """{"W1", "b1", ..., "WL", "bL"} -> (LayerParams(W1, b1), ..., LayerParams(WL, bL))."""
    L = sum(1 for key in parameters if key.startswith("W"))
    return tuple(LayerParams(parameters[f"W{l}"], parameters[f"b{l}"]) for l in range(1, L + 1))


def to_dict(params: Sequence[LayerParams]) -> dict[str, Any]:
    """(LayerParams, ...) -> {"W1", "b1", ...}: 1-based keys, as the course."""
    out = {}
    for l, p in enumerate(params, start=1):
        out[f"W{l}"], out[f"b{l}"] = p.W, p.b
    return out


def to_grads(grads: Mapping[str, Any], L: int) -> tuple[LayerGrads, ...]:
    """{"dW1", "db1", ...} (other keys such as "dA0" ignored) -> (LayerGrads(dW1, db1), ...), l = 1..L."""
    return tuple(LayerGrads(grads[f"dW{l}"], grads[f"db{l}"]) for l in range(1, L + 1))


def grads_dict(grads: Sequence[LayerGrads]) -> dict[str, Any]:
    """(LayerGrads, ...) -> {"dW1", "db1", ...}."""
    out = {}
    for l, g in enumerate(grads, start=1):
        out[f"dW{l}"], out[f"db{l}"] = g.dW, g.db
    return out

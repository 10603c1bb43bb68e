"""The one lookup every registry uses: an object passes through, a name is found or clearly refused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def lookup(registry: Mapping[str, Any], value: Any, kind: str, cls: type[Any] | None = None) -> Any:
    """``value`` itself if it is a ``cls``, else ``registry[value]``; ValueError listing the known names."""
    if cls is not None and isinstance(value, cls):
        return value
    try:
        return registry[value]
    except (KeyError, TypeError):
        known = ", ".join(sorted(registry))
        also = f" (or a {cls.__name__} object)" if cls is not None else ""
        raise ValueError(f"unknown {kind} {value!r}; expected one of: {known}{also}") from None

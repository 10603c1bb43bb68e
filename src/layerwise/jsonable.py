"""The one JSON normalizer: NumPy scalars, tuples, dtypes and dict keys made into plain JSON values."""

from __future__ import annotations

from typing import Any

import numpy as np


def to_json(value: Any) -> Any:
    """``value`` with NumPy scalars as Python numbers, tuples as lists, dtypes/types by name, str keys.

    A ``RandomState`` object becomes None (a generator's state is not a parameter worth keeping).
    """
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, type) or isinstance(value, np.dtype):
        return np.dtype(value).name
    if isinstance(value, np.random.RandomState):
        return None
    return value


__all__ = ["to_json"]

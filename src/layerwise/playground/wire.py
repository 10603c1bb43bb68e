"""The JSON a page receives: strict, never NaN or Infinity, which a browser's ``JSON.parse`` refuses.

``dumps(obj)`` writes ``obj`` as it is when it is all finite, else with every non-finite float as None
(``finite``): the page shows None as –.
"""

from __future__ import annotations

import json
import math
from typing import Any


def finite(obj: Any) -> Any:
    """``obj`` with every non-finite float replaced by None (JSON has no NaN; the page shows None as –)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite(v) for v in obj]
    return obj


def dumps(obj: Any) -> str:
    """Strict JSON: never NaN or Infinity, which a browser's JSON.parse refuses."""
    try:
        return json.dumps(obj, allow_nan=False)
    except ValueError:
        return json.dumps(finite(obj), allow_nan=False)

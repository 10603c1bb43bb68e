"""The one file digest: sha256 over named tensors and a JSON document, shared by model files and checkpoints.

Each tensor is hashed by name order as its name, dtype and shape (JSON) then its C-order bytes; then the
document without its own ``sha256`` entry (JSON, keys sorted). A changed value, shape, dtype or key
changes the digest, so a corrupted or edited file is caught before anything is built from it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np


def digest(arrays: Mapping[str, np.ndarray], doc: Mapping[str, Any]) -> str:
    """sha256 (hex) over every tensor (name, dtype, shape, bytes) and the document without its own digest."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = arrays[name]
        h.update(json.dumps([name, a.dtype.str, list(a.shape)]).encode())
        h.update(np.ascontiguousarray(a).tobytes())
    rest = {k: v for k, v in doc.items() if k != "sha256"}
    h.update(json.dumps(rest, sort_keys=True).encode())
    return h.hexdigest()


__all__ = ["digest"]

"""Opening a model file: safetensors' own reader, then the layerwise JSON document in its header.

``open_model`` reads the file through ``safe_open`` (after a look at its first bytes, so that a CSV or
a pickle given by mistake is named as such) and returns the header's metadata, the tensors and the file
size; ``model_document`` takes the ``"layerwise"`` metadata out of it and checks its format and version.
Each failure is one ``ModelFileError`` naming the file. The rest of the checks are io.modelfile's ``read``.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from .atomic import regular_file_size
from .modelcheck import ModelFileError
from .sniff import describe, looks_like_safetensors

FORMAT = "layerwise-model"
FORMAT_VERSION = 1
METADATA_KEY = "layerwise"


def open_model(path: Any) -> tuple[Any, dict[str, np.ndarray], int]:
    """safetensors' reader -> (the header's metadata, {name: ndarray}, file size); its errors named for the file."""
    from safetensors import safe_open

    size = regular_file_size(path, "model file")
    if size < 8:
        raise ModelFileError(path, f"only {size} bytes: too short for a safetensors file (truncated?)")
    try:
        with open(path, "rb") as f:
            head = f.read(512)
    except OSError as exc:  # permission denied, an I/O error: the path and the reason, one line
        raise ModelFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not looks_like_safetensors(head, size) and head[8:9] != b"{":  # (a truncated one is named below)
        raise ModelFileError(
            path,
            f"looks like {describe(head)}, not a layerwise model file (safetensors, as "
            "written by 'layerwise train' or layerwise.save); check the file name and the "
            "order of the arguments (layerwise predict MODEL DATA)",
        )
    try:
        with safe_open(os.fspath(path), framework="numpy") as f:
            meta = f.metadata()
            arrays = {name: f.get_tensor(name) for name in f.keys()}
    except OSError as exc:
        raise ModelFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    except Exception as exc:  # safetensors' SafetensorError and what its parser raises on foreign bytes
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ModelFileError(path, f"not a readable safetensors file, truncated or corrupted ({first})") from None
    return meta, arrays, size


def model_document(path: Any, meta: Any) -> dict[str, Any]:
    """The layerwise metadata document of a safetensors header's ``meta``: JSON, this format, a version we read."""
    if not isinstance(meta, dict) or METADATA_KEY not in meta:
        raise ModelFileError(path, f"a safetensors file, but not a layerwise model (no {METADATA_KEY!r} metadata)")
    try:
        doc = json.loads(meta[METADATA_KEY])
    except (ValueError, RecursionError):
        doc = None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ModelFileError(
            path,
            "the layerwise metadata is not a JSON document of format "
            f"{FORMAT!r}: corrupted, or written by another program",
        )
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(path, f"format_version {version!r} is not a positive integer: corrupted file")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            path,
            f"written by layerwise {doc.get('library_version')} in model file format "
            f"version {version}; this layerwise reads up to version {FORMAT_VERSION}: "
            "upgrade layerwise (pip install -U layerwise)",
        )
    return doc


__all__ = ["FORMAT", "FORMAT_VERSION", "METADATA_KEY", "open_model", "model_document"]

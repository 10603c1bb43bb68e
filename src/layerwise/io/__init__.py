"""Files: model files (safetensors + JSON), ONNX export, table loaders, and the one atomic writer.

Named ``layerwise.io``; inside the package ``import io`` still means the standard library's.
"""

from typing import Any

from .atomic import write_atomically
from .modelcheck import ModelFileError
from .modelfile import FORMAT, FORMAT_VERSION, METADATA_KEY, build, load, read, save

__all__ = [
    "write_atomically",
    "ModelFileError",
    "save",
    "load",
    "read",
    "build",
    "FORMAT",
    "FORMAT_VERSION",
    "METADATA_KEY",
    "export_onnx",
    "to_onnx",
    "load_table",
]


def __getattr__(name: str) -> Any:  # ONNX and the table readers load their optional dependencies only when asked
    if name in ("export_onnx", "to_onnx"):
        from . import onnx_export

        return getattr(onnx_export, name)
    if name == "load_table":
        from .tables import load_table

        return load_table
    raise AttributeError(f"module 'layerwise.io' has no attribute {name!r}")

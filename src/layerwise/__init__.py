"""layerwise: fully connected neural networks from first principles, in the course's notation."""

from importlib import import_module
from typing import Any


def _version() -> str:
    """The version, from one source: pyproject.toml. Installed, it is the package's metadata; run from a
    source tree (src/ on the path, not installed, or installed from another checkout), pyproject.toml itself."""
    import re
    from pathlib import Path

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    if pyproject.is_file():
        text = pyproject.read_text(encoding="utf-8")
        if re.search(r'^name = "layerwise"$', text, re.M):
            found = re.search(r'^version = "([^"]+)"$', text, re.M)
            if found:
                return found.group(1)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("layerwise")
    except PackageNotFoundError:
        return "0+unknown"


__version__ = _version()

# Public names served lazily, so that importing the core never pulls optional dependencies.
_LAZY = {
    "NeuralNetClassifier": "layerwise.estimators",
    "NeuralNetRegressor": "layerwise.estimators",
    "save": "layerwise.io",
    "load": "layerwise.io",
    "export_onnx": "layerwise.io.onnx_export",
    "TablePreprocessor": "layerwise.io.tableprep",
}


_SUBPACKAGES = ("search",)  # `import layerwise` then `layerwise.search.search(...)` imports it on first use


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    if name in _SUBPACKAGES:
        return import_module(f"layerwise.{name}")
    raise AttributeError(f"module 'layerwise' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_LAZY) + list(_SUBPACKAGES))


__all__ = ["__version__", *_LAZY]

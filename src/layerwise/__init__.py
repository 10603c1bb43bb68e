"""layerwise: fully connected neural networks from first principles, in the course's notation."""

from importlib import import_module

__version__ = "0.1.0"

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


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    if name in _SUBPACKAGES:
        return import_module(f"layerwise.{name}")
    raise AttributeError(f"module 'layerwise' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY) + list(_SUBPACKAGES))


__all__ = ["__version__", *_LAZY]

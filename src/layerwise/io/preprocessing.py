"""The scalers a model file may carry: one table (kind -> class, fitted attributes), export and import."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import numpy as np

from .._typing import FloatArray
from ..jsonable import to_json

# kind -> (scikit-learn class, the fitted attributes stored as tensors "preprocessing.<attr>")
SCALERS = {
    "standard": ("sklearn.preprocessing.StandardScaler", ("mean_", "scale_", "var_")),
    "minmax": ("sklearn.preprocessing.MinMaxScaler", ("min_", "scale_", "data_min_", "data_max_", "data_range_")),
}


def scaler_class(kind: str) -> Any:
    module, _, name = SCALERS[kind][0].rpartition(".")
    return getattr(import_module(module), name)


def make_scaler(kind: str) -> Any:
    """A new, unfitted scaler of ``kind`` ("standard", "minmax"), or None for "none"."""
    return None if kind == "none" else scaler_class(kind)()


def tensor_names(kind: str, prefix: str = "preprocessing") -> list[str]:
    """The tensor names a scaler of ``kind`` is stored under ("<prefix>.<attr>")."""
    return [f"{prefix}.{a.rstrip('_')}" for a in SCALERS[kind][1]]


def export_scaler(step: Any, prefix: str = "preprocessing") -> tuple[dict[str, FloatArray], dict[str, Any]]:
    """A fitted scaler -> ({"<prefix>.<attr>": array}, JSON-able description)."""
    for kind, (_, attrs) in SCALERS.items():
        if type(step) is scaler_class(kind):
            arrays = {name: _float_array(getattr(step, a)) for name, a in zip(tensor_names(kind, prefix), attrs)}
            desc = {
                "kind": kind,
                "params": to_json(step.get_params()),
                "n_features_in": int(step.n_features_in_),
                "tensors": sorted(arrays),
            }
            return arrays, desc
    known = ", ".join(v[0].rpartition(".")[2] for v in SCALERS.values())
    raise TypeError(f"preprocessing must be a fitted {known} (or None), got {type(step).__name__}")


def import_scaler(desc: dict[str, Any], arrays: dict[str, Any], prefix: str = "preprocessing") -> Any:
    """The fitted scaler that ``export_scaler`` described."""
    kind = desc["kind"]
    step = scaler_class(kind)(**desc["params"])
    for name, a in zip(tensor_names(kind, prefix), SCALERS[kind][1]):
        setattr(step, a, arrays[name])
    step.n_features_in_ = desc["n_features_in"]
    return step


def _float_array(a: Any) -> FloatArray:
    a = np.asarray(a)
    return np.ascontiguousarray(a if a.dtype in (np.float32, np.float64) else a.astype(np.float64))


__all__ = ["SCALERS", "make_scaler", "scaler_class", "tensor_names", "export_scaler", "import_scaler"]

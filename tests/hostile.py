"""Hostile model files for the tests: a real model's tensors and metadata, edited, the digest recomputed.

Anyone can recompute a model file's sha256 (it guards against corruption, not forgery), so every edit
here reaches the loader's deeper checks. ``HOSTILE`` maps a case name to an edit of (arrays, doc);
``forge`` writes the result as a safetensors file; ``legit`` gives the original's (arrays, doc).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import save as st_save
from sklearn.preprocessing import StandardScaler

import layerwise
from layerwise.io.modelfile import METADATA_KEY, digest

Arrays = dict[str, np.ndarray]
Edit = Callable[[Arrays, dict[str, Any]], None]


def legit(folder: Path, kind: str = "multiclass") -> tuple[Arrays, dict[str, Any], np.ndarray]:
    """(arrays, doc, X) of a small fitted model saved with a StandardScaler, read back with layerwise.io.read."""
    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    if kind == "regressor":
        model = layerwise.NeuralNetRegressor(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
        y = X @ [1.0, -2.0, 0.5]
    else:
        model = layerwise.NeuralNetClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
        y = np.array(["ant", "bee", "cat"])[rng.randint(0, 3, 60)] if kind == "multiclass" else (X[:, 0] > 0)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    path = folder / f"legit-{kind}.safetensors"
    layerwise.save(model, path, preprocessing=StandardScaler().fit(X))
    doc, arrays = layerwise.io.read(path)
    return {k: np.array(v) for k, v in arrays.items()}, doc, X


def forge(path: Path, arrays: Arrays, doc: dict[str, Any], edit: Edit | None = None) -> Path:
    """Write (arrays, doc), after ``edit(arrays, doc)`` on copies, with a recomputed digest."""
    arrays, doc = {k: np.array(v) for k, v in arrays.items()}, copy.deepcopy(doc)
    if edit is not None:
        edit(arrays, doc)
    doc["sha256"] = digest(arrays, doc)
    text = json.dumps(doc)  # NaN and Infinity are written as JSON's extensions, as a forger may
    path.write_bytes(st_save({k: np.ascontiguousarray(v) for k, v in arrays.items()}, metadata={METADATA_KEY: text}))
    return path


def _set(key: str, value: Any) -> Edit:
    return lambda arrays, doc: doc.__setitem__(key, value)


def _tensor(name: str, index: tuple[int, ...], value: float) -> Edit:
    def edit(arrays: Arrays, doc: dict[str, Any]) -> None:
        arrays[name][index] = value

    return edit


def _wide_classes(arrays: Arrays, doc: dict[str, Any]) -> None:
    """A label of 200,000 characters among 2,000: NumPy's U dtype would take 1.6 GB for them."""
    k = 2000
    doc["classes"] = ["x" * 200_000] + [f"c{i}" for i in range(k - 1)]
    doc["classes_dtype"] = "<U200000"
    arrays["W2"] = np.zeros((k, arrays["W2"].shape[1]), arrays["W2"].dtype)
    arrays["b2"] = np.zeros((k, 1), arrays["b2"].dtype)
    doc["layer_dims"][-1] = doc["n_outputs"] = k


# case -> (edit, a fragment of the expected one-line error); each was a crash, a hang or a wrong answer before
HOSTILE: dict[str, tuple[Edit, str]] = {
    "classes_dtype S2e9": (_set("classes_dtype", "S2000000000"), "classes_dtype"),
    "classes_dtype U2e6": (_set("classes_dtype", "U2000000"), "classes_dtype"),
    "classes_dtype U1e8": (_set("classes_dtype", "U100000000"), "classes_dtype"),
    "classes_dtype too short": (_set("classes_dtype", "<U1"), "cannot hold the class labels"),
    "classes_dtype datetime": (_set("classes_dtype", "<M8[ns]"), "not allowed"),
    "classes_dtype void": (_set("classes_dtype", "V1000000000"), "not allowed"),
    "classes_dtype as a list": (_set("classes_dtype", ["U3"]), "classes_dtype"),
    "classes as dicts": (_set("classes", [{"a": 1}, {"b": 2}, {"c": 3}]), "class labels"),
    "classes of mixed kinds": (_set("classes", ["ant", 1, 2.5]), "class labels"),
    "classes of lists": (_set("classes", [[1], [2], [3]]), "class labels"),
    "one label 200,000 characters long": (_wide_classes, "classes_dtype"),
    "an integer label past int64 beside a float": (_set("classes", [-(2**63) - 1, 0.0, 1.0]), "classes_dtype"),
    "an integer label past float64": (
        lambda arrays, doc: doc.update(classes=[10**400, 0, 1.5], classes_dtype="float64"),
        "out of the range of classes_dtype 'float64'",
    ),
    "a label past float16": (
        lambda arrays, doc: doc.update(classes=[7e4, 0.0, 1.5], classes_dtype="float16"),
        "out of the range",
    ),
    "NaN weight": (_tensor("W1", (0, 0), np.nan), "NaN or infinite"),
    "infinite bias": (_tensor("b2", (1, 0), np.inf), "NaN or infinite"),
    "zero scaler scale": (_tensor("preprocessing.scale", (1,), 0.0), "scale holds a zero"),
    "NaN scaler mean": (_tensor("preprocessing.mean", (0,), np.nan), "NaN or infinite"),
    "unknown key": (_set("pickle", "cos\nsystem\n"), "unknown metadata key"),
    "params as a list": (_set("params", [1, 2]), "params"),
    "nested params": (_set("params", {"hidden_layer_sizes": [[[4]]]}), "params"),
    "string n_iter": (_set("n_iter", "5"), "n_iter"),
    "huge n_iter": (_set("n_iter", 2**80), "n_iter"),
    "300,000 layers": (_set("layer_dims", [3] * 300_000), "layer_dims"),
    "feature names of numbers": (_set("feature_names_in", [1, 2, 3]), "feature_names_in"),
    "columns of numbers": (_set("columns", {"features": [1, 2, 3]}), "columns"),
}

REGRESSOR_HOSTILE: dict[str, tuple[Edit, str]] = {
    "infinite target scale": (_set("target_scaling", {"mean": [0.0], "scale": [float("inf")]}), "target_scaling"),
    "zero target scale": (_set("target_scaling", {"mean": [0.0], "scale": [0.0]}), "target_scaling"),
    "target scale of strings": (_set("target_scaling", {"mean": ["0"], "scale": ["1"]}), "target_scaling"),
    "target scale with extra keys": (_set("target_scaling", {"mean": [0.0], "scale": [1.0], "x": 1}), "target_scaling"),
}

"""ModelFileError, and the checks that a model file's metadata agrees with itself and with its tensors."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from ..core.activations import ACTIVATIONS
from ..core.losses import LOSSES
from .preprocessing import SCALERS, tensor_names

ESTIMATORS = ("NeuralNetClassifier", "NeuralNetRegressor")
DTYPES = ("float32", "float64")
# output_type -> (estimator, loss, output units from the number of classes k (None: regressor))
OUTPUT_TYPES: dict[str, tuple[str, str, Callable[[int], int] | None]] = {
    "binary": ("NeuralNetClassifier", "binary_crossentropy", lambda k: 1),
    "multiclass": ("NeuralNetClassifier", "categorical_crossentropy", lambda k: k),
    "multilabel-indicator": ("NeuralNetClassifier", "binary_crossentropy", lambda k: k),
    "continuous": ("NeuralNetRegressor", "mse", None),
    "continuous-multioutput": ("NeuralNetRegressor", "mse", None),
}


class ModelFileError(ValueError):
    """A model file that cannot be read: truncated, corrupted, foreign, or from a newer layerwise."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        self.path, self.problem = os.fspath(path), problem
        super().__init__(f"{self.path}: {problem}")


def _shown(value: object) -> str:
    """repr(value) cut to 80 characters: a message quotes a forged list, it does not reprint it."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _count(value: object) -> bool:
    return type(value) is int and value >= 0


def check_tensors(
    path: str | os.PathLike[str], doc: Mapping[str, Any], arrays: Mapping[str, Any], owned: Iterable[str] = ()
) -> None:
    """W1, b1, ..., WL, bL with the shapes ``layer_dims`` says, in its dtype, the scaler's, and the
    ``owned`` names a registered section checked (io.modelschema); nothing else. Every value finite."""
    dims, dtype = doc.get("layer_dims"), doc.get("dtype")
    if not isinstance(dims, list) or len(dims) < 2 or not all(type(n) is int and n > 0 for n in dims):
        raise ModelFileError(
            path,
            f"metadata has invalid layer_dims {_shown(dims)}: expected a list of at least 2 "
            "positive integers (n_x, hidden sizes, output units)",
        )
    if dtype not in DTYPES:
        raise ModelFileError(path, f"metadata has dtype {dtype!r}; expected one of {list(DTYPES)}")
    if 2 * (len(dims) - 1) > len(arrays):  # bounded by the file before a table of expected tensors is built
        raise ModelFileError(path, f"layer_dims lists {len(dims) - 1} layers but the file holds {len(arrays)} tensors")
    expected = {}
    for l in range(1, len(dims)):
        expected[f"W{l}"], expected[f"b{l}"] = ((dims[l], dims[l - 1]), dtype), ((dims[l], 1), dtype)
    pre = doc.get("preprocessing")
    if pre is not None:
        if not isinstance(pre, dict) or not isinstance(pre.get("kind"), str) or pre["kind"] not in SCALERS:
            kind = pre.get("kind") if isinstance(pre, dict) else pre
            raise ModelFileError(path, f"unknown preprocessing {kind!r}; known kinds: {sorted(SCALERS)}")
        expected.update(dict.fromkeys(tensor_names(pre["kind"]), ((dims[0],), None)))  # type: ignore[arg-type]  # either float dtype
    if set(arrays) != set(expected) | set(owned):
        missing, extra = sorted(set(expected) - set(arrays)), sorted(set(arrays) - set(expected) - set(owned))
        raise ModelFileError(
            path,
            f"tensors do not match layer_dims {_shown(dims)}: missing {_shown(missing)}, unexpected {_shown(extra)}",
        )
    for name, (shape, dt) in expected.items():
        a = arrays[name]
        if a.shape != shape or (dt is not None and a.dtype != dt) or a.dtype.name not in DTYPES:
            raise ModelFileError(
                path,
                f"tensor {name!r} is {a.dtype}{list(a.shape)}, expected {dt or 'float'}{list(shape)} from the metadata",
            )
        if not np.isfinite(a).all():  # NaN or inf weights would predict one class for every row
            raise ModelFileError(path, f"tensor {name!r} holds NaN or infinite values: corrupted or forged file")


def check_metadata(path: str | os.PathLike[str], doc: Mapping[str, Any]) -> None:
    """The metadata agrees with itself: estimator, loss, activations, classes and units, features."""
    dims = doc["layer_dims"]
    L, n_x, n_y = len(dims) - 1, dims[0], dims[-1]
    estimator, output_type, loss = doc.get("estimator"), doc.get("output_type"), doc.get("loss")
    if not isinstance(estimator, str) or estimator not in ESTIMATORS:
        raise ModelFileError(path, f"unknown estimator {estimator!r}; expected one of {list(ESTIMATORS)}")
    if not isinstance(output_type, str) or output_type not in OUTPUT_TYPES:
        raise ModelFileError(path, f"unknown output_type {output_type!r}; expected one of {list(OUTPUT_TYPES)}")
    owner, owner_loss, units = OUTPUT_TYPES[output_type]
    if estimator != owner:
        raise ModelFileError(path, f"output_type {output_type!r} belongs to a {owner}, but the file says {estimator}")
    if not isinstance(loss, str) or loss not in LOSSES or loss != owner_loss:
        raise ModelFileError(path, f"loss {loss!r} does not fit output_type {output_type!r}; expected {owner_loss!r}")
    acts = doc.get("activations")
    if not isinstance(acts, list) or len(acts) != L - 1:
        raise ModelFileError(
            path,
            f"activations {_shown(acts)} do not match layer_dims {_shown(dims)}: expected a list of "
            f"{L - 1} hidden activation(s), one per hidden layer",
        )
    unknown = [a for a in acts if not isinstance(a, str) or a not in ACTIVATIONS]
    if unknown:
        raise ModelFileError(path, f"unknown activation(s) {unknown}; expected names from {sorted(ACTIVATIONS)}")
    classes = doc.get("classes")
    if units is None:
        if classes is not None:
            raise ModelFileError(path, f"a regressor's file lists classes {_shown(classes)}; expected none")
        if (output_type == "continuous") != (n_y == 1):
            raise ModelFileError(path, f"output_type {output_type!r} does not match {n_y} output unit(s)")
    else:
        if not isinstance(classes, list) or len(set(map(repr, classes))) != len(classes) or len(classes) < 2:
            raise ModelFileError(path, f"classes {_shown(classes)}: expected a list of at least 2 distinct labels")
        if (output_type == "binary" and len(classes) != 2) or (output_type == "multiclass" and len(classes) < 3):
            raise ModelFileError(path, f"{len(classes)} classes do not fit output_type {output_type!r}")
        if n_y != units(len(classes)):
            raise ModelFileError(
                path,
                f"{n_y} output unit(s) do not match the {len(classes)} classes of a "
                f"{output_type} model (expected {units(len(classes))})",
            )
    if doc.get("n_features_in") != n_x:
        raise ModelFileError(
            path, f"n_features_in {doc.get('n_features_in')!r} does not match W1, which takes {n_x} features"
        )
    if doc.get("n_outputs") != n_y:
        raise ModelFileError(path, f"n_outputs {doc.get('n_outputs')!r} does not match the {n_y} output units")
    names = doc.get("feature_names_in")
    if names is not None and (not isinstance(names, list) or len(names) != n_x):
        raise ModelFileError(path, f"feature_names_in must list the {n_x} features, got {_shown(names)}")
    if not _count(doc.get("n_iter")):
        raise ModelFileError(path, f"n_iter {doc.get('n_iter')!r} is not a count of epochs")
    if not isinstance(doc.get("params"), dict):
        raise ModelFileError(path, f"params {doc.get('params')!r} is not a JSON object of estimator parameters")
    columns = doc.get("columns")
    if columns is not None and not (
        isinstance(columns, dict)
        and all(isinstance(v, list) and all(isinstance(c, str) for c in v) for v in columns.values())
    ):
        raise ModelFileError(
            path,
            f'columns {_shown(columns)}: expected null or lists of column names ({{"features": [...], "target": [...]}})',
        )
    pre = doc.get("preprocessing")
    if pre is not None and pre.get("n_features_in") != n_x:
        raise ModelFileError(
            path,
            f"the {pre['kind']} scaler was fitted on {pre.get('n_features_in')!r} features, the network takes {n_x}",
        )


__all__ = ["ModelFileError", "check_tensors", "check_metadata", "ESTIMATORS", "OUTPUT_TYPES"]

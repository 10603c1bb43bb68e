"""Model files: safetensors weights plus one JSON document of metadata; never pickle.

A model file is an ordinary safetensors file (any name; the docs use ``model.safetensors``):

- tensors ``W1, b1, ..., WL, bL`` in the course's orientation, W[l] (n[l], n[l-1]), b[l] (n[l], 1),
  C-contiguous, in the model's dtype; a preprocessing step fitted by the command line adds its own
  tensors (``preprocessing.mean``, ``preprocessing.scale``, ...);
- the header's ``__metadata__`` holds one key, ``"layerwise"``, whose value is a JSON document with
  ``format`` ("layerwise-model"), ``format_version``, ``library_version``, the estimator's state
  (``estimator``, ``params``, ``layer_dims``, ``activations``, ``loss``, ``classes``, ``dtype``, ...),
  ``preprocessing`` (null or ``{"kind": ..., "tensors": [...]}``) and ``sha256``, a digest of every
  tensor (name, dtype, shape, bytes) and of the document itself, so a corrupted file is caught.

Layer order comes from ``layer_dims`` in the metadata, never from the order of the keys. Reading goes
through safetensors' own reader (``safe_open``); then the metadata is checked against itself and the
tensors (io.modelcheck) before any estimator is built. No code from the file runs. Opening the file and
its document is io.modelopen's; the digest, io.digest's.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from ..jsonable import to_json
from .atomic import write_atomically
from .digest import digest
from .modelcheck import ModelFileError, check_metadata, check_tensors
from .modelopen import FORMAT, FORMAT_VERSION, METADATA_KEY, model_document, open_model
from .modelschema import SECTIONS, check_schema, check_values, register_section
from .preprocessing import export_scaler, import_scaler
from .tablestate import PREFIX, check_table, export_table, import_table

# the table pipeline's metadata and tensors are a section of the closed schema; check_table (in read) checks them
register_section(PREFIX, lambda value, arrays, n_x: None)
_OWN_KEYS = ("format", "format_version", "library_version", "preprocessing", "columns", "table", "sha256")


def save(model: Any, path: str | os.PathLike[str], preprocessing: Any = None, columns: Any = None) -> str:
    """Write a fitted estimator, and the fitted scaler applied before it, to ``path``, atomically.

    ``model`` is a fitted layerwise estimator, or a fitted scikit-learn Pipeline of a
    ``TablePreprocessor`` and a layerwise estimator (the whole pipeline is written: raw table in).
    ``preprocessing`` is a fitted StandardScaler or MinMaxScaler; None keeps ``model.preprocessing_``
    (what ``load`` set), if any. ``columns`` is the data's column roles the command line recorded,
    ``{"features": [...], "target": [...]}``, kept in the metadata. Returns ``path``.
    """
    from safetensors.numpy import save as st_save

    from .. import __version__
    from ..estimators import export_state

    table, model = split_pipeline(model)
    arrays, meta = export_state(model)
    arrays = {name: np.ascontiguousarray(a) for name, a in arrays.items()}  # safetensors needs C order
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "library_version": __version__,
        **to_json(meta),
        "preprocessing": None,
        "columns": to_json(columns),
    }
    if table is not None:
        extra, doc["table"] = export_table(table)
        arrays.update(extra)
    if preprocessing is None and table is None:
        preprocessing = getattr(model, "preprocessing_", None)
    if preprocessing is not None:
        extra, doc["preprocessing"] = export_scaler(preprocessing)
        arrays.update(extra)
    doc["sha256"] = digest(arrays, doc)
    write_atomically(path, st_save(arrays, metadata={METADATA_KEY: json.dumps(doc)}))
    return os.fspath(path)


def read(path: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The checked contents of a model file: (metadata document, {name: ndarray}). Builds no model.

    Checked in this order, each before anything is built from it: the closed schema of the metadata
    (io.modelschema), the tensors against ``layer_dims`` (finite values), the digest, the metadata's
    agreement with itself, then the values (labels, scalings, registered sections) against the file size.
    """
    meta, arrays, size = open_model(path)
    doc = model_document(path, meta)
    check_schema(path, doc)
    owned = [name for name in arrays if name.partition(".")[0] in SECTIONS]  # each section checks its own
    check_tensors(path, doc, arrays, owned)
    table = {k: v for k, v in arrays.items() if k.startswith(PREFIX + ".")}
    if "table" in doc or table:
        check_table(path, doc.get("table"), table, doc["layer_dims"][0])
    if doc.get("sha256") != digest(arrays, doc):
        raise ModelFileError(path, "checksum mismatch: the weights or metadata were changed or corrupted")
    check_values(path, doc, arrays, size)
    check_metadata(path, doc)
    return doc, arrays


def build(path: Any, doc: dict[str, Any], arrays: dict[str, np.ndarray]) -> Any:
    """The estimator described by ``read(path)``'s (doc, arrays); ``preprocessing_`` is its scaler or None."""
    from ..estimators import from_state
    from ..estimators.params import check_params

    meta = {k: v for k, v in doc.items() if k not in _OWN_KEYS and k not in SECTIONS}
    layers = {k: v for k, v in arrays.items() if not k.startswith(("preprocessing.", PREFIX + "."))}
    try:
        model = from_state(layers, meta)
        check_params(model)  # the file's parameters obey the estimator's rules (precision is read by predict)
        step = None if doc["preprocessing"] is None else import_scaler(doc["preprocessing"], arrays)
    except Exception as exc:  # consistent metadata that still describes no model
        raise ModelFileError(path, f"inconsistent metadata ({type(exc).__name__}: {exc})") from None
    model.preprocessing_ = step
    if doc.get("table") is not None:
        from sklearn.pipeline import make_pipeline

        try:
            return make_pipeline(import_table(path, doc["table"], arrays), model)
        except (ValueError, TypeError) as exc:  # ModelFileError passes; anything else the state still holds
            if isinstance(exc, ModelFileError):
                raise
            raise ModelFileError(
                path, f"table preprocessing: cannot be rebuilt ({type(exc).__name__}: {exc})"
            ) from None
    columns = doc.get("columns")
    names = columns.get("features") if isinstance(columns, dict) else None
    if not hasattr(model, "feature_names_in_") and _named(names, model.n_features_in_):
        model.feature_names_in_ = np.array(names, dtype=object)  # the command line's data file's columns
    return model


def split_pipeline(model: Any) -> tuple[Any, Any]:
    """(TablePreprocessor or None, layerwise estimator) of what ``save`` was given; a TypeError otherwise."""
    from sklearn.pipeline import Pipeline

    from ..estimators import BaseNeuralNet
    from .tableprep import TablePreprocessor

    table = None
    if isinstance(model, Pipeline):
        steps = [step for _, step in model.steps]
        if len(steps) != 2 or not isinstance(steps[0], TablePreprocessor):
            raise TypeError(
                "save takes a Pipeline of exactly two steps: a TablePreprocessor, then a layerwise estimator"
            )
        table, model = steps
    if not isinstance(model, BaseNeuralNet):
        raise TypeError(f"save expects a fitted layerwise estimator, got {type(model).__name__}")
    return table, model


def _named(names: Any, n: int) -> bool:
    """True for n real column names; x0, x1, ... are what the table readers call unnamed columns (.npy)."""
    return (
        isinstance(names, list)
        and len(names) == n
        and all(isinstance(c, str) for c in names)
        and names != [f"x{j}" for j in range(n)]
    )


def load(path: Any, device: Any = "cpu") -> Any:
    """The fitted estimator saved at ``path``: the whole model, ready to predict from raw columns.

    A model saved with its table preprocessing (``layerwise train`` on a CSV/TSV/Parquet file, or
    ``save`` of a Pipeline) comes back as that Pipeline: ``make_pipeline(TablePreprocessor, estimator)``,
    which predicts on the raw table (a DataFrame, a dict of columns or a file path), columns in any order.

    ``preprocessing_`` is the scaler saved with it (or None); ``predict``, ``predict_proba`` and
    ``score`` apply it themselves, so they take the columns the command line (or ``save``'s caller)
    started from. ``feature_names_in_`` comes back too (from the estimator, or the data file's
    columns the command line recorded), and tables with named columns are matched by name.

    ``device``: where its parameters go, "cpu" (NumPy) or "cuda" (CuPy); files hold host arrays either way.
    """
    model = build(path, *read(path))
    if device != "cpu":
        (model[-1] if hasattr(model, "steps") else model).to_device(device)
    return model


__all__ = ["save", "load", "read", "build", "digest", "ModelFileError", "FORMAT", "FORMAT_VERSION", "METADATA_KEY"]

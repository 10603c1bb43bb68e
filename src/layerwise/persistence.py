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

Layer order comes from ``layer_dims`` in the metadata, never from the order of the keys. Loading
parses the header with ``json`` and the tensors with ``safetensors.numpy``: no code from the file runs.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import struct
import tempfile

import numpy as np

FORMAT = "layerwise-model"
FORMAT_VERSION = 1
METADATA_KEY = "layerwise"
_MAX_HEADER = 100 * 1024 * 1024  # the safetensors limit on the JSON header, in bytes
_DTYPES = {"F32": np.float32, "F64": np.float64}


class ModelFileError(ValueError):
    """A model file that cannot be read: truncated, corrupted, foreign, or from a newer layerwise."""

    def __init__(self, path, problem):
        self.path, self.problem = os.fspath(path), problem
        super().__init__(f"{self.path}: {problem}")


# --- preprocessing steps the command line fits: name -> (class, fitted attributes stored as tensors)
_PREPROCESSING = {
    "standard": ("sklearn.preprocessing.StandardScaler", ("mean_", "scale_", "var_")),
    "minmax": ("sklearn.preprocessing.MinMaxScaler", ("min_", "scale_", "data_min_", "data_max_", "data_range_")),
}


def _preprocessing_class(kind):
    from importlib import import_module

    module, _, name = _PREPROCESSING[kind][0].rpartition(".")
    return getattr(import_module(module), name)


def _export_preprocessing(step):
    """A fitted scaler -> ({"preprocessing.<attr>": array}, JSON-able description)."""
    for kind, (_, attrs) in _PREPROCESSING.items():
        if type(step) is _preprocessing_class(kind):
            arrays = {f"preprocessing.{a.rstrip('_')}": _float_array(getattr(step, a)) for a in attrs}
            desc = {"kind": kind, "params": _jsonable(step.get_params()), "n_features_in": int(step.n_features_in_),
                    "tensors": sorted(arrays)}
            return arrays, desc
    known = ", ".join(v[0].rpartition(".")[2] for v in _PREPROCESSING.values())
    raise TypeError(f"preprocessing must be a fitted {known} (or None), got {type(step).__name__}")


def _float_array(a):
    a = np.asarray(a)
    return np.ascontiguousarray(a if a.dtype in (np.float32, np.float64) else a.astype(np.float64))


def _import_preprocessing(desc, arrays):
    kind = desc["kind"]
    step = _preprocessing_class(kind)(**desc["params"])
    for a in _PREPROCESSING[kind][1]:
        setattr(step, a, arrays[f"preprocessing.{a.rstrip('_')}"])
    step.n_features_in_ = desc["n_features_in"]
    return step


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


# --- integrity: one digest over every tensor and the metadata document
def _digest(arrays, doc):
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = arrays[name]
        h.update(json.dumps([name, a.dtype.str, list(a.shape)]).encode())
        h.update(np.ascontiguousarray(a).tobytes())
    rest = {k: v for k, v in doc.items() if k != "sha256"}
    h.update(json.dumps(rest, sort_keys=True).encode())
    return h.hexdigest()


# --- writing
def _write_atomically(path, data: bytes):
    """Write to a temporary file in the same folder, then rename: readers never see half a file."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save(model, path, preprocessing=None, columns=None):
    """Write a fitted estimator, and the fitted scaler applied before it, to ``path``, atomically.

    ``preprocessing`` is a fitted StandardScaler or MinMaxScaler; None keeps ``model.preprocessing_``
    (what ``load`` set), if any. ``columns`` is the data's column roles the command line recorded,
    ``{"features": [...], "target": [...]}``, kept in the metadata. Returns ``path``.
    """
    from safetensors.numpy import save as st_save

    from . import __version__

    if not hasattr(model, "_export_state"):
        raise TypeError(f"save expects a fitted layerwise estimator, got {type(model).__name__}")
    arrays, meta = model._export_state()
    arrays = {name: np.ascontiguousarray(a) for name, a in arrays.items()}  # safetensors needs C order
    doc = {"format": FORMAT, "format_version": FORMAT_VERSION, "library_version": __version__,
           **_jsonable(meta), "preprocessing": None,
           "columns": _jsonable(columns)}
    if preprocessing is None:
        preprocessing = getattr(model, "preprocessing_", None)
    if preprocessing is not None:
        extra, doc["preprocessing"] = _export_preprocessing(preprocessing)
        arrays.update(extra)
    doc["sha256"] = _digest(arrays, doc)
    data = st_save(arrays, metadata={METADATA_KEY: json.dumps(doc)})
    _write_atomically(path, data)
    return os.fspath(path)


# --- reading: every check raises ModelFileError naming the file and the problem
def _read_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"{os.fspath(path)}: no such model file") from None
    except OSError as exc:
        raise ModelFileError(path, f"cannot be read ({exc.strerror or exc})") from None


def _parse_header(path, data):
    """Bytes of a safetensors file -> (header dict, byte buffer of the tensors)."""
    if len(data) < 8:
        raise ModelFileError(path, f"only {len(data)} bytes: too short for a safetensors file (truncated?)")
    (n,) = struct.unpack("<Q", data[:8])
    if n > min(len(data) - 8, _MAX_HEADER):
        raise ModelFileError(path, f"header length {n} does not fit in the file's {len(data)} bytes; "
                             "the file is truncated or not a safetensors model file")
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ModelFileError(path, "the header is not valid JSON: not a safetensors model file, or corrupted") from None
    if not isinstance(header, dict):
        raise ModelFileError(path, "the header is not a JSON object: not a safetensors model file")
    return header, memoryview(data)[8 + n:]


def _metadata(path, header):
    meta = header.get("__metadata__")
    if not isinstance(meta, dict) or METADATA_KEY not in meta:
        raise ModelFileError(path, f"a safetensors file, but not a layerwise model (no {METADATA_KEY!r} metadata)")
    try:
        doc = json.loads(meta[METADATA_KEY]) if isinstance(meta[METADATA_KEY], str) else None
    except (ValueError, RecursionError):
        doc = None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ModelFileError(path, "the layerwise metadata is not a JSON document of format "
                             f"{FORMAT!r}: corrupted, or written by another program")
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(path, f"format_version {version!r} is not a positive integer: corrupted file")
    if version > FORMAT_VERSION:
        raise ModelFileError(path, f"written by layerwise {doc.get('library_version')} in model file format "
                             f"version {version}; this layerwise reads up to version {FORMAT_VERSION}: "
                             "upgrade layerwise (pip install -U layerwise)")
    return doc


def _tensors(path, header, buffer):
    """The header's tensor entries -> {name: ndarray}, each checked against the buffer's bounds."""
    arrays = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype = np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<")
            shape = tuple(info["shape"])
            start, end = info["data_offsets"]
            ok = all(type(d) is int and d >= 0 for d in (*shape, start, end))
        except (KeyError, TypeError, ValueError):
            ok = False
        if not ok:
            raise ModelFileError(path, f"tensor {name!r} has a malformed header entry (dtype, shape, offsets)")
        size = dtype.itemsize * math.prod(shape)  # Python ints: a forged huge shape cannot overflow
        if not start <= end <= len(buffer) or end - start != size:
            raise ModelFileError(path, f"tensor {name!r} does not fit the file's data ({size} bytes expected at "
                                 f"offsets {start}..{end} of {len(buffer)}): the file is truncated or corrupted")
        arrays[name] = np.frombuffer(buffer[start:end], dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))
    return arrays


def _check_layers(path, doc, arrays):
    """W1, b1, ..., WL, bL with the shapes ``layer_dims`` says, in its dtype; nothing else."""
    dims, dtype = doc.get("layer_dims"), doc.get("dtype")
    if (not isinstance(dims, list) or len(dims) < 2 or not all(type(n) is int and n > 0 for n in dims)
            or dtype not in ("float32", "float64")):
        raise ModelFileError(path, f"metadata has invalid layer_dims {dims!r} or dtype {dtype!r}")
    pre = doc.get("preprocessing")
    expected = {}
    for l in range(1, len(dims)):
        expected[f"W{l}"], expected[f"b{l}"] = ((dims[l], dims[l - 1]), dtype), ((dims[l], 1), dtype)
    if pre is not None:
        if not isinstance(pre, dict) or pre.get("kind") not in _PREPROCESSING:
            kind = pre.get("kind") if isinstance(pre, dict) else pre
            raise ModelFileError(path, f"unknown preprocessing {kind!r}; known kinds: {sorted(_PREPROCESSING)}")
        expected.update({f"preprocessing.{a.rstrip('_')}": ((dims[0],), None)
                         for a in _PREPROCESSING[pre["kind"]][1]})  # either float dtype
    if set(arrays) != set(expected):
        missing, extra = sorted(set(expected) - set(arrays)), sorted(set(arrays) - set(expected))
        raise ModelFileError(path, f"tensors do not match layer_dims {dims}: missing {missing}, unexpected {extra}")
    for name, (shape, dt) in expected.items():
        if arrays[name].shape != shape or dt is not None and arrays[name].dtype != dt:
            raise ModelFileError(path, f"tensor {name!r} is {arrays[name].dtype}{list(arrays[name].shape)}, "
                                 f"expected {dt or 'float'}{list(shape)} from the metadata")


def _estimator_classes():
    from .estimators import NeuralNetClassifier, NeuralNetRegressor

    return {"NeuralNetClassifier": NeuralNetClassifier, "NeuralNetRegressor": NeuralNetRegressor}


_OWN_KEYS = ("format", "format_version", "library_version", "preprocessing", "columns", "sha256")


def read(path):
    """The checked contents of a model file: (metadata document, {name: ndarray}). Builds no model."""
    header, buffer = _parse_header(path, _read_bytes(path))
    doc = _metadata(path, header)
    arrays = _tensors(path, header, buffer)
    _check_layers(path, doc, arrays)
    if doc.get("sha256") != _digest(arrays, doc):
        raise ModelFileError(path, "checksum mismatch: the weights or metadata were changed or corrupted")
    return doc, arrays


def load(path, device="cpu"):
    """The fitted estimator saved at ``path``; ``preprocessing_`` is the scaler saved with it, or None.

    ``device``: where its parameters go, "cpu" (NumPy) or "cuda" (CuPy); files hold host arrays either way.
    """
    model = build(path, *read(path))
    return model if device == "cpu" else model.to_device(device)


def build(path, doc, arrays):
    """The estimator described by ``read(path)``'s (doc, arrays)."""
    classes = _estimator_classes()
    if not isinstance(doc.get("estimator"), str) or doc["estimator"] not in classes:
        raise ModelFileError(path, f"unknown estimator {doc.get('estimator')!r}; expected one of {sorted(classes)}")
    meta = {k: v for k, v in doc.items() if k not in _OWN_KEYS}
    layers = {k: v for k, v in arrays.items() if not k.startswith("preprocessing.")}
    try:
        model = classes[doc["estimator"]]._from_state(layers, meta)
        step = None if doc["preprocessing"] is None else _import_preprocessing(doc["preprocessing"], arrays)
    except Exception as exc:  # the file passed its checksum but its metadata does not describe a model
        raise ModelFileError(path, f"inconsistent metadata ({type(exc).__name__}: {exc})") from None
    model.preprocessing_ = step
    return model


__all__ = ["save", "load", "read", "build", "ModelFileError", "FORMAT", "FORMAT_VERSION", "METADATA_KEY"]

"""The closed schema of a model file's metadata: every key, its JSON type and bounds, before anything is built.

A model file's metadata document is attacker-controlled text whose digest anyone can recompute, so
nothing in it is trusted: each key is one row of ``FIELDS`` (key -> check), a key not in the table is
refused, and no value reaches NumPy before its check passed. ``classes_dtype`` comes from an allow-list
(booleans, integers, floats, ``object``, and ``U<n>`` strings no longer than the memory the file can
justify: ``budget(file size)``), class labels are JSON scalars of one kind, and every count is an int.

Sections: a feature that stores more in the file (the fitted table pipeline, say) registers its own key
with ``register_section(key, check)``. ``check(value, arrays, n_x)`` validates the section's value and
the tensors it owns (those named ``<key>.*``) against the network's ``n_x`` input features, raises
ValueError with a one-line reason when anything is wrong, and must allocate nothing beyond what the
file holds. The key is then accepted by this schema, its tensors by ``io.modelcheck.check_tensors``,
and its errors are reported as ``PATH: <key>: <reason>``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from .modelcheck import ModelFileError

SectionCheck = Callable[[Any, "dict[str, np.ndarray]", int], None]
SECTIONS: dict[str, SectionCheck] = {}  # key -> its validator (register_section)

MAX_TEXT = 4096  # characters in one metadata string (a name, a label, a version)
MAX_ITEMS = 1_000_000  # entries in one metadata list; far more than a 1 MB file can hold
_SCALARS = (str, int, float, bool)
_UNICODE = re.compile(r"^[<>|=]?U(\d{1,9})$")
_NUMERIC = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}
_FLOATS = {"float16", "float32", "float64"}


def register_section(key: str, check: SectionCheck) -> None:
    """Accept metadata key ``key`` (and tensors ``<key>.*``), checked by ``check(value, arrays, n_x)``."""
    SECTIONS[key] = check


def budget(file_size: int) -> int:
    """Bytes a load may allocate beyond the file's own tensors: 16 times the file, plus 1 MiB."""
    return 16 * int(file_size) + (1 << 20)


def _text(v: Any) -> bool:
    return isinstance(v, str) and len(v) <= MAX_TEXT


def _names(v: Any) -> bool:
    return isinstance(v, list) and len(v) <= MAX_ITEMS and all(_text(c) for c in v)


def _enum(v: Any) -> bool:
    """Names from a closed table (estimator, loss, output_type, dtype): io.modelcheck compares them with it."""
    return True


def _param_value(v: Any) -> bool:
    """A parameter is a JSON scalar or a flat list of them (hidden_layer_sizes, activation per layer)."""
    if v is None or (isinstance(v, _SCALARS) and not isinstance(v, str)) or _text(v):
        return True
    return isinstance(v, list) and len(v) <= MAX_ITEMS and all(v_ is None or isinstance(v_, _SCALARS) for v_ in v)


# key -> (check of the value, what is expected); a missing optional key reads as null
FIELDS: dict[str, tuple[Callable[[Any], bool], str, bool]] = {  # (check, expected, required)
    "format": (lambda v: v == "layerwise-model", '"layerwise-model"', True),
    "format_version": (lambda v: type(v) is int, "an integer", True),
    "library_version": (lambda v: v is None or (_text(v) and len(v) <= 64), "a version string", False),
    "sha256": (lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v) is not None, "64 hex digits", True),
    "estimator": (_enum, "an estimator's name", True),
    "params": (
        lambda v: isinstance(v, dict) and len(v) <= 64 and all(_param_value(x) for x in v.values()),
        "an object of parameter values (numbers, strings, lists of them)",
        True,
    ),
    "layer_dims": (lambda v: isinstance(v, list) and len(v) <= MAX_ITEMS, "a list of layer sizes", True),
    "activations": (_names, "a list of activation names", True),
    "loss": (_enum, "a loss name", True),
    "classes": (
        lambda v: v is None or (isinstance(v, list) and len(v) <= MAX_ITEMS),
        "null or a list of labels",
        False,
    ),
    "classes_dtype": (lambda v: v is None or _text(v), "null or a dtype name", False),
    "output_type": (_enum, "an output type", True),
    "n_features_in": (lambda v: type(v) is int, "an integer", True),
    "feature_names_in": (lambda v: v is None or _names(v), "null or a list of column names", False),
    "n_outputs": (lambda v: type(v) is int, "an integer", True),
    "n_iter": (lambda v: type(v) is int and 0 <= v < 2**63, "a count of epochs", True),
    "dtype": (_enum, "a dtype name", True),
    "target_scaling": (
        lambda v: v is None or (isinstance(v, dict) and sorted(v) == ["mean", "scale"]),
        'null or {"mean": [...], "scale": [...]}',
        False,
    ),
    "preprocessing": (lambda v: v is None or isinstance(v, dict), "null or an object", False),
    "columns": (
        lambda v: v is None or (isinstance(v, dict) and set(v) <= {"features", "target"}),
        'null or {"features": [...], "target": [...]}',
        False,
    ),
}


def check_schema(path: Any, doc: dict[str, Any]) -> None:
    """Every key of ``doc`` is known (FIELDS or a registered section) and of its type; required keys present."""
    unknown = [k for k in doc if k not in FIELDS and k not in SECTIONS]
    if unknown:
        shown = ", ".join(repr(k[:40]) for k in unknown[:5])
        raise ModelFileError(
            path, f"unknown metadata key(s) {shown}: written by another program or a newer layerwise (upgrade)"
        )
    for key, (ok, expected, required) in FIELDS.items():
        if key not in doc and required:
            raise ModelFileError(path, f"metadata lacks {key!r} ({expected}): corrupted or foreign file")
        if key in doc and not ok(doc[key]):
            raise ModelFileError(path, f"metadata {key!r} is {_shown(doc[key])}; expected {expected}")


def _shown(value: Any) -> str:
    """A value for a message, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def classes_dtype(path: Any, classes: list[Any], name: Any, file_size: int) -> np.dtype:
    """The dtype the class labels are rebuilt with, from the allow-list, its item size bounded by the file.

    ``classes`` is a list of JSON scalars of one kind (checked here): all str, all bool, or numbers.
    """
    kinds = {type(c) for c in classes}
    if not kinds <= set(_SCALARS) or not (len(kinds) == 1 or kinds == {int, float}):
        got = sorted(t.__name__ for t in kinds)
        raise ModelFileError(path, f"class labels must be strings, numbers or booleans of one kind; got {got}")
    if not all(math.isfinite(c) for c in classes if isinstance(c, float)):  # (np.isfinite fails on ints past int64)
        raise ModelFileError(path, "class labels include NaN or infinity")
    if name is None or name == "object":
        return np.dtype(object)
    match = _UNICODE.match(name) if isinstance(name, str) else None
    if match:
        n, longest = int(match.group(1)), max((len(c) for c in classes if isinstance(c, str)), default=0)
        if kinds != {str} or n < longest:
            raise ModelFileError(path, f"classes_dtype {name!r} cannot hold the class labels (longest: {longest})")
        if 4 * n * len(classes) > budget(file_size):
            raise ModelFileError(
                path,
                f"classes_dtype {_shown(name)} asks {4 * n * len(classes):,} bytes for {len(classes)} "
                f"labels, more than a {file_size:,}-byte file can justify: corrupted or forged file",
            )
        return np.dtype(f"U{n}")
    allowed = (_NUMERIC | _FLOATS) if str not in kinds else set()
    if name not in allowed or (name == "bool") != (kinds == {bool}) or (name in _NUMERIC - {"bool"} and kinds != {int}):
        raise ModelFileError(
            path,
            f"classes_dtype {_shown(name)} is not allowed for these labels; expected object, U<n>, bool, an int or a float type",
        )
    if name in (_NUMERIC - {"bool"}) | _FLOATS:
        high = np.iinfo(name).max if name in _NUMERIC else float(np.finfo(name).max)  # (Python compares ints exactly)
        low = np.iinfo(name).min if name in _NUMERIC else -high
        if not all(low <= c <= high for c in classes):
            raise ModelFileError(path, f"class labels out of the range of classes_dtype {name!r}")
    found: np.dtype[Any] = np.dtype(name)
    return found


def check_values(path: Any, doc: dict[str, Any], arrays: dict[str, np.ndarray], file_size: int) -> None:
    """What the schema's types cannot say: labels, target scaling, scaler state and parameters that work."""
    if isinstance(doc.get("classes"), list):
        classes_dtype(path, doc["classes"], doc.get("classes_dtype"), file_size)
    ts, n_y = doc.get("target_scaling"), doc["layer_dims"][-1]
    if ts is not None:
        for key in ("mean", "scale"):
            v = ts[key]
            if not (isinstance(v, list) and len(v) == n_y and all(_finite_number(x) for x in v)):
                raise ModelFileError(path, f"target_scaling {key} must be {n_y} finite number(s), got {_shown(v)}")
        if not all(x != 0 for x in ts["scale"]):
            raise ModelFileError(path, "target_scaling scale holds a zero: predictions would all be the mean")
    pre = doc.get("preprocessing")
    if pre is not None:
        if not isinstance(pre.get("params"), dict) or not all(_param_value(v) for v in pre["params"].values()):
            raise ModelFileError(path, f"preprocessing params {_shown(pre.get('params'))} is not an object of values")
        if "preprocessing.scale" in arrays and not np.all(arrays["preprocessing.scale"] != 0):
            raise ModelFileError(path, "the scaler's scale holds a zero (a division by zero): corrupted or forged file")
    for key, check in SECTIONS.items():
        if key in doc:
            try:
                check(doc[key], arrays, doc["layer_dims"][0])
            except ValueError as exc:
                raise ModelFileError(path, f"{key}: {exc}") from None


def _finite_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and bool(np.isfinite(x))


__all__ = [
    "check_values",
    "FIELDS",
    "SECTIONS",
    "register_section",
    "check_schema",
    "classes_dtype",
    "budget",
    "MAX_TEXT",
]

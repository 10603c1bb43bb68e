"""What predict, evaluate and info read: a model file, and a data file's features as the model saw them."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..io.tables import TABULAR  # formats whose columns have names
from .errors import UsageError


def load_model(path: str) -> tuple[dict[str, Any], Any]:
    """(metadata document, estimator) of the model file at ``path``."""
    from ..io.modelfile import build, read

    doc, arrays = read(path)
    return doc, build(path, doc, arrays)


def features(
    path: str,
    doc: dict[str, Any],
    model: Any,
    target: str | None = None,
    sep: str | None = None,
    encoding: str | None = None,
) -> tuple[np.ndarray, Any]:
    """The data file's feature columns (by name for CSV/Parquet, in the model's order) and its target."""
    from ..io.tables import load_table

    if doc.get("table") is not None:  # a table pipeline: raw columns in, by name (io.rawtable)
        return _raw_columns(path, target, sep, encoding)
    columns = doc.get("columns") or {}
    names = columns.get("features") if os.path.splitext(path)[1].lower() in TABULAR else None
    X, y, _ = load_table(path, target=target, features=names, sep=sep, encoding=encoding)
    if X.shape[1] != doc["n_features_in"]:
        raise UsageError(f"{path} has {X.shape[1]} feature columns but the model was trained on {doc['n_features_in']}")
    return X, y  # raw columns: the model applies the scaler its file carries (as layerwise.load's does)


def _raw_columns(path: str, target: str | None, sep: str | None, encoding: str | None) -> tuple[Any, Any]:
    """(the data file's raw columns, its target or None) for a model that carries its table pipeline."""
    from ..io.rawtable import read_columns
    from ..io.tables import target_names
    from ..io.tabletarget import split_target

    columns = read_columns(path, sep=sep, encoding=encoding)
    if target is None:
        return columns, None
    X, y, _ = split_target(path, columns, target_names(target))
    return X, y


@contextmanager
def columns_matched() -> Iterator[None]:
    """Within: no scikit-learn warning that an array lacks column names; ``features`` matched them already.
    Other warnings (a table's categories never seen in training, counted) are printed as one line each."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", message="X does not have valid feature names", category=UserWarning)
        yield
    for w in caught:
        print(f"layerwise: warning: {' '.join(str(w.message).split())}", file=sys.stderr)

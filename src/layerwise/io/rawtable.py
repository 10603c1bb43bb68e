"""Raw table columns: a DataFrame, a dict of columns or a CSV/TSV/Parquet file -> {name: 1-D array}, missing kept.

The table preprocessing (io.tableprep) reads its input through ``columns_of``; no pandas is needed:
a CSV is read with the standard library (a plain ``pip install layerwise`` reads it), Parquet through
pyarrow. Each column comes back as float64 (missing -> NaN) when every present cell is a number, as a
bool array when it is all booleans without missing values, else as an object array of str with None
for missing. Cells that mean "missing" in a text file: empty, NA, N/A, NaN, nan, null, NULL, None.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from .columns import check_unique

MISSING_CELLS = frozenset({"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"})
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


def read_columns(
    path: str | os.PathLike[str], sep: str | None = None, encoding: str | None = None
) -> dict[str, np.ndarray]:
    """A CSV/TSV/Parquet file -> {column name: 1-D array}, in file order, read by io.tables.read_columns
    (the one reader: delimiter sniffed or ``sep``, ``encoding``, decode errors with file and line, duplicate
    names and infinite values refused), each column made plain: float64 with NaN, bool, or object."""
    from .tables import read_columns as read

    return {name: _plain(A) for name, A in read(path, sep=sep, encoding=encoding).items()}


def _plain(a: np.ndarray) -> np.ndarray:
    """Any 1-D column -> float64 with NaN, bool, or object (str / None for missing)."""
    if a.dtype.kind == "b":
        return a
    if a.dtype.kind in "iuf":
        return a.astype(np.float64)
    values = [None if is_missing(v) else v for v in a.tolist()]
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, (bool, np.bool_)) for v in present) and len(present) == len(values):
        return np.array(values, dtype=bool)
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return np.array([np.nan if v is None else float(v) for v in values])
    return np.array([None if v is None else str(v) for v in values], dtype=object)


def is_missing(v: Any) -> bool:
    """None, NaN, pandas' NA/NaT, or an empty string."""
    if v is None or (isinstance(v, str) and v == ""):
        return True
    try:
        return bool(v != v)  # NaN, NaT; pandas.NA raises on bool()
    except TypeError:
        return True


def columns_of(X: Any) -> dict[str, np.ndarray]:
    """A pandas DataFrame, a dict of columns, a file path, or a 2-D array (columns x0, x1, ...) -> columns."""
    if isinstance(X, (str, os.PathLike)):
        return read_columns(X)
    if isinstance(X, dict):
        check_unique("the table", list(X))
        items = [(str(k), v) for k, v in X.items()]
    elif hasattr(X, "columns") and hasattr(X, "__getitem__"):
        check_unique("the table", list(X.columns))
        items = [(str(c), _pandas_values(X[c])) for c in X.columns]
    else:
        A = np.asarray(X)
        if A.ndim != 2:
            raise ValueError(f"expected a table (a DataFrame, a dict of columns or a 2-D array), got shape {A.shape}")
        items = [(f"x{j}", A[:, j]) for j in range(A.shape[1])]
    out = {name: _plain(np.asarray(v).reshape(-1)) for name, v in items}
    lengths = {len(v) for v in out.values()}
    if len(lengths) > 1:
        raise ValueError(f"the table's columns have different lengths {sorted(lengths)}")
    return out


def _pandas_values(s: Any) -> np.ndarray:
    """A pandas Series -> NumPy values; a category column's categories as text."""
    if str(s.dtype) == "category":
        return np.asarray(s.astype(object), dtype=object)
    if str(s.dtype) in ("boolean", "Int64", "Float64", "string") or s.dtype.kind == "O":
        return np.asarray(s.astype(object), dtype=object)
    return np.asarray(s)


__all__ = ["MISSING_CELLS", "read_columns", "columns_of", "check_unique", "is_missing"]

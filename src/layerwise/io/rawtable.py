"""Raw table columns: a DataFrame, a dict of columns or a CSV/TSV/Parquet file -> {name: 1-D array}, missing kept.

The table preprocessing (io.tableprep) reads its input through ``columns_of``; no pandas is needed:
a CSV is read with the standard library (a plain ``pip install layerwise`` reads it), Parquet through
pyarrow. Each column comes back as float64 (missing -> NaN) when every present cell is a number, as a
bool array when it is all booleans without missing values, else as an object array of str with None
for missing. Cells that mean "missing" in a text file: empty, NA, N/A, NaN, nan, null, NULL, None.
"""

from __future__ import annotations

import csv
import os
from typing import Any

import numpy as np

MISSING_CELLS = frozenset({"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"})
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


def _text_column(cells: list[str]) -> np.ndarray:
    """One CSV column's cells -> float64 with NaN, or object (str, None for missing)."""
    present = [c for c in cells if c not in MISSING_CELLS]
    try:
        [float(c) for c in present]
    except ValueError:
        return np.array([None if c in MISSING_CELLS else c for c in cells], dtype=object)
    return np.array([np.nan if c in MISSING_CELLS else float(c) for c in cells], dtype=np.float64)


def _delimiter(header: str) -> str:
    """The most frequent of , ; and tab in the header line (a comma when none occurs)."""
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def read_columns(
    path: str | os.PathLike[str], sep: str | None = None, encoding: str | None = None
) -> dict[str, np.ndarray]:
    """A CSV/TSV (standard library) or Parquet (pyarrow) file -> {column name: 1-D array}, in file order.

    ``sep``: the delimiter (default: the most frequent of , ; and tab in the header); ``encoding``:
    the text's (default UTF-8, with or without a byte-order mark)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such data file")
    if path.lower().endswith((".parquet", ".pq")):
        return _read_parquet(path)
    try:
        with open(path, encoding=encoding or "utf-8-sig", newline="") as f:
            first = f.readline()
            f.seek(0)
            rows = list(csv.reader(f, delimiter=sep or _delimiter(first)))
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path}: not {exc.encoding} text (byte {exc.object[exc.start : exc.start + 1]!r} at offset {exc.start}); "
            "give its encoding, e.g. --encoding latin-1"
        ) from None
    if not rows:
        raise ValueError(f"{path}: the file is empty; expected a header line and rows of data")
    header, body = rows[0], [r for r in rows[1:] if r]
    if not body:
        raise ValueError(f"{path}: the file has no rows of data")
    short = next((i for i, r in enumerate(body) if len(r) != len(header)), None)
    if short is not None:
        raise ValueError(
            f"{path}: line {short + 2} has {len(body[short])} fields, the header has {len(header)}; "
            "check the delimiter and the quoting"
        )
    check_unique(path, header)
    return {name: _text_column([r[j] for r in body]) for j, name in enumerate(header)}


def _read_parquet(path: str) -> dict[str, np.ndarray]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError("reading Parquet needs pyarrow: pip install 'layerwise[io]'") from None
    table = pq.read_table(path)
    check_unique(path, table.column_names)
    return {n: _plain(np.asarray(c.to_pylist(), dtype=object)) for n, c in zip(table.column_names, table.columns)}


def check_unique(where: str, names: list[Any]) -> None:
    """A ValueError naming the column names that occur more than once."""
    seen, twice = set(), []
    for n in map(str, names):
        if n in seen and n not in twice:
            twice.append(n)
        seen.add(n)
    if twice:
        raise ValueError(f"{where}: duplicated column name(s) {', '.join(map(repr, twice))}; give each column one name")


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

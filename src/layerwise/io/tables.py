"""Table loaders: a data file's suffix picks the reader; CSV/TSV/Parquet give named raw columns, all give (X, y, names).

Two views of a file. ``read_columns`` gives a table's raw columns by name, for preprocessing that
imputes and encodes (numbers as int64, or float64 with NaN where missing; booleans; text as ``str``
with None where missing: see ``layerwise.io.delimited``). ``load_table`` gives the numeric view a
network trains on, ``(X (m, n_x), y, feature names)``, refusing missing values and text features.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._typing import FloatArray
from .arrays import read_hdf5, read_npy, read_npz
from .columns import Loaded, check_finite, check_unique, need, select, target_names
from .delimited import decode, line_of, parse, sniff, typed
from .sniff import path_kind

TEXT = (".csv", ".tsv")  # read with the standard library: no extra needed
PARQUET = (".parquet", ".pq")  # read with pyarrow (layerwise[io])
TABULAR = TEXT + PARQUET  # formats whose columns have names
_ARRAYS = {".npy": read_npy, ".npz": read_npz, ".h5": read_hdf5, ".hdf5": read_hdf5}
SUFFIXES = TABULAR + tuple(_ARRAYS)


def data_file(path: str | os.PathLike[str]) -> str:
    """``path`` as a string, once it is a readable kind of data file; else an error saying what it is."""
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1].lower()
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ValueError(f"{path}: cannot be read ({exc.strerror})") from None
    if mode is not None and not stat.S_ISREG(mode) and not (stat.S_ISFIFO(mode) and suffix in TEXT):
        remedy = (
            f"{suffix} files are read by seeking, which a pipe cannot do: save the data to a file first"
            if stat.S_ISFIFO(mode)
            else f"give the path of a data file ({', '.join(SUFFIXES)})"
        )
        raise ValueError(f"{path} is {path_kind(mode)}, not a data file; {remedy}")
    if suffix not in SUFFIXES:
        raise ValueError(
            f"{path}: unknown data format {suffix or '(no suffix)'!r}; expected one of {', '.join(SUFFIXES)}"
        )
    if mode is None:
        raise FileNotFoundError(f"{path}: no such data file")
    return path


def read_columns(
    path: str | os.PathLike[str], *, sep: str | None = None, encoding: str | None = None
) -> dict[str, np.ndarray]:
    """A CSV, TSV or Parquet table's raw columns by name, in the file's order: {name: (m,) array}.

    Numbers are int64 (whole, none missing) or float64 (NaN where missing; an infinite value is refused
    with its column and line); booleans a bool array (an object array of True/False/None with missing
    values); anything else an object array of ``str``, None where missing. ``sep`` forces the delimiter
    (default: sniffed among ``,`` ``;`` and tab; tab for .tsv; ``;`` allows decimal commas), ``encoding`` the text's (default UTF-8,
    with or without a byte-order mark). Duplicate column names are refused, naming them.
    """
    path = data_file(path)
    suffix = os.path.splitext(path)[1].lower()
    if suffix in PARQUET:
        return arrow_columns(path, _arrow_table(path, lambda p: need("pyarrow.parquet", "Parquet").read_table(p)))
    if suffix not in TEXT:
        raise ValueError(f"{path}: a {suffix} file has no named columns; tables are {', '.join(TABULAR)} files")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise ValueError(f"{path}: cannot be read ({exc.strerror})") from None
    text = decode(path, data, encoding)
    sep = sep or ("\t" if suffix == ".tsv" else sniff(text))
    header, fields = parse(path, text, sep)
    names = column_names(path, header)
    columns = {name: typed(values, decimal_comma=sep == ";") for name, values in zip(names, fields)}
    for name, A in columns.items():
        check_finite(path, [name], A, line=lambda row: line_of(text, sep, row))
    return columns


def column_names(path: str, header: Sequence[str]) -> list[str]:
    """A header's names, stripped; an empty one becomes 'Unnamed: j' (as pandas says); duplicates refused."""
    names = [str(n).strip() or f"Unnamed: {j}" for j, n in enumerate(header)]
    check_unique(path, names)
    return names


def arrow_columns(path: str, table: Any) -> dict[str, np.ndarray]:
    """A pyarrow Table -> raw columns by the same rules as a CSV's (see ``read_columns``)."""
    pa = need("pyarrow", "Parquet")
    names = column_names(path, table.column_names)
    columns = {name: _from_arrow(pa, path, name, col) for name, col in zip(names, table.columns)}
    for name, A in columns.items():
        check_finite(path, [name], A)
    return columns


def _from_arrow(pa: Any, path: str, name: str, col: Any) -> np.ndarray:
    t = col.type
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        if col.null_count == 0 and not pa.types.is_decimal(t):
            a = col.to_numpy()
            kept: FloatArray = a if a.dtype != np.float16 else a.astype(np.float32)
            return kept
        found: FloatArray = col.cast(pa.float64()).to_numpy(zero_copy_only=False)  # nulls -> NaN
        return found
    if pa.types.is_boolean(t):
        return col.to_numpy() if col.null_count == 0 else np.array(col.to_pylist(), dtype=object)
    try:
        values = col.cast(pa.string()).to_pylist()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise ValueError(f"{path}: column {name!r} holds {t} values, which are not numbers or text") from None
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _arrow_table(path: str, read: Callable[[str], Any]) -> Any:
    pa = need("pyarrow", "Parquet")
    try:
        table = read(path)
    except (pa.ArrowInvalid, OSError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"{path}: cannot be read as a table ({first})") from None
    if table.num_rows == 0:
        raise ValueError(f"{path}: the file has no rows of data")
    return table


def read_arrow(path: str, target: Any, features: Sequence[str] | None, read: Callable[[str], Any]) -> Loaded:
    """(X, y, feature names) from the Arrow table ``read(path)`` gives (a Parquet table, or a slice of one)."""
    return select(path, arrow_columns(path, _arrow_table(path, read)), target, features)


def load_table(
    path: str | os.PathLike[str],
    target: Any = None,
    features: Sequence[str] | None = None,
    *,
    sep: str | None = None,
    encoding: str | None = None,
) -> Loaded:
    """Read a data file -> (X (m, n_x) float, y (m,) or (m, k) or None, feature_names).

    The format comes from the suffix: .csv and .tsv (no extra needed; ``sep`` and ``encoding`` as in
    ``read_columns``), .parquet (pyarrow), .npy (memory-mapped; columns x0, x1, ..., ``target`` a
    name or a column number), .npz (arrays X and y), .h5/.hdf5 (an image set like the course's:
    ``target`` names the label dataset; images are flattened, uint8 divided by 255). ``target`` may
    name several columns (a list, or "a,b") for multi-output data; ``features`` selects and orders
    the feature columns (by default all but the target). Missing values and text features are refused.
    """
    path = data_file(path)
    suffix = os.path.splitext(path)[1].lower()
    if suffix in TABULAR:
        return select(path, read_columns(path, sep=sep, encoding=encoding), target, features)
    return _ARRAYS[suffix](path, target, features)


__all__ = [
    "SUFFIXES",
    "TABULAR",
    "arrow_columns",
    "data_file",
    "load_table",
    "read_arrow",
    "read_columns",
    "target_names",
]

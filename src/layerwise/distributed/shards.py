"""Each process's contiguous share of a data file's rows, read without reading the rest.

Process r of N owns rows [r m / N, (r + 1) m / N) (integer division): contiguous, sizes differing by at
most one. What reading a share costs, per format:

- ``.parquet``: the row count is in the footer; a process reads only the row groups that overlap its
  share (so a share costs at most one row group more than its own rows).
- ``.npy``: the header gives the shape; a process memory-maps only its own byte range
  (``offset = header + start x row bytes``). A file shorter than its header fails on exactly the
  processes whose rows are missing. A Fortran-ordered file (column-major, as ``DataFrame.to_numpy()``
  often gives) is read as n strided pieces, one per column.
- ``.csv``: rows have no fixed length, so every process scans the whole file once to count the lines,
  then parses from the top, skipping the rows before its share: the scan costs the whole file's bytes
  on every process, the parsing only its own rows (stop at the share's end). Prefer Parquet for big data.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from .._typing import StrPath
from ..io.tables import read_arrow, target_names
from .comm import agree

FORMATS = (".parquet", ".pq", ".npy", ".csv")


def row_range(m: int, rank: int, size: int) -> tuple[int, int]:
    """(start, stop) of process ``rank``'s rows among m, for ``size`` processes."""
    return rank * m // size, (rank + 1) * m // size


def read_share(comm: Any, path: str, target: Any) -> tuple[Any, ...]:
    """This process's rows of ``path`` -> (X (m_r, n_x), y, feature names, m); every process fails together."""
    rank, size = comm.Get_rank(), comm.Get_size()
    error, m = None, 0
    try:
        m = count_rows(path)
    except (ValueError, OSError, ImportError) as exc:
        error = exc
    agree(comm, error)
    if min(comm.allgather(m)) != max(comm.allgather(m)):
        agree(comm, ValueError(f"{path}: the processes count different numbers of rows; each must see the same file"))
    start, stop = row_range(m, rank, size)
    error, share = None, None
    try:
        share = read_rows(path, target, start, stop)
    except (ValueError, OSError, ImportError) as exc:
        error = exc
    agree(comm, error)
    assert share is not None  # (agree raised when this process could not read its share)
    return (*share, m)


def _suffix(path: StrPath) -> str:
    ext = os.path.splitext(str(path))[1].lower()
    if ext not in FORMATS:
        raise ValueError(
            f"{path}: distributed training reads {', '.join(FORMATS)} files, each process its own "
            f"rows, but this is {ext or 'a file without suffix'}; convert it (Parquet is best)"
        )
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such file (each process must see the data file at this path)")
    return ext


def count_rows(path: StrPath) -> int:
    """m, the number of data rows of ``path``, read from its metadata (Parquet, .npy) or by one scan (CSV)."""
    ext = _suffix(path)
    if ext == ".npy":
        return _npy_header(path)[0][0]
    if ext == ".csv":
        lines, last = 0, b"\n"
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        return lines + (last != b"\n") - 1  # a last line without newline counts; the header does not
    import pyarrow.parquet as pq

    rows: int = pq.ParquetFile(path).metadata.num_rows
    return rows


def read_rows(path: str, target: Any, start: int, stop: int) -> tuple[Any, Any, list[str]]:
    """Rows [start, stop) of ``path`` -> (X (stop - start, n_x), y, feature names), as ``load_table`` reads them."""
    ext = _suffix(path)
    if ext == ".npy":
        return _npy_rows(path, target, start, stop)
    if ext == ".csv":
        table = _csv_rows(path, start, stop)
    else:
        table = _parquet_rows(path, start, stop)
    if table.num_rows != stop - start:
        raise ValueError(
            f"{path}: expected rows {start}..{stop - 1} but the file ends after {start + table.num_rows}"
            " of them; the file is shorter than it was when it was counted"
        )
    return read_arrow(path, target, None, lambda p: table)


def _parquet_rows(path: StrPath, start: int, stop: int) -> Any:
    import pyarrow.parquet as pq

    f = pq.ParquetFile(path)
    groups, first, offset = [], None, 0
    for g in range(f.metadata.num_row_groups):
        n = f.metadata.row_group(g).num_rows
        if offset < stop and offset + n > start:  # overlaps [start, stop)
            groups.append(g)
            first = offset if first is None else first
        offset += n
    table = f.read_row_groups(groups) if groups else f.schema_arrow.empty_table()
    return table.slice(start - (first or 0), stop - start)


def _csv_rows(path: StrPath, start: int, stop: int) -> Any:
    import pyarrow as pa
    import pyarrow.csv as csv

    reader = csv.open_csv(path, read_options=csv.ReadOptions(skip_rows_after_names=start))
    batches, n = [], 0
    while n < stop - start:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        batches.append(batch)
        n += batch.num_rows
    return pa.Table.from_batches(batches, schema=reader.schema).slice(0, stop - start)


def _npy_header(path: StrPath) -> tuple[tuple[int, ...], Any, int, bool]:
    with open(path, "rb") as f:
        try:
            version = np.lib.format.read_magic(f)
            read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read(f)
        except ValueError as exc:
            raise ValueError(f"{path}: not a readable .npy array ({exc})") from None
        offset = f.tell()
    if len(shape) != 2 or dtype.kind not in "biuf" or shape[0] == 0:
        raise ValueError(
            f"{path}: distributed training reads a numeric 2-D .npy array (m, n), got {dtype}{list(shape)}"
        )
    return shape, dtype, offset, fortran


def _npy_rows(path: StrPath, target: Any, start: int, stop: int) -> tuple[Any, Any, list[str]]:
    (m, n), dtype, offset, fortran = _npy_header(path)
    row_bytes = n * dtype.itemsize
    need = offset + (m if fortran else stop) * row_bytes
    if os.path.getsize(path) < need:
        raise ValueError(
            f"{path}: rows {start}..{stop - 1} lie past the end of the file ({os.path.getsize(path)} "
            f"bytes, {need} needed): the file is shorter than its header ({m} rows) says"
        )
    if fortran:  # column-major: the share is n strided pieces, one per column
        A = np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=(m, n), order="F")[start:stop]
    else:
        A = np.memmap(path, dtype=dtype, mode="r", offset=offset + start * row_bytes, shape=(stop - start, n))
    names = [f"x{j}" for j in range(n)]
    cols: list[Any] = [
        int(t) % n if t.lstrip("-").isdigit() else names.index(t) if t in names else None for t in target_names(target)
    ]
    if None in cols:
        raise ValueError(f"{path}: no column {target!r}; the columns are x0..x{n - 1} (or numbers, -1 the last)")
    feats = [j for j in range(n) if j not in cols]
    X = np.asarray(A[:, feats])  # reads this share's pages only
    X = X if X.dtype in (np.float32, np.float64) else X.astype(np.float64)
    y = None if not cols else np.asarray(A[:, cols[0]]) if len(cols) == 1 else np.asarray(A[:, cols])
    return X, y, [names[j] for j in feats]

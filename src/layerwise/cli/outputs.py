"""Prediction files: the format --out's suffix names (CSV, TSV, Parquet, JSON lines, .npy), written atomically."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .errors import UsageError


def _cell(v: Any) -> str:
    return repr(float(v)) if isinstance(v, (float, np.floating)) else str(v)  # numbers written exactly


def _plain(v: Any) -> Any:
    """A NumPy scalar as the Python value JSON writes (floats exactly, as repr does)."""
    return v.item() if isinstance(v, np.generic) else v


def delimited(header: Sequence[str], values: np.ndarray, sep: str = ",") -> bytes:
    """Rows of ``values`` (m, k) under ``header``, as CSV text (fields quoted where they need it)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in values)
    return text.getvalue().encode()


def json_lines(header: Sequence[str], values: np.ndarray) -> bytes:
    """One JSON object per row: {"prediction": ...} or {"proba_a": ..., ...}."""
    lines = (json.dumps(dict(zip(header, map(_plain, row)))) + "\n" for row in values)
    return "".join(lines).encode()


def parquet(header: Sequence[str], values: np.ndarray) -> bytes:
    """A Parquet table, one column per header name (needs pyarrow)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({name: pa.array([_plain(v) for v in values[:, j]]) for j, name in enumerate(header)})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def npy(header: Sequence[str], values: np.ndarray) -> bytes:
    """The array itself, as ``np.save`` writes it (no header names)."""
    buffer = io.BytesIO()
    np.save(buffer, values[:, 0] if values.shape[1] == 1 else values, allow_pickle=False)
    return buffer.getvalue()


WRITERS: dict[str, Callable[[Sequence[str], np.ndarray], bytes]] = {
    ".csv": delimited,
    ".tsv": lambda header, values: delimited(header, values, "\t"),
    ".parquet": parquet,
    ".pq": parquet,
    ".jsonl": json_lines,
    ".ndjson": json_lines,
    ".npy": npy,
}


def check_writable(path: str) -> None:
    """Before predicting: a format ``WRITERS`` knows, its dependency installed, a folder that takes the file."""
    from .options import check_output

    check_output("--out", path, tuple(WRITERS))
    if os.path.splitext(path)[1].lower() in (".parquet", ".pq") and importlib.util.find_spec("pyarrow") is None:
        raise UsageError(f"--out {path}: writing Parquet needs pyarrow: pip install 'layerwise[io]'")


def write(path: str | None, header: Sequence[str], values: np.ndarray) -> None:
    """``values`` (m, k) to ``path`` in the format its suffix names (atomically), or as CSV on stdout."""
    from ..io.atomic import write_atomically

    if path is None:
        sys.stdout.write(delimited(header, values).decode())
        return
    write_atomically(path, WRITERS[os.path.splitext(path)[1].lower()](header, values))


__all__ = ["WRITERS", "check_writable", "write"]

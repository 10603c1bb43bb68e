"""The results table: one row per finished trial, rewritten atomically after every trial.

Columns: number, status ("ok" | "pruned" | "failed"), score (mean over folds), score_std, one column per
hyperparameter (lists such as hidden layer sizes as JSON text), the cost-curve summary (n_iter,
cost_first, cost_last, cost_min), fit_time (s, on the worker), worker, finished_at, error, and params
(the whole parameter set as canonical JSON, the trial's identity when a search resumes).
CSV needs nothing beyond the standard library; Parquet needs pyarrow (``layerwise[io]``).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from typing import Any

from .._typing import StrPath
from ..io.atomic import write_atomically

HEAD = ["number", "status", "score", "score_std"]
TAIL = ["n_iter", "cost_first", "cost_last", "cost_min", "fit_time", "worker", "finished_at", "error", "params"]
FLOATS = {"score", "score_std", "cost_first", "cost_last", "cost_min", "fit_time"}
FINISHED = ("ok", "pruned")


def display(value: Any) -> Any:
    """A parameter value as a table cell: scalars as they are, anything else as JSON text."""
    return value if value is None or isinstance(value, (bool, int, float, str)) else json.dumps(value)


def _csv_bytes(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> bytes:
    f = io.StringIO(newline="")
    writer = csv.DictWriter(f, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({c: ("" if row.get(c) is None else row[c]) for c in columns})
    return f.getvalue().encode()


def _parquet_bytes(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = {}
    for c in columns:
        values = [row.get(c) for row in rows]
        kinds = {type(v) for v in values if v is not None}
        if len(kinds) > 1 and not kinds <= {int, float}:
            values = [None if v is None else str(v) for v in values]  # one type per Parquet column
        data[c] = values
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table(data), sink)
    data_bytes: bytes = sink.getvalue().to_pybytes()
    return data_bytes


def _parse(row: dict[str, Any], param_names: Sequence[str]) -> dict[str, Any]:
    """A row read back from a file: numbers as numbers, parameters from the params JSON."""
    out = {}
    for key, value in row.items():
        value = None if value == "" else value
        if value is not None and key in FLOATS:
            value = float(value)
        elif value is not None and key in ("number", "n_iter"):
            value = int(float(value))
        out[key] = value
    params = json.loads(out["params"])
    out.update({name: display(params.get(name)) for name in param_names})
    return out


class ResultsTable:
    """Rows of finished trials, kept in memory and mirrored to ``path`` (None: memory only)."""

    def __init__(self, path: StrPath | None, param_names: Sequence[str]) -> None:
        clash = set(param_names) & set(HEAD + TAIL)
        if clash:
            raise ValueError(f"hyperparameter names {sorted(clash)} clash with results columns; rename them")
        self.path, self.param_names = (os.fspath(path) if path is not None else None), list(param_names)
        self.columns = HEAD + self.param_names + TAIL
        if self.path is not None and not self.path.endswith((".csv", ".parquet")):
            raise ValueError(f"results file must end in .csv or .parquet, got {self.path!r}")
        self.rows = self._read() if self.path is not None and os.path.exists(self.path) else []

    def _read(self) -> list[dict[str, Any]]:
        assert self.path is not None  # (only called with a path)
        if self.path.endswith(".csv"):
            with open(self.path, newline="") as f:
                reader = csv.DictReader(f)
                found, raw = reader.fieldnames or [], list(reader)
        else:
            import pyarrow.parquet as pq

            table = pq.read_table(self.path)
            found, raw = table.column_names, table.to_pylist()
            raw = [{k: ("" if v is None else v) for k, v in r.items()} for r in raw]
        if list(found) != self.columns:
            raise ValueError(
                f"{self.path}: columns {list(found)} do not match this search's {self.columns}; "
                "use a new results file or the same space"
            )
        return [_parse(r, self.param_names) for r in raw]

    def finished(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["status"] in FINISHED]

    def add(self, row: dict[str, Any]) -> None:
        """Add a finished trial (replacing an earlier failed row with its number) and rewrite the file."""
        self.rows = [r for r in self.rows if r["number"] != row["number"]] + [row]
        if self.path is not None:
            encode = _csv_bytes if self.path.endswith(".csv") else _parquet_bytes
            write_atomically(self.path, encode(self.rows, self.columns))

    def best(self) -> dict[str, Any] | None:
        """The row with the highest score among completed trials (None when there is none)."""
        ok = [r for r in self.rows if r["status"] == "ok" and r["score"] is not None]
        return max(ok, key=lambda r: (r["score"], -r["number"])) if ok else None

    def frame(self) -> Any:
        """The rows as a pandas DataFrame, ordered by trial number."""
        import pandas as pd

        return pd.DataFrame(sorted(self.rows, key=lambda r: r["number"]), columns=self.columns)

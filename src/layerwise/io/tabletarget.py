"""The target of a raw table: taken out of the columns, missing values refused (or dropped), labels checked.

Nothing is read silently wrong: a missing target value is an error giving the count and the first rows
(or, asked for, those rows are left out and counted), a text target with a different value in every row
is named as an identifier, and a classification target with one class says so, in plain words.
"""

from __future__ import annotations

import numpy as np

from .tablekinds import ID_MIN_ROWS, as_numbers


def _values(name: str, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(values, missing mask): float64 for numbers, str labels (booleans as text) otherwise."""
    if a.dtype.kind in "iuf":
        values = as_numbers(name, a)
        return values, np.isnan(values)
    missing = np.array([v is None for v in a.tolist()], dtype=bool)
    return np.array(["" if v is None else str(v) for v in a.tolist()], dtype=str), missing


def split_target(
    where: str, columns: dict[str, np.ndarray], targets: list[str], drop_missing: bool = False
) -> tuple[dict[str, np.ndarray], np.ndarray, int]:
    """(feature columns, y (m,) or (m, k), rows dropped) from a table's ``columns``.

    ``where`` names the table in messages (the file). Rows whose target is missing are an error, or,
    with ``drop_missing``, left out of both the features and y (their count is returned).
    """
    unknown = [t for t in targets if t not in columns]
    if unknown or not targets:
        raise ValueError(f"{where}: no column {', '.join(map(repr, unknown))}; the columns are: {', '.join(columns)}")
    parts = [_values(t, columns[t]) for t in targets]
    missing = np.any([mask for _, mask in parts], axis=0)
    n_missing = int(missing.sum())
    if n_missing and not drop_missing:
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(missing)[:5])  # file lines: the header is line 1
        raise ValueError(
            f"{where}: the target {', '.join(targets)} has {n_missing} missing value(s) (first on line(s) {rows}); "
            "fill them, or pass --drop-missing-target to leave those rows out"
        )
    keep = ~missing
    if not keep.any():
        raise ValueError(f"{where}: every row's target ({', '.join(targets)}) is missing")
    features = {n: a[keep] for n, a in columns.items() if n not in targets}
    ys = [values[keep] for values, _ in parts]
    y = ys[0] if len(ys) == 1 else np.column_stack(ys)
    return features, y, n_missing


def check_labels(targets: list[str], y: np.ndarray, task: str) -> None:
    """A ValueError for a text target that looks like an identifier, or a classification target of one class."""
    if y.ndim != 1:
        return
    distinct = np.unique(y)
    name = ", ".join(targets)
    if y.dtype.kind == "U" and len(y) >= ID_MIN_ROWS and len(distinct) == len(y):
        raise ValueError(
            f"the target {name} holds a different text in each of its {len(y)} rows: it looks like an "
            "identifier (a row name), not something to predict; choose another --target"
        )
    if task == "classification" and len(distinct) < 2:
        raise ValueError(
            f"the target {name} has one class ({str(distinct[0])!r}) in all {len(y)} rows: a classifier needs "
            "at least two; check --target, and the rows the data holds"
        )


def class_labels(y: np.ndarray, task: str) -> np.ndarray:
    """For classification, a numeric target of whole numbers as int64 labels, else ``y`` itself.

    A table's numbers are read as float64 (NaN marks a missing value), so a class column of 0, 1, 2 would
    otherwise train the classes 0.0, 1.0, 2.0, and ``predict`` would print "2.0" where the file said 2."""
    if task != "classification" or y.ndim != 1 or y.dtype.kind != "f" or not len(y):
        return y
    with np.errstate(invalid="ignore"):
        whole = bool(np.all(np.isfinite(y)) and np.all(y == np.round(y)) and np.abs(y).max() < 2.0**53)
    return y.astype(np.int64) if whole else y


__all__ = ["split_target", "check_labels", "class_labels"]

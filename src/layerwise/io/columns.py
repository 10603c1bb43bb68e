"""Named columns -> (X (m, n_x), y, feature names): the checks that name the column (duplicates, missing, inf)."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ..extras import require

Loaded = tuple[np.ndarray, Any, list[str]]  # (X (m, n_x), y (m,) or (m, k) or None, feature names)
FINITE_BLOCK = 1 << 16  # rows checked at a time, so a memory-mapped array is never copied whole


def need(module: str, what: str) -> Any:
    """The optional module ``module`` (imported), or an ImportError saying which extra brings it."""
    require((module,), "io", f"reading {what}")
    return importlib.import_module(module)


def target_names(target: str | Sequence[str] | None) -> list[str]:
    """None, one column name, or several (a list, or one string with commas) -> list of names."""
    if target is None:
        return []
    names = target.split(",") if isinstance(target, str) else [str(t) for t in target]
    return [n.strip() for n in names if n.strip()]


def check_unique(path: str, names: Sequence[Any]) -> None:
    """Refuse a header that names two columns alike (reading would keep one and lose the other); ``path``:
    where they come from (a file, "the table"). Names are compared as text, as a table's header holds them."""
    names = [str(name) for name in names]
    twice = [name for name, n in Counter(names).items() if n > 1]
    if twice:
        where = "; ".join(
            f"{name!r} (columns {', '.join(str(j + 1) for j, n in enumerate(names) if n == name)})" for name in twice
        )
        raise ValueError(f"{path}: duplicate column names: {where}; give every column its own name")


def check_finite(
    path: str, names: Sequence[str], A: np.ndarray, allow_nan: bool = True, line: Callable[[int], int] | None = None
) -> None:
    """Refuse an infinite value (or a NaN, unless ``allow_nan``) in A (m,) or (m, n), naming its column.

    ``line``: row number (0-based) -> the file's line (a text file's), named instead of the row."""
    if A.dtype.kind != "f":
        return
    for start in range(0, A.shape[0], FINITE_BLOCK):
        block = np.asarray(A[start : start + FINITE_BLOCK]).reshape(-1, len(names))  # (rows, n)
        bad = np.isinf(block) if allow_nan else ~np.isfinite(block)
        if bad.any():
            row, col = np.argwhere(bad)[0]
            where = f"line {line(start + row)}" if line is not None else f"data row {start + row + 1}"
            raise ValueError(
                f"{path}: column {names[col]!r} holds {float(block[row, col])} ({where}); "
                "layerwise needs finite numbers there: fix the value or drop the row"
            )


def missing_count(A: np.ndarray) -> int:
    """How many values of the raw column A are missing (NaN in numbers, None in objects)."""
    if A.dtype.kind == "f":
        return int(np.isnan(A).sum())
    return sum(v is None for v in A) if A.dtype == object else 0


def select(path: str, columns: Mapping[str, np.ndarray], target: Any, features: Sequence[str] | None) -> Loaded:
    """{name: 1-D array} -> (X (m, n_x), y, feature_names), checking names, missing values and feature types."""
    names, targets = list(columns), target_names(target)
    for name in targets + list(features or []):
        if name not in columns:
            raise ValueError(f"{path}: no column {name!r}; the columns are: {', '.join(names)}")
    feats = list(features) if features is not None else [n for n in names if n not in targets]
    if not feats:
        raise ValueError(f"{path}: no feature columns left besides the target {targets}")
    used = targets + feats
    gaps = {n: k for n in used if (k := missing_count(columns[n]))}
    if gaps:
        counts = ", ".join(f"{n}: {k} row{'s' * (k > 1)}" for n, k in gaps.items())
        raise ValueError(f"{path}: column(s) {', '.join(gaps)} have missing values ({counts}); fill or drop them first")
    bad = [f"{n} ({_kind(columns[n])})" for n in feats if columns[n].dtype.kind not in "biuf"]
    if bad:
        raise ValueError(
            f"{path}: feature columns must be numeric, but {', '.join(bad)} are not; encode them as numbers or drop them"
        )
    for n in used:
        check_finite(path, [n], columns[n])
    X = np.column_stack([columns[n] for n in feats])  # (m, n_x)
    X = X if X.dtype in (np.float32, np.float64) else X.astype(np.float64)
    ys = [columns[t] if columns[t].dtype != object else columns[t].astype(str) for t in targets]
    y = None if not ys else ys[0] if len(ys) == 1 else np.column_stack(ys)
    return X, y, feats


def _kind(A: np.ndarray) -> str:
    return "text" if A.dtype == object else str(A.dtype)


__all__ = ["FINITE_BLOCK", "Loaded", "check_finite", "check_unique", "missing_count", "need", "select", "target_names"]

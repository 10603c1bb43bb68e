"""What each raw column is: numeric, categorical, or left out (and why); and its values in that kind.

One table of the rules, read by the table preprocessing (io.tableprep) when it is fitted:

- named by ``drop`` -> left out; named by ``categorical`` / ``numeric`` -> that kind;
- no value present -> left out ("all missing"); one value in every row -> left out ("constant");
- text in which every row holds a different value, or distinct whole numbers spanning less than twice
  the row count (``ID_MIN_ROWS`` rows or more) -> left out ("identifier-like": a row name or number,
  not a feature; name the column as numeric or categorical to keep it);
- numbers -> numeric; text, booleans, pandas categories -> categorical.

Categorical values are text; a missing one is the empty string ``MISSING`` (the category for missing,
and what an ONNX string input holds for a missing value).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

MISSING = ""
ID_MIN_ROWS = 20
NUMERIC, CATEGORICAL, LEFT_OUT = "numeric", "categorical", "left out"


def as_text(name: str, a: np.ndarray) -> np.ndarray:
    """A column -> object array (m, ) of str; missing -> MISSING; whole floats written as integers."""
    if a.dtype.kind == "f":
        return np.array([MISSING if v != v else str(int(v)) if float(v).is_integer() else repr(float(v)) for v in a])
    return np.array([MISSING if v is None else str(v) for v in a.tolist()], dtype=object)


def as_numbers(name: str, a: np.ndarray) -> np.ndarray:
    """A column -> float64 (m,) with NaN for missing; text that is not a number is a ValueError naming it."""
    if a.dtype.kind in "biuf":
        out = a.astype(np.float64)
    else:
        out = np.empty(len(a))
        for i, v in enumerate(a.tolist()):
            try:
                out[i] = np.nan if v is None else float(v)
            except ValueError:
                raise ValueError(
                    f"column {name!r} must hold numbers, but row {i + 1} holds {str(v)!r}; "
                    "name it as categorical (--categorical) or fix the value"
                ) from None
    if np.isinf(out).any():
        raise ValueError(f"column {name!r} holds an infinite value; replace it by a number or leave the cell empty")
    return out


def _missing(a: np.ndarray) -> np.ndarray:
    return np.isnan(a) if a.dtype.kind == "f" else np.array([v is None for v in a.tolist()], dtype=bool)


def kind_of(name: str, a: np.ndarray, categorical: set[str], numeric: set[str]) -> tuple[str, str]:
    """(kind, note) of column ``name``: the note says why a column is left out, or what forced its kind."""
    missing = _missing(a)
    if missing.all():
        return LEFT_OUT, "all missing"
    kind = CATEGORICAL if name in categorical else NUMERIC if name in numeric else None
    if kind is None:
        kind = NUMERIC if a.dtype.kind in "iuf" else CATEGORICAL
    values = as_text(name, a) if kind == CATEGORICAL else as_numbers(name, a)
    distinct = np.unique(values if kind == CATEGORICAL else values[~missing])
    if len(distinct) == 1 and (kind == CATEGORICAL or not missing.any()):
        return LEFT_OUT, f"constant ({distinct[0]!s})" if distinct[0] != MISSING else "constant"
    forced = name in categorical or name in numeric
    if not forced and len(a) >= ID_MIN_ROWS and len(distinct) == len(a) and _looks_like_ids(a, values):
        return LEFT_OUT, f"identifier-like (a different value in each of the {len(a)} rows)"
    return kind, "named" if forced else ""


def _looks_like_ids(a: np.ndarray, values: np.ndarray) -> bool:
    """Distinct in every row (checked by the caller) and text, or whole numbers as dense as row numbers."""
    if a.dtype.kind == "O":
        return True
    whole = a.dtype.kind in "iu" or (a.dtype.kind == "f" and bool(np.all(values == np.round(values))))
    return whole and float(values.max() - values.min()) < 2 * len(a)


def plan(
    columns: dict[str, np.ndarray],
    categorical: Iterable[str] = (),
    numeric: Iterable[str] = (),
    drop: Iterable[str] = (),
) -> list[tuple[str, str, str]]:
    """[(column, kind, note)] for every column of ``columns``, in their order."""
    categorical, numeric, drop = set(categorical), set(numeric), set(drop)
    both = sorted(categorical & numeric)
    if both:
        raise ValueError(f"column(s) {', '.join(both)} named both categorical and numeric; name each once")
    unknown = sorted((categorical | numeric | drop) - set(columns))
    if unknown:
        raise ValueError(
            f"no column(s) {', '.join(map(repr, unknown))} in the table; the columns are: {', '.join(columns)}"
        )
    return [
        (n, LEFT_OUT, "dropped (named)") if n in drop else (n, *kind_of(n, a, categorical, numeric))
        for n, a in columns.items()
    ]


__all__ = ["MISSING", "NUMERIC", "CATEGORICAL", "LEFT_OUT", "ID_MIN_ROWS", "as_text", "as_numbers", "kind_of", "plan"]

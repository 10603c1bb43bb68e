"""Columns by name: a DataFrame's features picked in the order the model was trained on."""

from __future__ import annotations

from typing import Any

from .._typing import Array


def by_name(est: Any, X: Array) -> Array:
    """X with the columns ``est.feature_names_in_`` in that order, when X is a table with named columns.

    Reordered columns work and extra columns are left out; a missing column is a ValueError naming it.
    Arrays without column names pass through unchanged (scikit-learn checks their width).
    """
    names = getattr(est, "feature_names_in_", None)
    columns = getattr(X, "columns", None)
    if names is None or columns is None or not hasattr(X, "__getitem__"):
        return X
    have = [str(c) for c in columns]
    if have == list(names):
        return X
    missing = [n for n in names if n not in set(have)]
    if missing:
        shown = ", ".join(map(repr, missing[:10])) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        raise ValueError(
            f"X lacks {len(missing)} of the {len(names)} feature column(s) the model was trained on: "
            f"{shown}. Pass a table with every column in feature_names_in_ (any order; extra "
            "columns are ignored)"
        )
    if len(set(have)) != len(have):
        raise ValueError("X has duplicated column names; give each feature column one name")
    return X[list(names)]


__all__ = ["by_name"]

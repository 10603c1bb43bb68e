"""TablePreprocessor: raw mixed columns -> the network's numeric features, fitted with scikit-learn's transformers.

Numeric columns: ``SimpleImputer(strategy="median", add_indicator=True)`` (a 0/1 column for each column
that had missing values in training), then the scaler (``scale``: standard, minmax or none) over the
imputed values and the indicators. Categorical columns: one ``OneHotEncoder`` per column on its text
(missing is the category ""), categories seen fewer than ``min_frequency`` times grouped into one,
categories never seen in training all-zero (``handle_unknown="ignore"``, counted in ``unknown_counts_``
and warned about). Columns that carry nothing are left out with a note (io.tablekinds).

Output columns: numeric values, indicators (all scaled), then each categorical column's one-hot block.
It takes a pandas DataFrame, a dict of columns, or a CSV/TSV/Parquet path; columns are found by name, in
any order, extra ones ignored. Its fitted state is plain data, saved in the model file (io.tablestate).
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils.validation import check_is_fitted

from .preprocessing import SCALERS, make_scaler
from .rawtable import columns_of
from .tablekinds import CATEGORICAL, LEFT_OUT, MISSING, NUMERIC, as_numbers, as_text, plan


class TablePreprocessor(TransformerMixin, BaseEstimator):
    """Impute, indicate, one-hot and scale a raw table; use it first in a Pipeline with a layerwise estimator.

    Parameters: ``categorical`` / ``numeric`` (column names forced to that kind), ``drop`` (names left
    out), ``min_frequency`` (int: categories seen fewer times are grouped; None: no grouping),
    ``handle_unknown`` ("ignore": all-zero, or "error"), ``scale`` ("standard", "minmax", "none").
    """

    def __init__(
        self,
        categorical: list[str] | None = None,
        numeric: list[str] | None = None,
        drop: list[str] | None = None,
        min_frequency: int | None = 5,
        handle_unknown: str = "ignore",
        scale: str = "standard",
    ) -> None:
        self.categorical = categorical
        self.numeric = numeric
        self.drop = drop
        self.min_frequency = min_frequency
        self.handle_unknown = handle_unknown
        self.scale = scale

    def _check_params(self) -> None:
        mf = self.min_frequency
        if mf is not None and (type(mf) is not int or mf < 1):
            raise ValueError(f"min_frequency must be a positive int or None, got {mf!r}")
        if self.handle_unknown not in ("ignore", "error"):
            raise ValueError(f"handle_unknown must be 'ignore' or 'error', got {self.handle_unknown!r}")
        if self.scale not in (*SCALERS, "none"):
            raise ValueError(f"scale must be one of {[*SCALERS, 'none']}, got {self.scale!r}")

    def fit(self, X: Any, y: Any = None) -> TablePreprocessor:
        """Learn the columns' kinds, medians, categories and scales from the training table X."""
        self._check_params()
        columns = columns_of(X)
        self.plan_ = plan(columns, self.categorical or (), self.numeric or (), self.drop or ())
        self.numeric_ = [n for n, kind, _ in self.plan_ if kind == NUMERIC]
        self.categorical_ = [n for n, kind, _ in self.plan_ if kind == CATEGORICAL]
        if not self.numeric_ and not self.categorical_:
            notes = "; ".join(f"{n}: {note}" for n, _, note in self.plan_)
            raise ValueError(f"no feature column carries information ({notes}); check the table and --drop")
        self.feature_names_in_ = np.array([n for n, _, _ in self.plan_], dtype=object)  # every column seen
        self.n_features_in_ = len(self.feature_names_in_)
        self.imputer_, self.scaler_ = None, None
        if self.numeric_:
            X_num = self._numbers(columns)  # (m, n_num)
            self.imputer_ = SimpleImputer(strategy="median", add_indicator=True).fit(X_num)
            self.scaler_ = make_scaler(self.scale)
            if self.scaler_ is not None:
                self.scaler_.fit(self.imputer_.transform(X_num))
        self.encoders_ = [self._encoder().fit(as_text(n, columns[n]).reshape(-1, 1)) for n in self.categorical_]
        self.unknown_counts_: dict[str, int] = {}
        return self

    def _encoder(self, categories: Any = "auto") -> OneHotEncoder:
        return OneHotEncoder(
            categories=categories,
            handle_unknown=self.handle_unknown,
            min_frequency=self.min_frequency,
            sparse_output=False,
            dtype=np.float64,
        )

    def _numbers(self, columns: dict[str, np.ndarray]) -> np.ndarray:
        return np.column_stack([as_numbers(n, columns[n]) for n in self.numeric_])

    def transform(self, X: Any) -> np.ndarray:
        """The raw table X -> features (m, n_features_out): numeric block, then one-hot blocks."""
        check_is_fitted(self, "plan_")
        columns = self._columns(X)
        absent = [n for n in self.numeric_ + self.categorical_ if n not in columns]
        if absent:
            raise ValueError(
                f"no column {', '.join(map(repr, absent))} in the table: X lacks {len(absent)} of the "
                f"{len(self.numeric_) + len(self.categorical_)} column(s) the model uses; pass every one "
                "(any order; extra columns are ignored)"
            )
        parts = []
        if self.imputer_ is not None:
            A = self.imputer_.transform(self._numbers(columns))  # (m, n_num + n_indicators)
            parts.append(A if self.scaler_ is None else self.scaler_.transform(A))
        self.unknown_counts_ = {}
        for name, encoder in zip(self.categorical_, self.encoders_):
            text = as_text(name, columns[name]).reshape(-1, 1)
            unknown = int((~np.isin(text[:, 0], encoder.categories_[0])).sum())
            if unknown:
                self.unknown_counts_[name] = unknown
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Found unknown categories", category=UserWarning)
                parts.append(encoder.transform(text))
        if self.unknown_counts_:
            said = ", ".join(f"{n}: {k} row(s)" for n, k in self.unknown_counts_.items())
            warnings.warn(
                f"categories never seen in training, encoded as all zeros ({said})", UserWarning, stacklevel=2
            )
        m = len(next(iter(columns.values())))
        return np.hstack(parts) if parts else np.empty((m, 0))

    def _columns(self, X: Any) -> dict[str, np.ndarray]:
        """columns_of(X); an array without column names is taken as the training columns, in their order."""
        named = isinstance(X, (dict, str, os.PathLike)) or hasattr(X, "columns")
        if named:
            return columns_of(X)
        A = np.asarray(X)
        if A.ndim != 2 or A.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X is an array of shape {A.shape}; without column names it must hold the {self.n_features_in_} "
                f"columns the model was fitted on, in that order ({', '.join(self.feature_names_in_[:5])}, ...)"
            )
        return columns_of({n: A[:, j] for j, n in enumerate(self.feature_names_in_)})

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns: numeric names, ``missing_<name>``, ``<name>=<category>``."""
        check_is_fitted(self, "plan_")
        names = list(self.numeric_)
        if self.imputer_ is not None and self.imputer_.indicator_ is not None:
            names += [f"missing_{self.numeric_[j]}" for j in self.imputer_.indicator_.features_]
        for name, encoder in zip(self.categorical_, self.encoders_):
            names += [f"{name}={c}" for c in output_categories(encoder)]
        return np.array(names, dtype=object)

    def report(self) -> list[tuple[str, str, str, str]]:
        """[(column, kind, treatment, categories or statistics)]: what was done to each column."""
        check_is_fitted(self, "plan_")
        rows, by_name = [], dict(zip(self.categorical_, self.encoders_))
        indicated = set() if self.imputer_ is None else {self.numeric_[j] for j in indicator_columns(self.imputer_)}
        for name, kind, note in self.plan_:
            if kind == LEFT_OUT:
                rows.append((name, kind, note, ""))
            elif kind == NUMERIC:
                j = self.numeric_.index(name)
                treat = "median + missing indicator" if name in indicated else "median"
                treat += "" if self.scaler_ is None else f", {self.scale} scaling"
                assert self.imputer_ is not None  # there are numeric columns
                stats = f"median {self.imputer_.statistics_[j]:.6g}"
                if self.scaler_ is not None and hasattr(self.scaler_, "mean_"):
                    stats += f", mean {self.scaler_.mean_[j]:.6g}, scale {self.scaler_.scale_[j]:.6g}"
                rows.append((name, kind + (" (named)" if note else ""), treat, stats))
            else:
                encoder = by_name[name]
                grouped = infrequent(encoder)
                treat = "one-hot" + (f", {len(grouped)} rare grouped" if grouped else "")
                shown = [("(missing)" if c == MISSING else c) for c in output_categories(encoder)]
                rows.append((name, kind + (" (named)" if note else ""), treat, ", ".join(shown)))
        return rows


def indicator_columns(imputer: SimpleImputer) -> list[int]:
    """Indexes of the numeric columns that get a missing indicator."""
    return [] if imputer.indicator_ is None else [int(j) for j in imputer.indicator_.features_]


def infrequent(encoder: OneHotEncoder) -> list[str]:
    """The categories grouped as rare (infrequent) by ``encoder``."""
    groups = getattr(encoder, "infrequent_categories_", [None])
    return [] if groups[0] is None else [str(c) for c in groups[0]]


def output_categories(encoder: OneHotEncoder) -> list[str]:
    """One label per output column: the frequent categories, then "(rare)" for the grouped ones."""
    rare = set(infrequent(encoder))
    return [str(c) for c in encoder.categories_[0] if str(c) not in rare] + (["(rare)"] if rare else [])


def format_report(rows: list[tuple[str, str, str, str]], width: int = 60) -> str:
    """The report as an aligned text table, long category lists cut at ``width`` characters."""
    head = ("column", "kind", "treatment", "categories / statistics")
    cut = [(a, b, c, d if len(d) <= width else d[: width - 3] + "...") for a, b, c, d in rows]
    widths = [max(len(r[i]) for r in [head, *cut]) for i in range(3)]
    return "\n".join("  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3] for r in [head, *cut]).rstrip()


__all__ = ["TablePreprocessor", "format_report", "indicator_columns", "infrequent", "output_categories"]

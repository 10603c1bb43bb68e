"""ONNX nodes for a fitted TablePreprocessor: one named input per raw column -> the network's features.

Numeric columns are float inputs (N, 1) in the model's dtype, NaN for missing: concatenated,
``Where(IsNaN(X), median, X)``, the missing indicators ``Cast(IsNaN(X[:, j]))`` appended, then the
scaler's nodes (io.onnx_export). Categorical columns are string inputs (N, 1), "" for missing: an
``ai.onnx.ml`` LabelEncoder maps each training category to its output column (rare ones to the
grouped column, any other text to -1), and ``Equal`` against 0..k-1 gives the one-hot block, all zeros
for a category never seen in training (as ``handle_unknown="ignore"``; "error" cannot be raised in a graph).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from .tableprep import TablePreprocessor, indicator_columns, output_categories

ML_DOMAIN, ML_OPSET = "ai.onnx.ml", 2


def _column_index(encoder: Any) -> tuple[list[str], list[int]]:
    """(each training category, the output column scikit-learn's encoder puts it in)."""
    cats = [str(c) for c in encoder.categories_[0]]
    onehot = encoder.transform(np.array(cats, dtype=object).reshape(-1, 1))  # (k_in, k_out)
    return cats, [int(j) for j in onehot.argmax(axis=1)]


def table_inputs(g: Any, prep: TablePreprocessor, scaled: Any) -> tuple[str, list[tuple[str, Any]]]:
    """Nodes from the raw columns to the features; -> (features' name, [(input name, numpy dtype)]).

    ``scaled(g, step, X)`` adds a fitted scaler's nodes on X and returns their output."""
    inputs: list[tuple[str, Any]] = []
    parts = []
    if prep.imputer_ is not None:
        inputs += [(n, g.np_dtype) for n in prep.numeric_]
        X = (
            g.add("Concat", list(prep.numeric_), "table_numeric", axis=1)
            if len(prep.numeric_) > 1
            else prep.numeric_[0]
        )
        median = g.const("table_median", prep.imputer_.statistics_.astype(g.np_dtype).reshape(1, -1))
        nan = g.add("IsNaN", [X], "table_is_missing")  # (N, n_num)
        A = g.add("Where", [nan, median, X], "table_imputed")
        ind = indicator_columns(prep.imputer_)
        if ind:
            picked = g.add(
                "Gather", [nan, g.const("table_indicator_columns", np.array(ind, np.int64))], "table_ind", axis=1
            )
            flags = g.add("Cast", [picked], "table_indicators", to=g.onnx.helper.np_dtype_to_tensor_dtype(g.np_dtype))
            A = g.add("Concat", [A, flags], "table_with_indicators", axis=1)  # (N, n_num + n_ind)
        parts.append(A if prep.scaler_ is None else scaled(g, prep.scaler_, A))
    for name, encoder in zip(prep.categorical_, prep.encoders_):
        inputs.append((name, np.dtype(object)))
        cats, columns = _column_index(encoder)
        k = len(output_categories(encoder))
        index = g.add_ml(
            "LabelEncoder", [name], f"{name}_index", keys_strings=cats, values_int64s=columns, default_int64=-1
        )  # (N, 1)
        hit = g.add(
            "Equal", [index, g.const(f"{name}_columns", np.arange(k, dtype=np.int64).reshape(1, k))], f"{name}_hit"
        )
        parts.append(g.add("Cast", [hit], f"{name}_onehot", to=g.onnx.helper.np_dtype_to_tensor_dtype(g.np_dtype)))
    features = g.add("Concat", parts, "table_features", axis=1) if len(parts) > 1 else parts[0]
    return features, inputs


def check_names(g: Any, inputs: list[tuple[str, Any]]) -> None:
    """A ValueError when a column's name is also the name of a node or a constant of the graph."""
    taken = {n.output[0] for n in g.nodes} | {t.name for t in g.inits}
    clash = sorted({n for n, _ in inputs} & taken)
    if clash:
        raise ValueError(f"column name(s) {clash} clash with names inside the ONNX graph; rename those columns")


def metadata(prep: TablePreprocessor) -> dict[str, str]:
    """The ONNX model's metadata_props: the input columns, in order, and their kinds (JSON)."""
    return {
        "feature_names": json.dumps([*prep.numeric_, *prep.categorical_]),  # the graph's inputs, in order
        "numeric_columns": json.dumps(list(prep.numeric_)),
        "categorical_columns": json.dumps(list(prep.categorical_)),
        "missing": "numeric: NaN; categorical: the empty string",
    }


__all__ = ["table_inputs", "check_names", "metadata", "ML_DOMAIN", "ML_OPSET"]

"""A fitted TablePreprocessor as tensors + JSON in the model file, checked and rebuilt on load; never pickle.

The JSON description (the model document's ``"table"``): ``params`` (the constructor's), ``plan`` (one
``[column, kind, note]`` per raw column), ``indicators`` (indexes of the numeric columns with a missing
indicator), ``categories`` and ``infrequent`` (per categorical column, text only), ``scaler`` (as
io.preprocessing describes one) and ``n_features_out``. Tensors: ``table.median`` (n_num,) and the
scaler's ``table.mean`` / ``table.scale`` / ... (n_num + n_indicators,).

Rebuilt with scikit-learn's own transformers: the imputer and the encoders are fitted on a few rows made
from the stored state that give the same statistics, categories and rare groups; the scaler gets its
fitted attributes (io.preprocessing). ``check_table`` bounds every size and refuses non-finite statistics,
zero scales and non-text categories with one ModelFileError naming the problem, before anything is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..jsonable import to_json
from .modelcheck import ModelFileError
from .preprocessing import SCALERS, export_scaler, import_scaler, scaler_class, tensor_names
from .tablekinds import CATEGORICAL, LEFT_OUT, NUMERIC

if TYPE_CHECKING:  # the preprocessing itself (scikit-learn's transformers, and pandas with them) loads only to build
    from .tableprep import TablePreprocessor

PREFIX = "table"
MAX_COLUMNS, MAX_CATEGORIES, MAX_TEXT = 100_000, 100_000, 1_000
KEYS = ("kind", "params", "plan", "indicators", "categories", "infrequent", "scaler", "n_features_out")
PARAMS = ("categorical", "numeric", "drop", "min_frequency", "handle_unknown", "scale")


def export_table(prep: TablePreprocessor) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """A fitted TablePreprocessor -> ({"table.<name>": array}, JSON-able description)."""
    from .tableprep import indicator_columns, infrequent

    arrays: dict[str, np.ndarray] = {}
    scaler = None
    if prep.imputer_ is not None:
        arrays[f"{PREFIX}.median"] = np.ascontiguousarray(prep.imputer_.statistics_, dtype=np.float64)
        if prep.scaler_ is not None:
            extra, scaler = export_scaler(prep.scaler_, prefix=PREFIX)
            arrays.update(extra)
    desc = {
        "kind": "table",
        "params": to_json(prep.get_params()),
        "plan": [list(r) for r in prep.plan_],
        "indicators": [] if prep.imputer_ is None else indicator_columns(prep.imputer_),
        "categories": [[str(c) for c in e.categories_[0]] for e in prep.encoders_],
        "infrequent": [infrequent(e) for e in prep.encoders_],
        "scaler": scaler,
        "n_features_out": len(prep.get_feature_names_out()),
    }
    return arrays, desc


def _scaler_kind(kind: Any) -> bool:
    return isinstance(kind, str) and kind in SCALERS


def _text(x: Any) -> bool:
    return isinstance(x, str) and len(x) <= MAX_TEXT


def _params_ok(params: dict[str, Any]) -> bool:
    names = [params.get(k) for k in ("categorical", "numeric", "drop")]
    mf = params.get("min_frequency")
    return (
        all(v is None or (isinstance(v, list) and all(_text(x) for x in v)) for v in names)
        and (mf is None or (type(mf) is int and mf >= 1))
        and params.get("handle_unknown", "ignore") in ("ignore", "error")
        and params.get("scale", "standard") in (*SCALERS, "none")
    )


def _problem(desc: Any, arrays: dict[str, np.ndarray], n_x: int) -> str | None:
    """What is wrong with a stored table description and its tensors, or None."""
    if not isinstance(desc, dict) or sorted(desc) != sorted(KEYS) or desc["kind"] != "table":
        return f"expected a description with the keys {list(KEYS)}"
    params, plan = desc["params"], desc["plan"]
    if not isinstance(params, dict) or not set(params) <= set(PARAMS) or not _params_ok(params):
        return f"params must be a dict of {list(PARAMS)} with the values TablePreprocessor takes"
    if not isinstance(plan, list) or not 0 < len(plan) <= MAX_COLUMNS:
        return f"plan must list 1 to {MAX_COLUMNS} columns"
    if not all(isinstance(r, list) and len(r) == 3 and all(_text(x) for x in r) for r in plan):
        return f"each plan entry must be [column, kind, note], text of at most {MAX_TEXT} characters"
    if len({r[0] for r in plan}) != len(plan) or not {r[1] for r in plan} <= {NUMERIC, CATEGORICAL, LEFT_OUT}:
        return "plan has a duplicated column or an unknown kind"
    n_num, n_cat = sum(r[1] == NUMERIC for r in plan), sum(r[1] == CATEGORICAL for r in plan)
    ind, cats, rare = desc["indicators"], desc["categories"], desc["infrequent"]
    if not isinstance(ind, list) or not all(type(j) is int and 0 <= j < n_num for j in ind) or len(set(ind)) < len(ind):
        return f"indicators must be distinct indexes of the {n_num} numeric columns"
    if not (isinstance(cats, list) and isinstance(rare, list) and len(cats) == len(rare) == n_cat):
        return f"categories and infrequent must hold one list per categorical column ({n_cat})"
    for c, r in zip(cats, rare):
        if not (isinstance(c, list) and 0 < len(c) <= MAX_CATEGORIES and all(_text(x) for x in c)):
            return f"each column's categories must be 1 to {MAX_CATEGORIES} strings"
        if not isinstance(r, list) or not all(_text(x) for x in r):
            return "each column's rare categories must be a list of strings"
        if len(set(c)) != len(c) or not set(r) <= set(c) or len(set(r)) != len(r):
            return "categories must be distinct, and the rare ones among them"
    expected = {f"{PREFIX}.median": n_num} if n_num else {}
    scaler = desc["scaler"]
    if scaler is not None:
        if not isinstance(scaler, dict) or not _scaler_kind(scaler.get("kind")) or not n_num:
            return f"scaler must be null or one of {sorted(SCALERS)} over numeric columns"
        if not isinstance(scaler.get("params"), dict) or not set(scaler["params"]) <= set(
            scaler_class(scaler["kind"])().get_params()
        ):
            return f"the scaler's params must be {scaler['kind']} scaler parameters"
        if scaler.get("n_features_in") != n_num + len(ind):
            return f"the scaler takes {scaler.get('n_features_in')!r} columns, not {n_num + len(ind)}"
        expected.update(dict.fromkeys(tensor_names(scaler["kind"], PREFIX), n_num + len(ind)))
    if sorted(arrays) != sorted(expected):
        return f"tensors {sorted(arrays)} where the description says {sorted(expected)}"
    for name, n in expected.items():
        a = arrays.get(name)
        if a is None or a.shape != (n,) or a.dtype.kind != "f" or not np.isfinite(a).all():
            return f"tensor {name!r} must be {n} finite floats"
    if scaler is not None and not np.all(arrays[f"{PREFIX}.scale"] != 0):
        return "a scale of 0"
    width = n_num + len(ind) + sum(len(c) - len(r) + bool(r) for c, r in zip(cats, rare))
    if desc["n_features_out"] != width or width != n_x:
        return f"it gives {width} features; the network takes {n_x}"
    return None


def check_table(path: Any, desc: Any, arrays: dict[str, np.ndarray], n_x: int) -> None:
    """A ModelFileError naming the problem, when the stored table preprocessing is not well formed."""
    try:
        problem = _problem(desc, arrays, n_x)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a shape no check above foresaw
        problem = f"malformed ({type(exc).__name__}: {exc})"
    if problem is not None:
        raise ModelFileError(path, f"table preprocessing: {problem}")


def import_table(path: Any, desc: dict[str, Any], arrays: dict[str, np.ndarray]) -> TablePreprocessor:
    """The fitted TablePreprocessor that ``export_table`` described (checked by ``check_table`` first)."""
    from sklearn.impute import SimpleImputer

    from .tableprep import TablePreprocessor, infrequent

    prep = TablePreprocessor(**desc["params"])
    prep._check_params()
    prep.plan_ = [tuple(r) for r in desc["plan"]]
    prep.numeric_ = [n for n, kind, _ in prep.plan_ if kind == NUMERIC]
    prep.categorical_ = [n for n, kind, _ in prep.plan_ if kind == CATEGORICAL]
    prep.feature_names_in_ = np.array([n for n, _, _ in prep.plan_], dtype=object)
    prep.n_features_in_ = len(prep.feature_names_in_)
    prep.imputer_, prep.scaler_, prep.unknown_counts_ = None, None, {}
    if prep.numeric_:
        median = arrays[f"{PREFIX}.median"].astype(np.float64)
        rows = np.vstack([median, median])  # (2, n_num): the same median, NaN where training had missing values
        rows[1, desc["indicators"]] = np.nan
        prep.imputer_ = SimpleImputer(strategy="median", add_indicator=True).fit(rows)
        if desc["scaler"] is not None:
            prep.scaler_ = import_scaler(desc["scaler"], arrays, prefix=PREFIX)
    prep.encoders_ = [_encoder(prep, c, r) for c, r in zip(desc["categories"], desc["infrequent"])]
    for encoder, cats, rare in zip(prep.encoders_, desc["categories"], desc["infrequent"]):
        if [str(c) for c in encoder.categories_[0]] != cats or infrequent(encoder) != rare:
            raise ModelFileError(path, f"table preprocessing: categories {cats} with rare {rare} cannot be rebuilt")
    if len(prep.get_feature_names_out()) != desc["n_features_out"]:
        raise ModelFileError(path, "table preprocessing: the rebuilt transformers give another number of features")
    return prep


def _encoder(prep: TablePreprocessor, cats: list[str], rare: list[str]) -> Any:
    """A OneHotEncoder fitted on rows that hold each frequent category twice and each rare one once, with
    the threshold 2: the same categories, rare group and output columns as the training fit (at most 2 rows
    per category, whatever min_frequency the file says)."""
    rows = [c for c in cats for _ in range(1 if c in rare else 2)]
    encoder = prep._encoder(categories=[np.array(cats, dtype=object)])
    encoder.set_params(min_frequency=2 if rare else None)
    return encoder.fit(np.array(rows, dtype=object).reshape(-1, 1))


__all__ = ["export_table", "import_table", "check_table", "PREFIX"]

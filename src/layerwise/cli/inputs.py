"""What predict, evaluate and info read: a model file, and a data file's features as the model saw them."""
from __future__ import annotations

import os

from .errors import UsageError

TABULAR = (".csv", ".parquet", ".pq")  # formats whose columns have names


def load_model(path):
    """(metadata document, estimator) of the model file at ``path``."""
    from ..io.modelfile import build, read

    doc, arrays = read(path)
    return doc, build(path, doc, arrays)


def features(path, doc, model, target=None):
    """The data file's features as the model saw them (columns by name, then its scaler) and its target."""
    from ..io.tables import load_table

    columns = doc.get("columns") or {}
    names = columns.get("features") if os.path.splitext(path)[1].lower() in TABULAR else None
    X, y, _ = load_table(path, target=target, features=names)
    if X.shape[1] != doc["n_features_in"]:
        raise UsageError(f"{path} has {X.shape[1]} feature columns but the model was trained on "
                         f"{doc['n_features_in']}")
    if model.preprocessing_ is not None:
        X = model.preprocessing_.transform(X)
    return X, y

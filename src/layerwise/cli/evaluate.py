"""``layerwise evaluate MODEL DATA``: accuracy, F1 and the confusion matrix, or R^2, MAE and RMSE."""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from .errors import UsageError
from .inputs import columns_matched, features, load_model
from .options import add_read_options, read_options


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", metavar="MODEL", help="model file")
    p.add_argument("data", metavar="DATA", help="data file with features and the target")
    p.add_argument("--target", metavar="COL", help="target column (default: the one the model was trained on)")
    add_read_options(p)


def unseen_labels(classes: np.ndarray, y: np.ndarray) -> tuple[list[Any], int]:
    """(the labels of y (m,) that are not among the model's classes, in order, how many rows hold them)."""
    unseen = ~np.isin(y, classes)
    return list(np.unique(y[unseen])), int(unseen.sum())


def _classification_report(model: Any, y: np.ndarray, pred: np.ndarray, multilabel: bool) -> None:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    print(f"Accuracy:   {accuracy_score(y, pred):.4f}")
    print(f"F1 (macro): {f1_score(y, pred, average='macro'):.4f}")
    if multilabel:
        return
    classes = list(model.classes_)
    unseen, n_unseen = unseen_labels(model.classes_, y)
    if unseen:
        names = ", ".join(repr(str(label)) for label in unseen)
        print(
            f"{n_unseen} of {len(y)} rows have a label the model never saw in training ({names}): "
            "they count as wrong, and have their own rows in the confusion matrix"
        )
    # rows: every true label (the model's classes, then the unseen ones); columns: the classes it predicts
    C = confusion_matrix(y, pred, labels=classes + unseen)[:, : len(classes)]
    rows = [str(c) for c in classes] + [f"{label} (unseen)" for label in unseen]
    width = max(len(s) for s in rows + [str(c) for c in classes] + [str(C.max()), "true\\pred"])
    print("Confusion matrix (rows: true class, columns: predicted class):")
    print(" ".join(s.rjust(width) for s in ["true\\pred"] + [str(c) for c in classes]))
    for label, row in zip(rows, C):
        print(" ".join(s.rjust(width) for s in [label] + [str(n) for n in row]))


def run(args: argparse.Namespace) -> int:
    doc, model = load_model(args.model)
    target = args.target or ",".join((doc.get("columns") or {}).get("target") or []) or None
    if target is None:
        raise UsageError(f"{args.model} does not record its target column: give --target COL")
    X, y = features(args.data, doc, model, target=target, **read_options(args))
    with columns_matched():
        pred = model.predict(X)
    print(f"{type(model).__name__} from {args.model} on {len(y)} examples of {args.data}:")
    if hasattr(model, "classes_"):
        from ..io.tabletarget import class_labels

        y = class_labels(y, "classification")  # as train read them: whole numbers as int labels
        _classification_report(model, y, pred, doc.get("output_type") == "multilabel-indicator")
    else:
        from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error

        print(f"R^2:  {r2_score(y, pred):.4f}")
        print(f"MAE:  {mean_absolute_error(y, pred):.6g}")
        print(f"RMSE: {root_mean_squared_error(y, pred):.6g}")
    return 0

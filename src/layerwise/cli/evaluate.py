"""``layerwise evaluate MODEL DATA``: accuracy, F1 and the confusion matrix, or R^2, MAE and RMSE."""

from __future__ import annotations

from .errors import UsageError
from .inputs import columns_matched, features, load_model


def configure(p):
    p.add_argument("model", metavar="MODEL", help="model file")
    p.add_argument("data", metavar="DATA", help="data file with features and the target")
    p.add_argument("--target", metavar="COL", help="target column (default: the one the model was trained on)")


def _classification_report(model, y, pred, multilabel):
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    print(f"Accuracy:   {accuracy_score(y, pred):.4f}")
    print(f"F1 (macro): {f1_score(y, pred, average='macro'):.4f}")
    if multilabel:
        return
    labels = [str(c) for c in model.classes_]
    C = confusion_matrix(y, pred, labels=model.classes_)  # rows: true class, columns: predicted
    width = max(len(s) for s in labels + [str(C.max()), "true\\pred"])
    print("Confusion matrix (rows: true class, columns: predicted class):")
    print(" ".join(s.rjust(width) for s in ["true\\pred"] + labels))
    for label, row in zip(labels, C):
        print(" ".join(s.rjust(width) for s in [label] + [str(n) for n in row]))


def run(args):
    doc, model = load_model(args.model)
    target = args.target or ",".join((doc.get("columns") or {}).get("target") or []) or None
    if target is None:
        raise UsageError(f"{args.model} does not record its target column: give --target COL")
    X, y = features(args.data, doc, model, target=target)
    with columns_matched():
        pred = model.predict(X)
    print(f"{type(model).__name__} from {args.model} on {len(y)} examples of {args.data}:")
    if hasattr(model, "classes_"):
        _classification_report(model, y, pred, doc.get("output_type") == "multilabel-indicator")
    else:
        from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error

        print(f"R^2:  {r2_score(y, pred):.4f}")
        print(f"MAE:  {mean_absolute_error(y, pred):.6g}")
        print(f"RMSE: {root_mean_squared_error(y, pred):.6g}")
    return 0

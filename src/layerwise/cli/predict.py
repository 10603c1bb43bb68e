"""``layerwise predict MODEL DATA``: predictions (or class probabilities) as CSV or .npy."""

from __future__ import annotations

import io
import sys

import numpy as np

from .errors import UsageError
from .inputs import columns_matched, features, load_model


def configure(p):
    p.add_argument("model", metavar="MODEL", help="model file written by 'layerwise train' or layerwise.save")
    p.add_argument("data", metavar="DATA", help="data file with the model's feature columns")
    p.add_argument("--proba", action="store_true", help="class probabilities instead of classes")
    p.add_argument("--out", metavar="FILE", help="write .csv or .npy here instead of CSV on stdout")


def _cell(v):
    return repr(float(v)) if isinstance(v, (float, np.floating)) else str(v)  # numbers written exactly


def _write_table(path, header, rows):
    """Rows as CSV on stdout or, atomically, to ``path``."""
    from ..io.atomic import write_atomically

    text = ",".join(header) + "\n" + "".join(",".join(_cell(v) for v in row) + "\n" for row in rows)
    if path is None:
        sys.stdout.write(text)
    else:
        write_atomically(path, text.encode())


def run(args):
    from ..io.atomic import write_atomically

    doc, model = load_model(args.model)
    X, _ = features(args.data, doc, model)
    if args.proba and not hasattr(model, "predict_proba"):
        raise UsageError(f"{args.model} holds a regressor: --proba needs a classifier")
    with columns_matched():
        values = model.predict_proba(X) if args.proba else model.predict(X)
    if args.proba:
        header = [f"proba_{c}" for c in model.classes_]
    else:
        targets = (doc.get("columns") or {}).get("target") or []
        header = (
            ["prediction"]
            if values.ndim == 1
            else (
                [f"prediction_{t}" for t in targets]
                if len(targets) == values.shape[1]
                else [f"prediction_{j}" for j in range(values.shape[1])]
            )
        )
    if args.out and args.out.endswith(".npy"):
        buffer = io.BytesIO()
        np.save(buffer, np.asarray(values), allow_pickle=False)
        write_atomically(args.out, buffer.getvalue())
    else:
        _write_table(args.out, header, values.reshape(len(values), -1))
    if args.out:
        print(f"Wrote {len(values)} predictions to {args.out}")
    return 0

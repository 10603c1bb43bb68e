"""``layerwise predict MODEL DATA``: predictions (or class probabilities) as CSV on stdout, or a file --out names."""

from __future__ import annotations

import argparse
import os
from typing import Any

import numpy as np

from .errors import UsageError
from .inputs import columns_matched, features, load_model
from .options import add_read_options, read_options
from .outputs import WRITERS, check_writable, write


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", metavar="MODEL", help="model file written by 'layerwise train' or layerwise.save")
    p.add_argument("data", metavar="DATA", help="data file with the model's feature columns")
    p.add_argument("--proba", action="store_true", help="class probabilities instead of classes")
    p.add_argument(
        "--out",
        metavar="FILE",
        help=f"write here instead of CSV on stdout, in the format the suffix names: {', '.join(WRITERS)}",
    )
    add_read_options(p)


def _header(doc: dict[str, Any], model: Any, values: np.ndarray, proba: bool) -> list[str]:
    """Column names: proba_<class> for --proba, else prediction or prediction_<target> for several outputs."""
    if proba:
        return [f"proba_{c}" for c in model.classes_]
    if values.ndim == 1:
        return ["prediction"]
    targets = (doc.get("columns") or {}).get("target") or []
    if len(targets) == values.shape[1]:
        return [f"prediction_{t}" for t in targets]
    return [f"prediction_{j}" for j in range(values.shape[1])]


def run(args: argparse.Namespace) -> int:
    if args.out:
        check_writable(args.out)  # before reading or predicting anything
        if os.path.exists(args.out) and os.path.exists(args.data) and os.path.samefile(args.out, args.data):
            raise UsageError(f"--out {args.out} is the data file: writing the predictions would overwrite the data")
    doc, model = load_model(args.model)
    if args.proba and not hasattr(model, "predict_proba"):
        raise UsageError(f"{args.model} holds a regressor: --proba needs a classifier")
    X, _ = features(args.data, doc, model, **read_options(args))
    with columns_matched():
        values = model.predict_proba(X) if args.proba else model.predict(X)
    write(args.out, _header(doc, model, values, args.proba), values.reshape(len(values), -1))
    if args.out:
        print(f"Wrote {len(values)} predictions to {args.out}")
    return 0

"""``layerwise info MODEL``: a model file's layer table and metadata."""

from __future__ import annotations

import argparse
import json

from .errors import printable
from .inputs import load_model


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", metavar="MODEL", help="model file")


def run(args: argparse.Namespace) -> int:
    doc, model = load_model(args.model)
    columns, pre = doc.get("columns") or {}, doc.get("preprocessing")
    lines = [
        f"{args.model}: {doc['format']} format version {doc['format_version']}, "
        f"written by layerwise {doc['library_version']}",
        f"Estimator: {doc['estimator']} ({doc['output_type']}, loss {doc['loss']}, {doc['dtype']}), "
        f"trained for {doc['n_iter']} epochs",
    ]
    if doc.get("classes") is not None:
        lines.append(f"Classes: {doc['classes']}")
    names = columns.get("features") or doc.get("feature_names_in")
    n = len(names) if doc.get("table") is not None and names else doc["n_features_in"]  # raw columns, not encoded
    lines.append(f"Features ({n}): {', '.join(map(str, names)) if names else 'unnamed'}")
    if columns.get("target"):
        lines.append(f"Target: {', '.join(columns['target'])}")
    if doc.get("table") is not None:
        from ..io.tableprep import format_report

        lines.append("Preprocessing: table pipeline (layerwise.TablePreprocessor); columns:")
        lines.extend(format_report(model[0].report()).split("\n"))
        model = model[-1]
    else:
        lines.append(f"Preprocessing: {pre['kind'] + ' scaling' if pre else 'none'}")
    lines.extend(str(model.summary()).split("\n"))
    lines.append("Parameters: " + json.dumps(doc["params"], sort_keys=True))
    for line in lines:
        print(printable(line))  # labels, column names and versions come from the file: no terminal controls
    return 0

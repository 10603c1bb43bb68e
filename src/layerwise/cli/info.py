"""``layerwise info MODEL``: a model file's layer table and metadata."""

from __future__ import annotations

import json

from .inputs import load_model


def configure(p):
    p.add_argument("model", metavar="MODEL", help="model file")


def run(args):
    doc, model = load_model(args.model)
    columns, pre = doc.get("columns") or {}, doc.get("preprocessing")
    print(
        f"{args.model}: {doc['format']} format version {doc['format_version']}, "
        f"written by layerwise {doc['library_version']}"
    )
    print(
        f"Estimator: {doc['estimator']} ({doc['output_type']}, loss {doc['loss']}, {doc['dtype']}), "
        f"trained for {doc['n_iter']} epochs"
    )
    if doc.get("classes") is not None:
        print(f"Classes: {doc['classes']}")
    names = columns.get("features") or doc.get("feature_names_in")
    n = len(names) if doc.get("table") is not None and names else doc["n_features_in"]  # raw columns, not encoded
    print(f"Features ({n}): {', '.join(map(str, names)) if names else 'unnamed'}")
    if columns.get("target"):
        print(f"Target: {', '.join(columns['target'])}")
    if doc.get("table") is not None:
        from ..io.tableprep import format_report

        print("Preprocessing: table pipeline (layerwise.TablePreprocessor); columns:")
        print(format_report(model[0].report()))
        model = model[-1]
    else:
        print(f"Preprocessing: {pre['kind'] + ' scaling' if pre else 'none'}")
    print(model.summary())
    print("Parameters: " + json.dumps(doc["params"], sort_keys=True))
    return 0

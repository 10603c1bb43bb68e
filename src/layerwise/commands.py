"""What each ``layerwise`` subcommand does, given its parsed arguments (see cli.py for the options)."""
from __future__ import annotations

import json
import os
import sys
import warnings

import numpy as np

from . import persistence
from .cli import UsageError
from .datasets import _targets, load_table

_TABULAR = (".csv", ".parquet", ".pq")  # formats whose columns have names
_SCALERS = {"standard": "StandardScaler", "minmax": "MinMaxScaler", "none": None}


def _task(y, task):
    """'classification' or 'regression' from the target's values (real numbers -> regression)."""
    from sklearn.utils.multiclass import type_of_target

    if task != "auto":
        if task == "regression" and y.dtype.kind not in "biuf":
            raise UsageError(f"--task regression needs a numeric target, but it holds {y.dtype} values")
        return task
    return "regression" if type_of_target(y).startswith("continuous") else "classification"


def _estimator(task, args):
    from .estimators import NeuralNetClassifier, NeuralNetRegressor

    Est = NeuralNetClassifier if task == "classification" else NeuralNetRegressor
    return Est(hidden_layer_sizes=args.hidden, activation=args.activation, solver=args.solver,
               learning_rate=args.learning_rate, max_iter=args.epochs, batch_size=args.batch_size,
               alpha=args.alpha, early_stopping=args.validation_fraction > 0,
               validation_fraction=args.validation_fraction or 0.1, random_state=args.seed,
               verbose=args.verbose, dtype=args.dtype)


def _one_line_warnings(caught):
    for w in caught:
        print(f"layerwise: warning: {' '.join(str(w.message).split())}", file=sys.stderr)


def train(args):
    if args.distributed or args.checkpoint_every or args.resume:
        return _train_distributed(args)
    X, y, features = load_table(args.data, target=args.target)
    task = _task(y, args.task)
    scaler = None
    if _SCALERS[args.scale]:
        import sklearn.preprocessing

        scaler = getattr(sklearn.preprocessing, _SCALERS[args.scale])()
        X = scaler.fit_transform(X)
    model = _estimator(task, args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    _one_line_warnings(caught)
    return _report_and_save(args, model, task, X.shape, model.score(X, y), scaler, features)


def _report_and_save(args, model, task, shape, score, scaler, features):
    metric = "accuracy" if task == "classification" else "R^2"
    print(f"Trained {type(model).__name__} on {shape[0]} examples x {shape[1]} features "
          f"for {model.n_iter_} epochs.")
    print(model.summary())
    print(f"Final training cost: {model.history_['cost'][-1]:.6g}")
    print(f"Training {metric}: {score:.4f}")
    if getattr(model, "best_validation_score_", None) is not None:
        print(f"Validation {metric} (best epoch): {model.best_validation_score_:.4f}")
    columns = {"features": list(features), "target": _targets(args.target)}
    persistence.save(model, args.out, preprocessing=scaler, columns=columns)
    print(f"Saved the model to {args.out}")
    if args.plot:
        from .plotting import plot_cost

        plot_cost(model).figure.savefig(args.plot, dpi=100)
        print(f"Saved the cost curve to {args.plot}")
    return 0


def _train_distributed(args):
    """train with checkpoints, in this process or (--distributed) in each MPI process on its own rows."""
    from . import distributed

    comm = distributed.world() if args.distributed else distributed.SELF
    with distributed.quiet_unless_lead(comm):  # process 0 prints and writes; the others are silent
        try:
            if args.solver == "lbfgs":
                raise UsageError("--distributed, --checkpoint-every and --resume need a minibatch solver (adam, "
                                 "sgd, rmsprop, gd), not lbfgs")
            return _train_shares(args, comm, distributed)
        except (UsageError, ValueError, OSError, ImportError):
            if comm.Get_rank() == 0:
                raise
            raise SystemExit(2) from None  # process 0 says why, once


def _train_shares(args, comm, distributed):
    if args.distributed:
        X, y, features, m = distributed.read_share(comm, args.data, args.target)  # this process's rows only
    else:
        X, y, features = load_table(args.data, target=args.target)
    task = _task(distributed.gather_rows(comm, y), args.task)  # decided on every row, identically everywhere
    scaler = distributed.fit_scaler(comm, X, args.scale) if _SCALERS[args.scale] else None
    X = X if scaler is None else scaler.transform(X)
    model = _estimator(task, args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        distributed.fit(model, X, y, comm=comm, checkpoint=distributed.checkpoint_path(args.out),
                        checkpoint_every=args.checkpoint_every or 0, resume=args.resume)
    _one_line_warnings(caught)
    score = distributed.global_score(comm, model, X, y)
    m = int(distributed.sum_all(comm, [X.shape[0]])[0])
    if comm.Get_rank() == 0:
        _report_and_save(args, model, task, (m, X.shape[1]), score, scaler, features)
    return 0


def _load(path):
    doc, arrays = persistence.read(path)
    return doc, persistence.build(path, doc, arrays)


def _features(path, doc, model, target=None):
    """The data file's features as the model saw them (columns by name, then its scaler) and its target."""
    columns = doc.get("columns") or {}
    names = columns.get("features") if os.path.splitext(path)[1].lower() in _TABULAR else None
    X, y, _ = load_table(path, target=target, features=names)
    if X.shape[1] != doc["n_features_in"]:
        raise UsageError(f"{path} has {X.shape[1]} feature columns but the model was trained on "
                         f"{doc['n_features_in']}")
    if model.preprocessing_ is not None:
        X = model.preprocessing_.transform(X)
    return X, y


def _write_table(path, header, rows):
    """Rows as CSV (numbers written exactly, with repr) on stdout or, atomically, to ``path``."""
    fmt = lambda v: repr(float(v)) if isinstance(v, (float, np.floating)) else str(v)  # noqa: E731
    text = ",".join(header) + "\n" + "".join(",".join(fmt(v) for v in row) + "\n" for row in rows)
    if path is None:
        sys.stdout.write(text)
    else:
        persistence._write_atomically(path, text.encode())


def predict(args):
    doc, model = _load(args.model)
    X, _ = _features(args.data, doc, model)
    if args.proba:
        if not hasattr(model, "predict_proba"):
            raise UsageError(f"{args.model} holds a regressor: --proba needs a classifier")
        values, header = model.predict_proba(X), [f"proba_{c}" for c in model.classes_]
    else:
        values = model.predict(X)
        targets = (doc.get("columns") or {}).get("target") or []
        header = ["prediction"] if values.ndim == 1 else (
            [f"prediction_{t}" for t in targets] if len(targets) == values.shape[1] else
            [f"prediction_{j}" for j in range(values.shape[1])])
    if args.out and args.out.endswith(".npy"):
        import io

        buffer = io.BytesIO()
        np.save(buffer, np.asarray(values), allow_pickle=False)
        persistence._write_atomically(args.out, buffer.getvalue())
    else:
        _write_table(args.out, header, values.reshape(len(values), -1))
    if args.out:
        print(f"Wrote {len(values)} predictions to {args.out}")
    return 0


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


def evaluate(args):
    doc, model = _load(args.model)
    target = args.target or ",".join((doc.get("columns") or {}).get("target") or []) or None
    if target is None:
        raise UsageError(f"{args.model} does not record its target column: give --target COL")
    X, y = _features(args.data, doc, model, target=target)
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


def info(args):
    doc, model = _load(args.model)
    columns, pre = doc.get("columns") or {}, doc.get("preprocessing")
    print(f"{args.model}: {doc['format']} format version {doc['format_version']}, "
          f"written by layerwise {doc['library_version']}")
    print(f"Estimator: {doc['estimator']} ({doc['output_type']}, loss {doc['loss']}, {doc['dtype']}), "
          f"trained for {doc['n_iter']} epochs")
    if doc.get("classes") is not None:
        print(f"Classes: {doc['classes']}")
    names = columns.get("features") or doc.get("feature_names_in")
    print(f"Features ({doc['n_features_in']}): {', '.join(map(str, names)) if names else 'unnamed'}")
    if columns.get("target"):
        print(f"Target: {', '.join(columns['target'])}")
    print(f"Preprocessing: {pre['kind'] + ' scaling' if pre else 'none'}")
    print(model.summary())
    print("Parameters: " + json.dumps(doc["params"], sort_keys=True))
    return 0


def demo(args):
    from .demo import run

    return run(args.out_dir)

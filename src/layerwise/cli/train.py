"""``layerwise train DATA --target COL --out MODEL``: fit a network on a data file and save it."""

from __future__ import annotations

import sys
import warnings
from contextlib import contextmanager

from . import epochs, table_train
from .errors import UsageError
from .options import (
    add_data_options,
    add_scale_option,
    add_task_option,
    batch_size,
    check_model_output,
    estimator_class,
    fraction,
    hidden_sizes,
    l2_penalty,
    positive_float,
    positive_int,
    read_options,
    task_of,
)


def configure(p):
    add_data_options(p, "target column (several for multi-output: a,b); for .npy a column number, e.g. -1")
    p.add_argument("--out", required=True, metavar="MODEL", help="model file to write, e.g. model.safetensors")
    add_task_option(p)
    p.add_argument(
        "--hidden",
        type=hidden_sizes,
        default=(100,),
        metavar="N1,N2,...",
        help="hidden layer sizes, e.g. 20,7,5 (default 100; 'none' for no hidden layer)",
    )
    p.add_argument(
        "--activation", default="relu", help="hidden activation: relu (default), tanh, sigmoid, leaky_relu, linear"
    )
    p.add_argument("--solver", default="adam", help="optimizer: adam (default), sgd, ... (see the estimators)")
    p.add_argument("--learning-rate", type=positive_float, default=0.001, metavar="LR", help="default 0.001")
    p.add_argument(
        "--epochs",
        type=positive_int,
        default=500,
        metavar="N",
        help="maximum passes over the data (max_iter; default 500: small data sets take one or two "
        "steps per epoch; training stops earlier once the validation loss, or without validation the "
        "training cost, stops improving)",
    )
    p.add_argument(
        "--batch-size",
        type=batch_size,
        default="auto",
        metavar="B",
        help="minibatch size, or auto (default: min(200, m))",
    )
    p.add_argument(
        "--alpha",
        type=l2_penalty,
        default="auto",
        help="L2 penalty (default auto: the estimator's, 1e-4 as scikit-learn for classification, 2.0 for regression)",
    )
    p.add_argument(
        "--validation-fraction",
        type=fraction,
        default=None,
        metavar="F",
        help="share of the rows held out to choose the epoch count (least validation loss), before training "
        f"on all rows for that many epochs (default {epochs.AUTO_FRACTION:g} where the data allow; 0: all "
        "rows for --epochs)",
    )
    add_scale_option(p)
    p.add_argument("--dtype", choices=["float32", "float64"], default=None, help="float dtype (default: the data's)")
    p.add_argument("--seed", type=int, default=None, help="random_state for weights and shuffling")
    p.add_argument(
        "--verbose",
        type=int,
        choices=[0, 1, 2],
        default=1,
        help="0 silent, 1 progress bar on a terminal (default), 2 one line per epoch",
    )
    p.add_argument("--plot", metavar="PNG", help="also save the cost curve to this picture")
    p.add_argument(
        "--distributed",
        action="store_true",
        help="train on the processes started by mpiexec or srun, "
        "each reading its own rows of DATA (needs layerwise[mpi]; launch with mpiexec -n N layerwise train ...)",
    )
    p.add_argument(
        "--checkpoint-every",
        type=positive_int,
        default=None,
        metavar="K",
        help="every K epochs write MODEL.ckpt beside --out (weights, optimizer, epoch, RNG state)",
    )
    p.add_argument("--resume", action="store_true", help="continue from MODEL.ckpt when it exists")
    table_train.configure(p)


def _estimator(task, args, y=None):
    """The estimator the options describe; ``y``: the target, to decide the default hold-out (None: none)."""
    validation = epochs.validation_fraction(args.validation_fraction, task, y)
    if getattr(args, "class_weight", None) is not None and task != "classification":
        raise UsageError("--class-weight is for classification; the task here is regression")
    weights = {} if task != "classification" else {"class_weight": getattr(args, "class_weight", None)}
    return estimator_class(task)(
        **weights,
        hidden_layer_sizes=args.hidden,
        activation=args.activation,
        solver=args.solver,
        learning_rate=args.learning_rate,
        max_iter=args.epochs,
        batch_size=args.batch_size,
        alpha=args.alpha,
        early_stopping=validation > 0,
        validation_fraction=validation or 0.1,
        random_state=args.seed,
        verbose=args.verbose,
        dtype=args.dtype,
    )


def _task_line(task, asked, y):
    """What the task is and how to choose the other one."""
    other = "regression" if task == "classification" else "classification"
    if asked != "auto":
        return f"Task: {task} (--task {asked})."
    from .options import MAX_CLASS_SHARE, MAX_CLASSES

    return (
        f"Task: {task}, inferred from the target ({_describe(y)}; regression means fractional values, or "
        f"more than {MAX_CLASSES} distinct values in more than {MAX_CLASS_SHARE:.0%} of the rows). "
        f"Pass --task {other} to override."
    )


def _describe(y):
    import numpy as np

    kind = {"b": "booleans", "i": "integers", "u": "integers", "f": "numbers"}.get(y.dtype.kind, "labels")
    distinct = len(np.unique(y if y.dtype.kind in "biuf" else y.astype(str)))
    return f"{distinct} distinct {kind} in {len(y)} rows"


def _fit_error(exc, task, args):
    """An error NumPy, SciPy or scikit-learn raised on the user's data -> one line saying what to do.

    Our own errors (they name the parameter and the remedy) pass through as they are."""
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    origin = tb.tb_frame.f_globals.get("__name__", "").split(".")[0]
    if origin not in ("numpy", "scipy", "sklearn"):
        return exc
    message = " ".join(str(exc).split())
    if task == "classification" and ("least populated class" in message or "too few members" in message):
        hint = (
            "some classes have too few examples to hold out validation rows: pass --validation-fraction 0, "
            "or --task regression if the target is a quantity rather than a label"
        )
    else:
        hint = (
            f"check that --target {args.target} is the column to predict and that the task ({task}) is right "
            "(--task classification or regression), and that the features are numbers"
        )
    if len(message) > 200:
        message = message[:200] + "..."
    return UsageError(f"training failed on {args.data}: {hint} (from {origin}: {message})")


@contextmanager
def _fitting(task, args):
    """Warnings printed as one line each; an error NumPy, SciPy or scikit-learn raises, as one line."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except (ValueError, TypeError, ArithmeticError, MemoryError) as exc:
            error = _fit_error(exc, task, args)
            if error is exc:
                raise
            raise error from exc
    for w in caught:
        print(f"layerwise: warning: {' '.join(str(w.message).split())}", file=sys.stderr)


def run(args):
    check_model_output(args)  # --out and --plot writable, before any data is read or trained on
    table_options = args.drop or args.features or args.categorical or args.numeric or args.drop_missing_target
    checkpointed = args.distributed or args.checkpoint_every or args.resume
    if table_options and (checkpointed or not args.data.lower().endswith(table_train.TABLE_SUFFIXES)):
        raise UsageError(
            "--features, --drop, --categorical, --numeric and --drop-missing-target need a CSV, TSV or Parquet "
            "file, without --distributed, --checkpoint-every or --resume (those train on numeric columns only)"
        )
    if checkpointed:
        return _run_checkpointed(args)
    if args.data.lower().endswith(table_train.TABLE_SUFFIXES):  # raw columns: the whole table pipeline
        return table_train.run(args, _estimator, _task_line, _fitting, _report_and_save)
    from ..io.preprocessing import make_scaler
    from ..io.tables import load_table

    X, y, features = load_table(args.data, target=args.target, **read_options(args))
    task = task_of(y, args.task)
    print(_task_line(task, args.task, y))
    scaler = make_scaler(args.scale)
    model = _estimator(task, args, y)
    with _fitting(task, args):
        if scaler is not None:
            X = scaler.fit_transform(X)
        chosen = epochs.fit(model, model, X, y)
    if chosen:
        print(epochs.describe(chosen, model.validation_fraction, task))
    return _report_and_save(args, model, task, X.shape, model.score(X, y), scaler, features)


def _report_and_save(args, saved, task, shape, score, scaler, features):
    """Print the training summary and write ``saved`` (an estimator, or the table Pipeline ending in one)."""
    from ..io import modelfile
    from ..io.tables import target_names

    model = saved[-1] if hasattr(saved, "steps") else saved
    metric = "accuracy" if task == "classification" else "R^2"
    print(f"Trained {type(model).__name__} on {shape[0]} examples x {shape[1]} features for {model.n_iter_} epochs.")
    print(model.summary())
    print(f"Final training cost: {model.history_['cost'][-1]:.6g}")
    print(f"Training {metric}: {score:.4f}")
    if getattr(model, "best_validation_score_", None) is not None:
        print(f"Validation {metric} (best epoch): {model.best_validation_score_:.4f}")
    columns = {"features": list(features), "target": target_names(args.target)}
    modelfile.save(saved, args.out, preprocessing=scaler, columns=columns)
    print(f"Saved the model to {args.out}")
    if args.plot:
        from ..plotting import plot_cost

        plot_cost(model).figure.savefig(args.plot, dpi=100)
        print(f"Saved the cost curve to {args.plot}")
    return 0


def _run_checkpointed(args):
    """Training with checkpoints, in this process or (--distributed) in each MPI process on its own rows."""
    from .. import distributed

    comm = distributed.world() if args.distributed else distributed.SELF
    with distributed.quiet_unless_lead(comm):  # process 0 prints and writes; the others are silent
        try:
            if args.solver == "lbfgs":
                raise UsageError(
                    "--distributed, --checkpoint-every and --resume need a minibatch solver (adam, "
                    "sgd, rmsprop, gd), not lbfgs"
                )
            with distributed.abort_unless(comm, UsageError, ValueError, OSError, ImportError):  # else: abort all
                return _train_shares(args, comm, distributed)
        except (UsageError, ValueError, OSError, ImportError):
            if comm.Get_rank() == 0:
                raise
            raise SystemExit(2) from None  # process 0 says why, once


def _train_shares(args, comm, distributed):
    from ..io.tables import load_table

    if args.distributed:
        X, y, features, _ = distributed.read_share(comm, args.data, args.target)  # this process's rows only
    else:
        X, y, features = load_table(args.data, target=args.target, **read_options(args))
    y_all = distributed.gather_rows(comm, y)
    task = task_of(y_all, args.task)  # decided on all rows, the same everywhere
    print(_task_line(task, args.task, y_all))
    scaler = distributed.fit_scaler(comm, X, args.scale) if args.scale != "none" else None
    X = X if scaler is None else scaler.transform(X)
    model = _estimator(task, args)
    with _fitting(task, args):
        distributed.fit(
            model,
            X,
            y,
            comm=comm,
            checkpoint=distributed.checkpoint_path(args.out),
            checkpoint_every=args.checkpoint_every or 0,
            resume=args.resume,
        )
    score = distributed.global_score(comm, model, X, y)
    m = int(distributed.sum_all(comm, [X.shape[0]])[0])
    if comm.Get_rank() == 0:
        _report_and_save(args, model, task, (m, X.shape[1]), score, scaler, features)
    return 0

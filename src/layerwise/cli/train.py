"""``layerwise train DATA --target COL --out MODEL``: fit a network on a data file and save it.

The options and their defaults are here (``configure``); the steps every path shares are cli/train_steps.py's,
training with checkpoints or on MPI processes cli/train_shares.py's, raw tables cli/table_train.py's.
"""

from __future__ import annotations

import argparse

from . import epochs, table_train
from .errors import UsageError
from .options import (
    add_data_options,
    add_scale_option,
    add_task_option,
    batch_size,
    check_model_output,
    fraction,
    hidden_sizes,
    l2_penalty,
    positive_float,
    positive_int,
    read_options,
    task_of,
)
from .train_shares import run_checkpointed
from .train_steps import estimator_for, fitting, report_and_save, task_line


def configure(p: argparse.ArgumentParser) -> None:
    """The options of ``layerwise train`` and their defaults (the one place they are defined)."""
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


def run(args: argparse.Namespace) -> int:
    """Train on ``args.data`` and save to ``args.out``: the table pipeline, checkpointed training or plain columns."""
    check_model_output(args)  # --out and --plot writable, before any data is read or trained on
    table_options = args.drop or args.features or args.categorical or args.numeric or args.drop_missing_target
    checkpointed = args.distributed or args.checkpoint_every or args.resume
    if table_options and (checkpointed or not args.data.lower().endswith(table_train.TABLE_SUFFIXES)):
        raise UsageError(
            "--features, --drop, --categorical, --numeric and --drop-missing-target need a CSV, TSV or Parquet "
            "file, without --distributed, --checkpoint-every or --resume (those train on numeric columns only)"
        )
    if checkpointed:
        return run_checkpointed(args)
    if args.data.lower().endswith(table_train.TABLE_SUFFIXES):  # raw columns: the whole table pipeline
        return table_train.run(args, estimator_for, task_line, fitting, report_and_save)
    from ..io.preprocessing import make_scaler
    from ..io.tables import load_table
    from ..io.tabletarget import class_labels

    X, y, features = load_table(args.data, target=args.target, **read_options(args))
    task = task_of(y, args.task)
    print(task_line(task, args.task, y))
    y = class_labels(y, task)
    scaler = make_scaler(args.scale)
    model = estimator_for(task, args, y)
    with fitting(task, args):
        if scaler is not None:
            X = scaler.fit_transform(X)
        chosen = epochs.fit(model, model, X, y)  # the epoch count chosen on held-out rows, then all rows
    if chosen:
        print(epochs.describe(chosen, model.validation_fraction, task))
    return report_and_save(args, model, task, X.shape, model.score(X, y), scaler, features)

"""``layerwise train`` with checkpoints (--checkpoint-every, --resume), in this process or, with --distributed, in
each MPI process on its own rows; process 0 reports and writes the model file.
"""

from __future__ import annotations

from typing import Any

from .errors import UsageError
from .options import read_options, task_of
from .train_steps import estimator_for, fitting, report_and_save, task_line


def run_checkpointed(args: Any) -> int:
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


def _train_shares(args: Any, comm: Any, distributed: Any) -> int:
    from ..io.tables import load_table
    from ..io.tabletarget import class_labels

    if args.distributed:
        X, y, features, _ = distributed.read_share(comm, args.data, args.target)  # this process's rows only
    else:
        X, y, features = load_table(args.data, target=args.target, **read_options(args))
    y_all = distributed.gather_rows(comm, y)
    task = task_of(y_all, args.task)  # decided on all rows, the same everywhere
    y = y.astype(class_labels(y_all, task).dtype)  # int labels where every process's are whole numbers
    print(task_line(task, args.task, y_all))
    scaler = distributed.fit_scaler(comm, X, args.scale) if args.scale != "none" else None
    X = X if scaler is None else scaler.transform(X)
    model = estimator_for(task, args)
    with fitting(task, args):
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
        report_and_save(args, model, task, (m, X.shape[1]), score, scaler, features)
    return 0


__all__ = ["run_checkpointed"]

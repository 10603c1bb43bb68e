"""``layerwise search DATA --target COL --space space.toml``: hyperparameter search from the command line."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .errors import UsageError, require
from .options import (
    add_data_options,
    add_scale_option,
    add_task_option,
    check_model_output,
    estimator_class,
    open_fraction,
    positive_int,
    read_options,
    task_of,
)

SAMPLER_NAMES = ("grid", "random", "tpe")


def configure(p: argparse.ArgumentParser) -> None:
    add_data_options(p)
    p.add_argument(
        "--space",
        required=True,
        metavar="TOML",
        help="search space: one table per estimator parameter, e.g. [learning_rate] loguniform = [1e-4, 0.3]",
    )
    p.add_argument("--trials", type=positive_int, metavar="N", help="number of trials (grid: all by default)")
    p.add_argument("--sampler", choices=SAMPLER_NAMES, default="random", help="default random")
    split = p.add_mutually_exclusive_group()
    split.add_argument("--cv", type=int, metavar="K", help="score each trial by K-fold cross-validation")
    split.add_argument(
        "--validation-fraction",
        type=open_fraction,
        default=0.2,
        metavar="F",
        help="score on a held-out share of the rows (default 0.2)",
    )
    p.add_argument(
        "--results",
        default="search_results.csv",
        metavar="FILE",
        help="results table, .csv or .parquet, written as trials finish; rerunning with the same "
        "file resumes (default search_results.csv)",
    )
    p.add_argument("--out", metavar="MODEL", help="save the best model, refitted on all rows, to this model file")
    p.add_argument("--plot", metavar="PNG", help="save score against each hyperparameter to this picture")
    p.add_argument("--seed", type=int, default=0, help="seed of the sampler, the splits and the networks (default 0)")
    add_task_option(p)
    add_scale_option(p, "fitted on all rows")
    p.add_argument("--scoring", metavar="NAME", help="scikit-learn scorer (default: accuracy or R^2)")
    p.add_argument("--no-prune", action="store_true", help="train every tpe trial to the end")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://host:8786 (default: a local cluster, one single-threaded worker per core)",
    )
    p.add_argument("--workers", type=positive_int, metavar="N", help="size of the local cluster")


def _save_plot(result: Any, path: str) -> None:
    fig = result.plot()
    fig.savefig(path, dpi=100)
    print(f"Saved score against each hyperparameter to {path}")


def run(args: argparse.Namespace) -> int:
    tomli = ("tomli",) if sys.version_info < (3, 11) else ()  # the space file's reader before Python 3.11
    require(("dask", "distributed", "optuna", *tomli), "search", "layerwise search")
    check_model_output(args)  # --out and --plot writable, before the search starts
    from ..io.preprocessing import make_scaler
    from ..io.tables import load_table
    from ..io.tabletarget import class_labels
    from ..search import ClusterError, load_space, search

    space = load_space(args.space)
    X, y, features = load_table(args.data, target=args.target, **read_options(args))
    if y is None:
        raise UsageError(f"{args.data}: no target column {args.target!r} found")
    scaler = make_scaler(args.scale)
    if scaler is not None:
        X = scaler.fit_transform(X)
    task = task_of(y, args.task)
    y = class_labels(y, task)  # whole numbers as int labels, as train reads them
    estimator = estimator_class(task)(random_state=args.seed)
    prune = False if args.no_prune else None
    print(
        f"Searching {', '.join(space)} with the {args.sampler} sampler on {X.shape[0]} rows; results in {args.results}"
    )
    try:
        result = search(
            estimator,
            space,
            X,
            y,
            sampler=args.sampler,
            n_trials=args.trials,
            cv=args.cv,
            validation_fraction=args.validation_fraction,
            scoring=args.scoring,
            prune=prune,
            results=args.results,
            refit=args.out is not None,
            random_state=args.seed,
            address=args.scheduler,
            n_workers=args.workers,
        )
    except ClusterError as exc:
        raise UsageError(str(exc)) from None
    except KeyboardInterrupt:
        print(
            f"layerwise: interrupted; finished trials are in {args.results}; run the same command again to resume",
            file=sys.stderr,
        )
        return 130
    counts = {s: sum(r["status"] == s for r in result.rows) for s in ("ok", "pruned", "failed")}
    print(
        f"{len(result.rows)} trials ({counts['ok']} completed, {counts['pruned']} pruned, "
        f"{counts['failed']} failed) in {args.results}"
    )
    if result.best_params is None:
        print("No trial completed: see the error column of the results table.")
        return 1
    print(f"Best score {result.best_score:.4f} with {result.best_params}")
    if args.out is not None:
        from ..io.modelfile import save

        save(result.best_estimator, args.out, preprocessing=scaler)
        print(f"Saved the best model, refitted on all {X.shape[0]} rows, to {args.out}")
    if args.plot is not None:
        _save_plot(result, args.plot)
    return 0

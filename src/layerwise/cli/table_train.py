"""``layerwise train`` on a CSV/TSV/Parquet table: raw columns -> make_pipeline(TablePreprocessor, network).

The object trained here is exactly what a Python user builds (docs/guide/tables.md): a scikit-learn
Pipeline of ``layerwise.TablePreprocessor`` and a NeuralNetClassifier/Regressor, saved whole.
"""

from __future__ import annotations

from typing import Any

from . import epochs
from .errors import UsageError

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".pq")


def names(text: str) -> list[str]:
    """An option's comma-separated column names -> list of names."""
    out = [n.strip() for n in text.split(",") if n.strip()]
    if not out:
        raise ValueError(f"expected comma-separated column names, got {text!r}")
    return out


def configure(p: Any) -> None:
    """The table options of ``layerwise train``."""
    p.add_argument("--features", type=names, metavar="A,B,...", help="use only these columns as features")
    p.add_argument("--drop", type=names, default=[], metavar="A,B,...", help="leave these columns out")
    p.add_argument(
        "--categorical", type=names, default=[], metavar="A,B,...", help="one-hot these columns (e.g. integer codes)"
    )
    p.add_argument("--numeric", type=names, default=[], metavar="A,B,...", help="read these columns as numbers")
    p.add_argument(
        "--drop-missing-target",
        action="store_true",
        help="leave out rows whose target is missing (default: they are an error, with their count)",
    )
    p.add_argument(
        "--class-weight",
        choices=["balanced"],
        default=None,
        help="balanced: weight each class by m / (n_classes x its count)",
    )


def _read(args: Any) -> tuple[dict[str, Any], Any, list[str]]:
    """(feature columns, y, target names) of the data file, as the options select them."""
    from ..io.rawtable import read_columns
    from ..io.tables import target_names
    from ..io.tabletarget import split_target

    targets = target_names(args.target)
    raw = read_columns(args.data, sep=getattr(args, "sep", None), encoding=getattr(args, "encoding", None))
    columns, y, dropped = split_target(args.data, raw, targets, args.drop_missing_target)
    if dropped:
        print(f"Left out {dropped} row(s) whose target is missing (--drop-missing-target).")
    if args.features is not None:
        absent = [n for n in args.features if n not in columns]
        if absent:
            raise UsageError(f"--features: no column(s) {', '.join(absent)} in {args.data} besides the target")
        columns = {n: columns[n] for n in args.features}
    if not columns:
        raise UsageError(f"{args.data}: no feature columns left besides the target {', '.join(targets)}")
    return columns, y, targets


def run(args: Any, estimator: Any, task_line: Any, fitting: Any, report_and_save: Any) -> int:
    """Read, fit the pipeline, print what was done to each column, save. Helpers come from cli.train."""
    from sklearn.pipeline import make_pipeline

    from ..io.tableprep import TablePreprocessor, format_report
    from ..io.tabletarget import check_labels, class_labels
    from .options import task_of

    columns, y, targets = _read(args)
    task = task_of(y, args.task)
    check_labels(targets, y, task)
    print(task_line(task, args.task, y))
    y = class_labels(y, task)  # whole numbers as int labels: the classes print as the file wrote them
    model = estimator(task, args, y)
    prep = TablePreprocessor(categorical=args.categorical, numeric=args.numeric, drop=args.drop, scale=args.scale)
    pipeline = make_pipeline(prep, model)
    with fitting(task, args):
        chosen = epochs.fit(pipeline, model, columns, y)  # the epoch count chosen on held-out rows, then all rows
    if chosen:
        print(epochs.describe(chosen, model.validation_fraction, task))
    print("Columns:")
    print(format_report(prep.report()))
    m = len(y)
    code: int = report_and_save(
        args, pipeline, task, (m, len(columns)), pipeline.score(columns, y), None, list(prep.feature_names_in_)
    )
    return code


__all__ = ["TABLE_SUFFIXES", "configure", "run", "names"]

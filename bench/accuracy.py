"""What the accuracy benchmarks share (bench/defaults_accuracy.py, bench/tables.py): the seed loop, ``layerwise
train`` + ``evaluate`` on CSV files and its printed score, one row per contender, the Markdown table, the
command line.

Each benchmark splits its data sets 70/30 with seeds 0..4 (0 and 1 with ``--quick``) and reports, per data
set and contender, the mean held-out score over the seeds; layerwise's contenders carry the target and
PASS/FAIL, the others are ``info`` rows (bench/rows.py's format).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import statistics
import tempfile
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from bench.rows import row

SEEDS = (0, 1, 2, 3, 4)


def seeds_for(quick: bool, seeds: Iterable[int] | None) -> tuple[int, ...]:
    """The seeds a run uses: ``seeds`` when given, else 0..4, or 0 and 1 with ``quick``."""
    return SEEDS[:2] if quick and seeds is None else tuple(seeds or SEEDS)


def rows_over(
    names: Iterable[str],
    rows_of: Callable[[str, tuple[int, ...]], list[dict[str, Any]]],
    quick: bool,
    seeds: Iterable[int] | None,
    only: Iterable[str] | None,
) -> list[dict[str, Any]]:
    """``rows_of(name, seeds)`` for each data set of ``only`` (default: every one of ``names``), in order."""
    chosen = seeds_for(quick, seeds)
    return [r for name in only or names for r in rows_of(name, chosen)]


def scores_over_seeds(
    seeds: Iterable[int], one_seed: Callable[[int, str], Iterable[tuple[str, float]]]
) -> dict[str, list[float]]:
    """{contender: [held-out score per seed]} from ``one_seed(seed, folder)``'s (contender, score) pairs; the
    folder is a scratch one for CSV and model files; ConvergenceWarnings at max_iter (either library) are quiet."""
    scores: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in seeds:
            for contender, score in one_seed(seed, folder):
                scores.setdefault(contender, []).append(score)
    return scores


def cli_score(train: str, test: str, target: str, task: str, model: str, options: Sequence[str] = ()) -> float:
    """``layerwise train TRAIN --target T --out MODEL [options]`` then ``evaluate MODEL TEST``: the printed score.

    RuntimeError when either command fails or ``train`` inferred another task than ``task``."""
    from layerwise.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["train", train, "--target", target, "--out", model, *options])
        if code != 0:
            raise RuntimeError(f"layerwise train failed: {err.getvalue().strip()}")
        printed = out.getvalue()
        code = main(["evaluate", model, test])
    if code != 0:
        raise RuntimeError(f"layerwise evaluate failed: {err.getvalue().strip()}")
    inferred = _found(r"^Task: (\w+)", printed)
    if inferred != task:
        raise RuntimeError(f"layerwise train inferred {inferred}, expected {task}")
    pattern = r"^Accuracy:\s+([-\d.]+)" if task == "classification" else r"^R\^2:\s+([-\d.]+)"
    return float(_found(pattern, out.getvalue()))


def _found(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.M)
    if match is None:
        raise RuntimeError(f"layerwise printed no line matching {pattern!r}")
    return match.group(1)


def metric_of(task: str) -> str:
    return "accuracy" if task == "classification" else "R^2"


def accuracy_rows(
    section: str, name: str, task: str, scores: dict[str, list[float]], target: float, **detail: Any
) -> list[dict[str, Any]]:
    """One row per contender: the mean score; layerwise's (names starting "layerwise") held to ``target``."""
    metric = metric_of(task)
    means = {c: statistics.fmean(s) for c, s in scores.items()}
    out = []
    for contender, s in scores.items():
        ours = contender.startswith("layerwise")
        out.append(
            row(
                f"{section} {name} {metric}: {contender}",
                means[contender],
                metric,
                f">= {target:.4f}" if ours else "",
                means[contender] >= target if ours else None,
                dataset=name,
                task=task,
                metric=metric,
                impl=contender,
                **detail,
                scores=s,
                target_value=target if ours else None,
            )
        )
    return out


def markdown(rows: list[dict[str, Any]], first: Sequence[tuple[str, str]]) -> str:
    """The rows as a Markdown table: the ``first`` columns (title, detail key), then metric, contender, mean,
    per seed, target and status."""
    titles = [t for t, _ in first] + ["metric", "contender", "mean", "per seed", "target", "status"]
    lines = ["| " + " | ".join(titles) + " |", "|" + "---|" * len(titles)]
    for r in rows:
        d = r["detail"]
        per_seed = " ".join(f"{s:.3f}" for s in d["scores"])
        status = "" if r["status"] == "info" else r["status"]
        cells = [str(d[key]) for _, key in first]
        cells += [d["metric"], d["impl"], f"{r['figure']:.4f}", per_seed, r["target"], status]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(
    argv: Sequence[str] | None,
    prog: str,
    doc: str,
    run: Callable[..., list[dict[str, Any]]],
    table: Callable[[list[dict[str, Any]]], str],
    names: str,
) -> int:
    """The accuracy benchmarks' command line: --quick, --seeds N, --only a,b (of ``names``), --markdown PATH.
    Exit status 1 when a layerwise contender misses its target."""
    p = argparse.ArgumentParser(prog=prog, description=doc.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="seeds 0 and 1 only")
    p.add_argument("--seeds", type=int, default=None, help="number of seeds (default 5)")
    p.add_argument("--only", default=None, help=f"comma-separated {names}")
    p.add_argument("--markdown", metavar="PATH", help="also write the table to PATH")
    args = p.parse_args(argv)
    seeds = range(args.seeds) if args.seeds else None
    rows = run(quick=args.quick, seeds=seeds, only=args.only and args.only.split(","))
    text = table(rows)
    print(text)
    if args.markdown:
        from bench.common import write_text_atomic

        write_text_atomic(args.markdown, text + "\n")
    return 0 if all(r["status"] != "FAIL" for r in rows) else 1


__all__ = [
    "SEEDS",
    "seeds_for",
    "rows_over",
    "scores_over_seeds",
    "cli_score",
    "accuracy_rows",
    "markdown",
    "main",
    "metric_of",
]

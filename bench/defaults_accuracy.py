"""Accuracy of the defaults: layerwise's command line and estimators, untuned, beside scikit-learn's.

    python -m bench.defaults_accuracy [--quick] [--seeds N] [--markdown PATH]

Six data sets, each split 70/30 (stratified for classes) with seeds 0..4; the mean held-out score over
the seeds per contender:

- ``layerwise train`` / ``evaluate``: the command line on CSV files written here, no option but
  ``--target`` (and ``--out``, the model file it must write);
- ``NeuralNetClassifier`` / ``NeuralNetRegressor`` with default parameters after a ``StandardScaler``;
- scikit-learn's ``MLPClassifier`` / ``MLPRegressor`` with default parameters in the same pipeline (the
  regressor inside ``TransformedTargetRegressor(transformer=StandardScaler())``), and ``RidgeCV`` for
  regression.

Targets (issue 12): accuracy >= MLPClassifier - 0.01; R^2 >= max(MLPRegressor, RidgeCV) - 0.03, for both
of layerwise's contenders. ``run()`` returns one dict per (data set, contender).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import statistics
import sys
import tempfile
import warnings

import numpy as np

from bench.rows import row

SEEDS = (0, 1, 2, 3, 4)
CLASSIFICATION_MARGIN, REGRESSION_MARGIN = 0.01, 0.03


def _friedman1():
    from sklearn.datasets import make_friedman1

    return make_friedman1(n_samples=2000, noise=1.0, random_state=0)


def _bunch(name, labels):
    """A scikit-learn loader -> (X, y) with the labels as their names (strings) when ``labels``."""

    def load():
        import sklearn.datasets as d

        data = getattr(d, f"load_{name}")()
        y = np.asarray(data.target_names)[data.target] if labels else data.target
        return data.data, y

    return load


# name -> (loader () -> (X, y), task)
DATASETS = {
    "breast_cancer": (_bunch("breast_cancer", True), "classification"),
    "wine": (_bunch("wine", True), "classification"),
    "iris": (_bunch("iris", True), "classification"),
    "digits": (_bunch("digits", False), "classification"),  # integer labels 0-9: the task rule must say classes
    "diabetes": (_bunch("diabetes", False), "regression"),  # integers 25-346: the rule must say regression
    "friedman1": (_friedman1, "regression"),
}


def _split(X, y, task, seed):
    from sklearn.model_selection import train_test_split

    return train_test_split(X, y, test_size=0.3, random_state=seed, stratify=y if task == "classification" else None)


def _write_csv(path, X, y):
    import pandas as pd

    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
    frame["target"] = y
    frame.to_csv(path, index=False)


def _cli_score(Xtr, Xte, ytr, yte, task, folder, options=()):
    """``layerwise train train.csv --target target --out m [options]`` then ``evaluate``: the printed score."""
    from layerwise.cli import main

    train, test, model = (os.path.join(folder, n) for n in ("train.csv", "test.csv", "m.safetensors"))
    _write_csv(train, Xtr, ytr)
    _write_csv(test, Xte, yte)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(["train", train, "--target", "target", "--out", model, *options])
        if code != 0:
            raise RuntimeError(f"layerwise train failed: {err.getvalue().strip()}")
        printed = out.getvalue()
        code = main(["evaluate", model, test])
    if code != 0:
        raise RuntimeError(f"layerwise evaluate failed: {err.getvalue().strip()}")
    inferred = re.search(r"^Task: (\w+)", printed, re.M).group(1)
    if inferred != task:
        raise RuntimeError(f"layerwise train inferred {inferred}, expected {task}")
    pattern = r"^Accuracy:\s+([-\d.]+)" if task == "classification" else r"^R\^2:\s+([-\d.]+)"
    return float(re.search(pattern, out.getvalue(), re.M).group(1))


def _estimators(task, seed):
    """contender -> unfitted pipeline, all with default parameters."""
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.linear_model import RidgeCV
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from layerwise.estimators import NeuralNetClassifier, NeuralNetRegressor

    if task == "classification":
        return {
            "layerwise estimator": make_pipeline(StandardScaler(), NeuralNetClassifier(random_state=seed)),
            "sklearn MLP": make_pipeline(StandardScaler(), MLPClassifier(random_state=seed)),
        }
    return {
        "layerwise estimator": make_pipeline(StandardScaler(), NeuralNetRegressor(random_state=seed)),
        "sklearn MLP": TransformedTargetRegressor(
            make_pipeline(StandardScaler(), MLPRegressor(random_state=seed)), transformer=StandardScaler()
        ),
        "sklearn RidgeCV": make_pipeline(StandardScaler(), RidgeCV()),
    }


def _scores(name, seeds):
    """{contender: [held-out score per seed]} for data set ``name``."""
    load, task = DATASETS[name]
    X, y = load()
    scores = {}
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning from either library at max_iter
        for seed in seeds:
            Xtr, Xte, ytr, yte = _split(X, y, task, seed)
            scores.setdefault("layerwise train", []).append(_cli_score(Xtr, Xte, ytr, yte, task, folder))
            for contender, est in _estimators(task, seed).items():
                scores.setdefault(contender, []).append(float(est.fit(Xtr, ytr).score(Xte, yte)))
    return task, scores


def _rows(name, task, scores):
    """Rows of bench.rows' format: one per contender; layerwise's carry the target and PASS/FAIL."""
    metric = "accuracy" if task == "classification" else "R^2"
    means = {c: statistics.fmean(s) for c, s in scores.items()}
    if task == "classification":
        target = means["sklearn MLP"] - CLASSIFICATION_MARGIN
    else:
        target = max(means["sklearn MLP"], means["sklearn RidgeCV"]) - REGRESSION_MARGIN
    rows = []
    for contender, s in scores.items():
        ours = contender.startswith("layerwise")
        rows.append(
            row(
                f"defaults {name} {metric}: {contender}",
                means[contender],
                metric,
                f">= {target:.4f}" if ours else "",
                means[contender] >= target if ours else None,
                dataset=name,
                task=task,
                metric=metric,
                impl=contender,
                scores=s,
                target_value=target if ours else None,
            )
        )
    return rows


def run(quick=False, seeds=None):
    """One row per (data set, contender): mean held-out score over the seeds, the target, PASS/FAIL."""
    seeds = SEEDS[:2] if quick and seeds is None else tuple(seeds or SEEDS)
    rows = []
    for name in DATASETS:
        task, scores = _scores(name, seeds)
        rows += _rows(name, task, scores)
    return rows


def markdown(rows):
    """The rows as a Markdown table."""
    lines = ["| data set | metric | contender | mean | per seed | target | status |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        d = r["detail"]
        per_seed = " ".join(f"{s:.3f}" for s in d["scores"])
        status = "" if r["status"] == "info" else r["status"]
        lines.append(
            f"| {d['dataset']} | {d['metric']} | {d['impl']} | {r['figure']:.4f} | {per_seed} | "
            f"{r['target']} | {status} |"
        )
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.defaults_accuracy", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="seeds 0 and 1 only")
    p.add_argument("--seeds", type=int, default=None, help="number of seeds (default 5)")
    p.add_argument("--only", default=None, help="comma-separated data sets")
    p.add_argument("--markdown", metavar="PATH", help="also write the table to PATH")
    args = p.parse_args(argv)
    seeds = range(args.seeds) if args.seeds else None
    if args.only:
        for name in set(DATASETS) - set(args.only.split(",")):
            del DATASETS[name]
    rows = run(quick=args.quick, seeds=seeds)
    text = markdown(rows)
    print(text)
    if args.markdown:
        from .common import write_text_atomic

        write_text_atomic(args.markdown, text + "\n")
    return 0 if all(r["status"] != "FAIL" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

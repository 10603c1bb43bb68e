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

import os
import statistics
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from bench.accuracy import accuracy_rows, cli_score, rows_over, scores_over_seeds
from bench.accuracy import main as accuracy_main
from bench.accuracy import markdown as accuracy_markdown

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
    train, test, model = (os.path.join(folder, n) for n in ("train.csv", "test.csv", "m.safetensors"))
    _write_csv(train, Xtr, ytr)
    _write_csv(test, Xte, yte)
    return cli_score(train, test, "target", task, model, options)


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

    def one_seed(seed, folder):
        Xtr, Xte, ytr, yte = _split(X, y, task, seed)
        yield "layerwise train", _cli_score(Xtr, Xte, ytr, yte, task, folder)
        for contender, est in _estimators(task, seed).items():
            yield contender, float(est.fit(Xtr, ytr).score(Xte, yte))

    scores = scores_over_seeds(seeds, one_seed)
    return task, scores


def _rows(name, task, scores):
    """Rows of bench.rows' format: one per contender; layerwise's carry the target and PASS/FAIL."""
    means = {c: statistics.fmean(s) for c, s in scores.items()}
    if task == "classification":
        target = means["sklearn MLP"] - CLASSIFICATION_MARGIN
    else:
        target = max(means["sklearn MLP"], means["sklearn RidgeCV"]) - REGRESSION_MARGIN
    return accuracy_rows("defaults", name, task, scores, target)


def run(
    quick: bool = False, seeds: Iterable[int] | None = None, only: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """One row per (data set, contender): mean held-out score over the seeds, the target, PASS/FAIL."""
    return rows_over(DATASETS, lambda name, chosen: _rows(name, *_scores(name, chosen)), quick, seeds, only)


def markdown(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table."""
    return accuracy_markdown(rows, [("data set", "dataset")])


def main(argv: Sequence[str] | None = None) -> int:
    return accuracy_main(argv, "python -m bench.defaults_accuracy", __doc__, run, markdown, "data sets")


if __name__ == "__main__":
    sys.exit(main())

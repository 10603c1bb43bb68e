"""Export a playground run: the trained model file (for ``layerwise.load``) and a Python snippet that
retrains the same run with the scikit-learn estimator, to the same numbers.

The model's inputs are the page's features (x1, x2, x1^2, ...), in the page's order; the snippet
rebuilds them with ``layerwise.playground.make_dataset``.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Mapping
from typing import Any

import layerwise

from .session import Session


def estimator_params(values: Mapping[str, Any], epochs: int, task: str = "classification") -> dict[str, Any]:
    """The estimator's constructor arguments that train what the page trains, for ``epochs`` epochs.

    The page trains a regressor on the raw target (its data sets' targets are already of unit size),
    so the regressor's target standardization is off."""
    v = values
    acts = list(v["activations"]) or v["activation"]
    extra = {"standardize_target": False} if task == "regression" else {}
    return {
        **extra,
        "hidden_layer_sizes": tuple(v["hidden"]),
        "activation": tuple(acts) if isinstance(acts, list) else acts,
        "init": v["init"],
        "solver": v["optimizer"],
        "learning_rate": v["learning_rate"],
        "batch_size": v["batch_size"],
        "alpha": v["l2"],
        "dropout": v["dropout"],
        "momentum": 0.9,
        "nesterovs_momentum": False,
        "beta_1": 0.9,
        "beta_2": 0.999,
        "epsilon": 1e-8,
        "max_iter": max(1, epochs),
        "tol": 0.0,
        "n_iter_no_change": max(1, epochs) + 1,
        "random_state": v["seed"],
    }


def estimator_class(task: str) -> type[layerwise.NeuralNetClassifier] | type[layerwise.NeuralNetRegressor]:
    return layerwise.NeuralNetClassifier if task == "classification" else layerwise.NeuralNetRegressor


def model_bytes(session: Session) -> bytes:
    """The session's current network as a layerwise model file (bytes)."""
    est = estimator_class(session.task)(**{**estimator_params(session.values, 1, session.task), "max_iter": 1})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one epoch: only to set the fitted attributes (classes, shapes)
        est.fit(session.X, session.data.y_train)
    est.params_ = session.params()  # the page's trained weights
    est.n_iter_ = session.epoch
    with tempfile.TemporaryDirectory(prefix="layerwise-playground-") as folder:
        path = os.path.join(folder, "model.safetensors")
        layerwise.save(est, path)
        with open(path, "rb") as f:
            return f.read()


def snippet(session: Session) -> str:
    """Python source that retrains the page's run with the estimator (same data, seed, epochs)."""
    v, kind = session.values, estimator_class(session.task).__name__
    args = ",\n    ".join(f"{k}={r!r}" for k, r in estimator_params(v, session.epoch, session.task).items())
    data = (
        "# the uploaded CSV: put its two feature columns in P (m, 2) and its labels in y, then\n"
        "# X = features(P, FEATURES) with `from layerwise.playground.data import features`\n"
        if v["dataset"] == "csv"
        else ""
    )
    return f'''"""The playground's run as a script: {v["dataset"]}, layers {list(v["hidden"])}, {session.epoch} epochs."""
import warnings
from layerwise import {kind}
from layerwise.playground import make_dataset

FEATURES = {list(v["features"])!r}
{data}data = make_dataset({v["dataset"]!r}, points={v["points"]}, noise={v["noise"]!r}, train_ratio={v["train_ratio"]!r},
                    data_seed={v["data_seed"]}, features_=FEATURES)
model = {kind}(
    {args},
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # a ConvergenceWarning: the page stops when you press pause
    model.fit(data.X_train, data.y_train)
print("train loss", model.loss_curve_[-1], "score", model.score(data.X_train, data.y_train))
if len(data.y_test):
    print("test score", model.score(data.X_test, data.y_test))
'''

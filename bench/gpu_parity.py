"""The GPU check's parity section: the estimators trained on NumPy and on CuPy (CUDA graphs on, then off)
agree to 1e-12 in float64, for several activations, solvers and outputs.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from bench.gpu_results import RESULTS, TARGETS, section


def _rel(a: Any, b: Any) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-300))


PARITY_CASES: list[
    tuple[str, str, str, dict[str, Any]]
] = [  # (hidden activation, solver, target, extra estimator parameters)
    ("relu", "adam", "multiclass", {}),
    ("tanh", "sgd", "binary", {}),
    ("sigmoid", "rmsprop", "regression", {}),
    ("leaky_relu", "sgd", "multiclass", {"nesterovs_momentum": False}),
    ("tanh", "gd", "binary", {"max_iter": 20, "learning_rate": 0.1}),
    ("relu", "adam", "regression", {"learning_rate_schedule": "invscaling", "learning_rate": 0.01}),
    ("sigmoid", "adam", "multilabel", {}),
    ("relu", "sgd", "multiclass", {"sample_weight": True}),  # weights: the ordinary loop on the GPU
    ("tanh", "lbfgs", "regression", {"max_iter": 10}),
]


def _parity_data(target: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = rng.standard_normal((200, 7))
    if target == "binary":
        return X, (X[:, 0] + 0.3 * X[:, 1] > 0).astype(int)
    if target == "multiclass":
        return X, np.argmax(X[:, :4], axis=1)
    if target == "multilabel":
        return X, (X[:, :3] > 0).astype(int)
    return X, np.c_[X[:, 0] - X[:, 1], X[:, 2] * X[:, 3]]


@section("parity (NumPy vs CuPy, float64, 20 steps)")
def parity() -> None:
    """NumPy against CuPy, graphs on and off: the largest relative error of parameters and costs."""
    from layerwise.engine.cuda import GraphCaptureWarning
    from layerwise.estimators import NeuralNetClassifier, NeuralNetRegressor

    worst = 0.0
    for graphs in ("1", "0"):
        os.environ["LAYERWISE_CUDA_GRAPHS"] = graphs
        for act, solver, target, extra in PARITY_CASES:
            extra = dict(extra)
            rng = np.random.default_rng(0)
            X, y = _parity_data(target, rng)
            sw = rng.uniform(0.5, 2.0, len(X)) if extra.pop("sample_weight", False) else None
            cls = NeuralNetRegressor if target == "regression" else NeuralNetClassifier
            params = {
                **dict(
                    hidden_layer_sizes=(16, 12),
                    activation=act,
                    solver=solver,
                    batch_size=50,
                    max_iter=5,
                    random_state=1,
                    learning_rate=0.01,
                    n_iter_no_change=100,
                ),
                **extra,
            }
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                warnings.simplefilter("error", GraphCaptureWarning)
                cpu = cls(**params).fit(X, y, sample_weight=sw)
                gpu = cls(device="cuda", **params).fit(X, y, sample_weight=sw)
            err_p = max(max(_rel(g.W.get(), c.W), _rel(g.b.get(), c.b)) for g, c in zip(gpu.params_, cpu.params_))
            err_c = _rel(gpu.loss_curve_, cpu.loss_curve_)
            worst = max(worst, err_p, err_c)
            ok = max(err_p, err_c) <= TARGETS["parity"]
            print(
                f"graphs={graphs} {act:>10} {solver:>7} {target:>10}: params {err_p:.1e}  costs {err_c:.1e}  "
                f"{'PASS' if ok else 'FAIL'}",
                flush=True,
            )
    os.environ.pop("LAYERWISE_CUDA_GRAPHS", None)
    RESULTS["parity_max_rel_err"] = worst
    RESULTS["rows"].append(
        {
            "what": "parity NumPy vs CuPy, float64, 20 steps (max rel. error)",
            "ours": worst,
            "torch": None,
            "ratio": None,
            "target": "<= 1e-12",
            "pass": worst <= TARGETS["parity"],
        }
    )


__all__ = ["PARITY_CASES", "parity"]

"""One epoch of minibatch training: layerwise vs PyTorch eager vs scikit-learn's MLPClassifier.

Cases
- ``mlp``:  784-256-256-10 (ReLU, softmax), batch 256, 60,000 float32 examples, SGD and Adam.
- ``wide``: 784-2048-2048-10, batch 1024, 16,384 float32 examples, SGD; its GFLOP/s are compared
  with a float32 2048^3 product timed in the same rounds.
Data are synthetic and learnable (labels of a random teacher network, ``common.teacher_data``).
"""
from __future__ import annotations

import numpy as np

from . import layerwise_side, sklearn_side, torch_side
from .common import Row, epoch_flop, interleaved, median, teacher_data
from .peak import matmul_contender

LEARNING_RATES = {"sgd": 0.01, "adam": 0.001}


IMPLS = ("layerwise", "pytorch", "sklearn", "layerwise fit")


def contenders(X, y, dims, solver, batch_size, impls=IMPLS, info=None):
    """{impl: callable running one epoch} for the chosen implementations, all from the same init."""
    params = layerwise_side.init_params(dims, seed=1, dtype=X.dtype)
    lr = LEARNING_RATES[solver]
    make = {
        "layerwise": lambda: layerwise_side.mlp_epoch(X, y, params, solver, lr, batch_size),
        "pytorch": lambda: torch_side.mlp_epoch(X, y, params, solver, lr, batch_size),
        "sklearn": lambda: sklearn_side.mlp_epoch(X, y, dims[1:-1], solver, lr, batch_size, info=info),
        "layerwise fit": lambda: layerwise_side.estimator_epoch(X, y, dims[1:-1], solver, lr, batch_size),
    }
    return {impl: make[impl]() for impl in impls}


def run_mlp(quick=False, repeats=5):
    m, dims, batch = (1024, [784, 32, 32, 10], 256) if quick else (60_000, [784, 256, 256, 10], 256)
    X, y = teacher_data(m, dims[0], dims[-1])
    rows = []
    for solver in ("sgd", "adam"):
        info = {}
        times = interleaved(contenders(X, y, dims, solver, batch, info=info), repeats=repeats)
        name = f"{'-'.join(map(str, dims))} {solver} b{batch}"
        for impl, ts in times.items():
            note = {"sklearn": f"MLPClassifier.fit, max_iter=1; weights {info.get('dtype')}",
                    "layerwise": layerwise_side.IMPLEMENTATION,
                    "layerwise fit": "NeuralNetClassifier.fit, max_iter=1"}.get(impl, "")
            rows.append(Row(f"mlp-{solver}", name, impl, median(ts), ts, examples=m, flop=epoch_flop(dims, m, batch),
                            peak_key="f32", note=note))
    return rows


def run_wide(quick=False, repeats=5, with_sklearn=True):
    m, dims, batch, n = (1024, [784, 256, 256, 10], 256, 256) if quick else (16_384, [784, 2048, 2048, 10], 1024, 2048)
    X, y = teacher_data(m, dims[0], dims[-1])
    c = contenders(X, y, dims, "sgd", batch, impls=IMPLS[:3] if with_sklearn else IMPLS[:2])
    c["matmul peak"] = matmul_contender(n, np.float32)
    times = interleaved(c, repeats=repeats)
    name = f"{'-'.join(map(str, dims))} sgd b{batch}"
    rows = []
    for impl, ts in times.items():
        if impl == "matmul peak":
            rows.append(Row("wide-peak", f"matmul {n}^3 f32 (interleaved with {name})", "numpy", median(ts), ts,
                            flop=2.0 * n**3, peak_key="f32"))
        else:
            note = layerwise_side.IMPLEMENTATION if impl == "layerwise" else ""
            rows.append(Row("wide", name, impl, median(ts), ts, examples=m, flop=epoch_flop(dims, m, batch),
                            peak_key="f32", note=note))
    return rows

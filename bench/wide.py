"""A wide network in-process: 784-2048-2048-10, batch 1024, 16,384 float32 rows, SGD, through the
engine's loop (``engine.run_epoch``) and PyTorch eager, with a float32 2048^3 product timed in the same
rounds; the target is the engine's GFLOP/s >= 75% of that product's (products big enough to reach it).
"""

from __future__ import annotations

import numpy as np

from . import layerwise_side, torch_side
from .common import Row, epoch_flop, interleaved, median, teacher_data, timing_rows
from .peak import matmul_contender
from .rows import at_least

LEARNING_RATE = 0.01


def measure(quick=False, repeats=5):
    m, dims, batch, n = (1024, [784, 256, 256, 10], 256, 256) if quick else (16_384, [784, 2048, 2048, 10], 1024, 2048)
    X, y = teacher_data(m, dims[0], dims[-1])
    params = layerwise_side.init_params(dims, seed=1, dtype=X.dtype)
    c = {
        "layerwise": layerwise_side.engine_epoch(X, y, params, "sgd", LEARNING_RATE, batch),
        "pytorch": torch_side.mlp_epoch(X, y, params, "sgd", LEARNING_RATE, batch),
        "matmul peak": matmul_contender(n, np.float32),
    }
    times = interleaved(c, repeats=repeats)
    name = f"{'-'.join(map(str, dims))} sgd b{batch}"
    rows = []
    for impl, ts in times.items():
        if impl == "matmul peak":
            rows.append(Row("wide-peak", f"matmul {n}^3 f32", "numpy", median(ts), ts, flop=2.0 * n**3))
        else:
            rows.append(
                Row(
                    "wide",
                    name,
                    impl,
                    median(ts),
                    ts,
                    examples=m,
                    flop=epoch_flop(dims, m, batch),
                    note="engine.run_epoch" if impl == "layerwise" else "",
                )
            )
    return rows


def run(quick=False, repeats=5):
    rows = measure(quick, repeats)
    ours = next(r for r in rows if r.key == "wide" and r.impl == "layerwise")
    peak = next(r for r in rows if r.key == "wide-peak")
    name = f"wide {ours.case.split()[0]}: engine GFLOP/s / f32 GEMM peak of the same rounds"
    return timing_rows(rows) + [
        at_least(
            name, 100 * ours.gflops / peak.gflops, 75, unit="%", note=f"{ours.gflops:.0f} of {peak.gflops:.0f} GFLOP/s"
        )
    ]

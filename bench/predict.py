"""Prediction through what users call, layerwise against scikit-learn's MLP, each in fresh processes.

A 784-256-256-10 model is trained one epoch on 4,096 rows, then in the same process
``predict_proba`` on 10,000 rows is timed (median of 5 after a warm-up) and ``predict`` on one row
(the call a service makes, with its input validation; median of ``SINGLES`` calls). The engine's
forward pass (``engine.predict_forward``, no input validation) is timed beside them as a diagnostic. Targets:
predict_proba <= 0.5x scikit-learn's, one-row latency <= 1.0x scikit-learn's.
"""

from __future__ import annotations

import os
import sys

from . import fresh
from .rows import at_most, row

DIMS = [784, 256, 256, 10]
SINGLES = 300
IMPLS = ("layerwise", "sklearn", "layerwise-engine")  # the last: engine.predict_forward, a diagnostic


def run(quick=False, repeats=5, threads=None):
    threads = threads or os.cpu_count()
    dims = [784, 64, 64, 10] if quick else DIMS
    jobs = {
        impl: {
            "kind": "predict",
            "impl": impl,
            "dims": dims,
            "m_train": 1024 if quick else 4096,
            "m_test": 1000 if quick else 10_000,
            "singles": 30 if quick else SINGLES,
        }
        for impl in IMPLS
    }
    res = fresh.rounds(jobs, repeats, threads, log=lambda s: print(f"[predict] {s}", file=sys.stderr, flush=True))
    rows, med = [], {}
    for impl in IMPLS:
        for key, what, unit, scale in (
            ("seconds", f"predict_proba {jobs[impl]['m_test']} rows", "ms", 1e3),
            ("one_row_seconds", "predict one row", "us", 1e6),
        ):
            s = fresh.field(res[impl], key)
            med[impl, key] = s and s["median"]
            scaled = s and {k: (v * scale if k != "runs" else [x * scale for x in v]) for k, v in s.items()}
            rows.append(
                row(
                    f"{what}: {impl}",
                    scaled and scaled["median"],
                    unit,
                    **(scaled or {}),
                    errors=fresh.errors(res[impl]),
                )
            )
    for key, what, limit in (
        ("seconds", "predict_proba 10,000 rows", 0.5),
        ("one_row_seconds", "predict one row", 1.0),
    ):
        ours, theirs = med["layerwise", key], med["sklearn", key]
        rows.append(
            at_most(
                f"{what}: layerwise / scikit-learn",
                ours / theirs if ours and theirs else None,
                limit,
                note="median / median, fresh processes",
            )
        )
    return rows

"""The issue's targets, one entry each: a name and a check over the annotated rows.

A check returns (value, passed) or None when the rows it needs were not run (``--only``).
"""
from __future__ import annotations

from typing import Callable, NamedTuple


class Target(NamedTuple):
    name: str
    check: Callable  # rows -> (value: str, passed: bool) | None


def _row(rows, key, impl):
    return next((r for r in rows if r.key == key and r.impl == impl), None)


def _ratio(key, other, limit):
    def check(rows):
        r = _row(rows, key, "layerwise")
        ratio = r and r.extra.get(f"x_{other}")
        if ratio is None:
            return None
        return f"{ratio:.2f}x", ratio <= limit

    return check


def _wide(rows):
    r = _row(rows, "wide", "layerwise")
    if r is None or r.extra.get("frac_peak") is None:
        return None
    return f"{100 * r.extra['frac_peak']:.0f}% of {r.extra['peak_gflops']:.0f} GFLOP/s", r.extra["frac_peak"] >= 0.75


def _vectorized(rows):
    slow, fast = _row(rows, "vec", "double loop"), _row(rows, "vec", "vectorized")
    if slow is None or fast is None:
        return None
    speedup = slow.seconds / fast.seconds
    return f"{speedup:.0f}x faster", speedup >= 300


def _memory(rows):
    r = _row(rows, "memory", "layerwise")
    if r is None:
        return None
    e = r.extra
    own = e["peak_mb"] - e["baseline_mb"]
    return (f"{own:.0f} MB above imports (peak {e['peak_mb']:.0f} MB, imports {e['baseline_mb']:.0f} MB) "
            f"vs data {e['data_mb']:.0f} + 100 MB"), own <= e["data_mb"] + 100


TARGETS = [
    Target("784-256-256-10 SGD epoch <= 0.80x PyTorch", _ratio("mlp-sgd", "pytorch", 0.80)),
    Target("784-256-256-10 SGD epoch <= 0.65x scikit-learn", _ratio("mlp-sgd", "sklearn", 0.65)),
    Target("784-256-256-10 Adam epoch <= 0.80x PyTorch", _ratio("mlp-adam", "pytorch", 0.80)),
    Target("784-256-256-10 Adam epoch <= 0.65x scikit-learn", _ratio("mlp-adam", "sklearn", 0.65)),
    Target("784-2048-2048-10 epoch >= 75% of measured f32 peak", _wide),
    Target("course deep model f64 <= 1.0x PyTorch", _ratio("deep-f64", "pytorch", 1.0)),
    Target("course deep model f32 <= 1.0x PyTorch", _ratio("deep-f32", "pytorch", 1.0)),
    Target("vectorized logistic step >= 300x faster than the double loop", _vectorized),
    Target("peak RSS of a 784-256-256-10 epoch <= data + 100 MB", _memory),
]


def evaluate(rows):
    """[{"target", "value", "status": "PASS" | "FAIL" | "not run"}] for every target."""
    out = []
    for t in TARGETS:
        res = t.check(rows)
        if res is None:
            out.append({"target": t.name, "value": "", "status": "not run"})
        else:
            out.append({"target": t.name, "value": res[0], "status": "PASS" if res[1] else "FAIL"})
    return out

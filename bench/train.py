"""Training through what users call, each contender in fresh processes: the issue's speed and memory targets.

784-256-256-10 (ReLU, softmax), batch 256, ``EPOCHS`` epochs over 60,000 teacher-labelled rows, SGD
(momentum 0) and Adam, float32 and float64. Contenders: layerwise ``NeuralNetClassifier.fit``, PyTorch
eager, scikit-learn ``MLPClassifier.fit``, JAX as a jit step and as a jit ``lax.scan`` epoch (float32;
compile time apart), and the engine's own loop (``engine.run_epoch``, a diagnostic). The float GEMM
peak (2048^3 through NumPy) is timed in fresh processes in the same rounds; the fraction of it that
``fit`` reaches counts the products actually executed (``common.epoch_flop``), none of the elementwise work.

Each process also reports the CPU time of its timed call (all its threads): on a busy shared machine
the ratio of CPU times is a steadier diagnostic than wall time, which depends on the share of the cores
a process happened to get.

Targets (issue 27, float32): fit at most 0.95x JAX's ``lax.scan`` epoch, 0.90x PyTorch eager and 0.55x
scikit-learn, with SGD and with Adam; at least 80 % of the products-only floor (the time the step's
products alone take at NumPy's own rate on them, measured in the same rounds, over fit's time). Float64
ratios and the fraction of the GEMM peak are diagnostics.

Memory: every process reports its peak resident set and its resident set after its library's imports;
the SGD float32 processes give the side-by-side table, and the targets: layerwise's peak RSS for the job
at most PyTorch's and at most scikit-learn's on the same job.
"""

from __future__ import annotations

import os
import sys

from . import fresh
from .common import epoch_flop
from .rows import at_least, at_most, row

DIMS = [784, 256, 256, 10]
BATCH = 256
EPOCHS = 2
LEARNING_RATES = {"sgd": 0.01, "adam": 0.001}
F32_IMPLS = ("layerwise", "pytorch", "sklearn", "jax-scan", "jax-step", "layerwise-engine")
F64_IMPLS = ("layerwise", "pytorch", "sklearn")
LIMITS = {"jax-scan": 0.95, "pytorch": 0.90, "sklearn": 0.55}  # layerwise fit / contender (float32; issue 27)
FLOOR_FRACTION = 0.80  # the products-only floor's time / fit's time
PRODUCT_IMPLS = {"numpy": "NumPy's BLAS (OpenBLAS), what layerwise runs on", "pytorch": "PyTorch's BLAS (MKL)"}
NAMES = {
    "layerwise": "layerwise fit",
    "pytorch": "PyTorch eager",
    "sklearn": "scikit-learn fit",
    "jax-scan": "JAX jit lax.scan epoch",
    "jax-step": "JAX jit step",
    "layerwise-engine": "engine.run_epoch",
}


def jobs(quick=False, epochs=EPOCHS):
    m, dims = (2048, [784, 64, 64, 10]) if quick else (60_000, DIMS)
    out = {}
    for dtype, impls in (("float32", F32_IMPLS), ("float64", F64_IMPLS)):
        for solver in ("sgd", "adam"):
            for impl in impls:
                out[(dtype, solver, impl)] = {
                    "kind": "fit",
                    "impl": impl,
                    "solver": solver,
                    "dtype": dtype,
                    "m": m,
                    "dims": dims,
                    "batch": BATCH,
                    "epochs": epochs,
                    "lr": LEARNING_RATES[solver],
                }
        out[(dtype, "peak")] = {"kind": "peak", "dtype": dtype, "n": 256 if quick else 2048}
        for impl in PRODUCT_IMPLS:
            out[(dtype, "products", impl)] = {
                "kind": "products",
                "impl": impl,
                "dtype": dtype,
                "dims": dims,
                "batch": BATCH,
            }
    return out


def run(quick=False, repeats=5, threads=None, epochs=None):
    threads = threads or os.cpu_count()
    epochs = epochs or (1 if quick else EPOCHS)
    js = jobs(quick, epochs)
    named = {"/".join(k): j for k, j in js.items()}
    res = fresh.rounds(named, repeats, threads, log=lambda s: print(f"[train] {s}", file=sys.stderr, flush=True))
    return rows_from({k: res["/".join(k)] for k in js}, js, threads)


def rows_from(results, js, threads):
    """The section's rows from {job key: [round results]}: diagnostics, then the targets."""
    rows = []
    peaks = {}
    for dtype in ("float32", "float64"):
        s = fresh.field(results.get((dtype, "peak"), []), "gflops")
        peaks[dtype] = s and s["median"]
        rows.append(
            row(
                f"GEMM peak {dtype} (NumPy 2048^3, fresh processes)",
                peaks[dtype],
                "GFLOP/s",
                **(s or {}),
                errors=fresh.errors(results.get((dtype, "peak"), [])),
            )
        )
    products = {}
    for dtype in ("float32", "float64"):
        for impl, what in PRODUCT_IMPLS.items():
            res = results.get((dtype, "products", impl), [])
            s = fresh.field(res, "gflops")
            products[(dtype, impl)] = s and s["median"]
            rows.append(
                row(
                    f"products of one step {dtype} alone: {what}",
                    products[(dtype, impl)],
                    "GFLOP/s",
                    **(s or {}),
                    errors=fresh.errors(res),
                    note="the step's 8 products, batch 256",
                )
            )
    for key, job in js.items():
        if job["kind"] != "fit":
            continue
        dtype, solver, impl = key
        s = fresh.field(results[key])
        flop = epoch_flop(job["dims"], job["m"], job["batch"]) * job["epochs"]
        detail = dict(
            s or {},
            errors=fresh.errors(results[key]),
            threads=threads,
            epochs=job["epochs"],
            gflops=s and flop / s["median"] / 1e9,
        )
        cpu = fresh.field(results[key], "cpu_seconds")
        if cpu:
            detail["cpu_seconds"] = cpu["median"]  # all threads' CPU time: steadier than wall time when busy
        c = fresh.field(results[key], "compile_seconds")
        if c:
            detail["compile_seconds"] = c["median"]
            detail["note"] = f"compile {c['median']:.2f} s apart"
        rows.append(row(f"{solver} {dtype}: {NAMES[impl]}, {job['epochs']} epochs", s and s["median"], "s", **detail))
    for dtype in ("float32", "float64"):
        for solver in ("sgd", "adam"):
            rows += _targets(results, js, dtype, solver, peaks[dtype], products[(dtype, "numpy")])
    rows += _memory(results, js)
    return rows


def _median(results, key):
    s = fresh.field(results.get(key, []))
    return s and s["median"]


def _targets(results, js, dtype, solver, peak, products=None):
    ours = _median(results, (dtype, solver, "layerwise"))
    rows = []
    for other, limit in LIMITS.items():
        if (dtype, solver, other) not in js:
            continue
        theirs = _median(results, (dtype, solver, other))
        ratio = ours / theirs if ours and theirs else None
        name, note = f"fit {solver} {dtype}: layerwise / {NAMES[other]}", "median / median, fresh processes"
        if dtype == "float32":
            rows.append(at_most(name, ratio, limit, note=note))
        else:  # float64 on this network: a diagnostic (the course's deep network is the float64 target)
            rows.append(row(name, ratio, "x", note="diagnostic: " + note))
        cpu = [fresh.field(results.get((dtype, solver, impl), []), "cpu_seconds") for impl in ("layerwise", other)]
        if all(cpu):
            rows.append(
                row(
                    f"fit {solver} {dtype}: layerwise / {NAMES[other]}, CPU seconds",
                    cpu[0]["median"] / cpu[1]["median"],
                    "x",
                    note="diagnostic: process CPU time of the timed call, median / median",
                )
            )
    job = js[(dtype, solver, "layerwise")]
    flop = epoch_flop(job["dims"], job["m"], job["batch"]) * job["epochs"]
    frac = flop / ours / 1e9 / peak if ours and peak else None
    rows.append(
        row(
            f"fit {solver} {dtype}: layerwise GFLOP/s / GEMM peak",
            frac and 100 * frac,
            "%",
            note=f"diagnostic: peak {peak:.0f} GFLOP/s" if peak else "diagnostic: no peak measured",
        )
    )
    # the products-only floor: the time the step's products alone take at NumPy's rate on them, over fit's
    floor = 100 * flop / ours / 1e9 / products if ours and products else None
    name = f"fit {solver} {dtype}: products-only floor / layerwise fit"
    note = "the share of fit's time the products take at their own rate"
    rows.append(
        at_least(name, floor, 100 * FLOOR_FRACTION, unit="%", note=note)
        if dtype == "float32"
        else row(name, floor, "%", note="diagnostic: " + note)
    )
    return rows


def _memory(results, js):
    rows, peaks = [], {}
    for impl in F32_IMPLS:
        ok = _ok(results, ("float32", "sgd", impl))
        if not ok:
            continue
        peak, base = max(r["peak_mb"] for r in ok), max(r["rss_imports_mb"] for r in ok)
        peaks[impl] = peak
        rows.append(
            row(
                f"memory sgd float32: {NAMES[impl]} peak RSS",
                peak,
                "MB",
                imports_mb=base,
                above_imports_mb=peak - base,
                data_mb=ok[0]["data_mb"],
                note=f"{peak - base:.0f} MB above its imports ({base:.0f} MB); data {ok[0]['data_mb']:.0f} MB",
            )
        )
    for other in ("pytorch", "sklearn"):
        ours, theirs = peaks.get("layerwise"), peaks.get(other)
        rows.append(
            at_most(
                f"memory sgd float32: layerwise peak RSS / {NAMES[other]}'s",
                ours / theirs if ours and theirs else None,
                1.0,
                note=f"{ours:.0f} MB / {theirs:.0f} MB, whole processes" if ours and theirs else "",
            )
        )
    return rows


def _ok(results, key):
    return [r for r in results.get(key, []) if "error" not in r]

"""Search speed-up: the same trials on an embedded Dask cluster (2 single-threaded workers) against one
after another in this process.

    python -m bench.search_speedup [--trials 16] [--repeats 3]

Prints a table and writes bench/results/search.json. The target is Dask time <= 0.65 x sequential.
The runs are interleaved (sequential, Dask, sequential, ...) and the medians compared, since the
development machines are shared and noisy. The sequential baseline runs every trial through the same
``run_trial`` as the workers, with NumPy's default BLAS threads (what a plain loop would get); a second
baseline caps BLAS at one thread, to show how much of the gain is from running trials side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification

from layerwise.estimators import NeuralNetClassifier
from layerwise.search import make_folds, parse_space, search
from layerwise.search.cluster import connect
from layerwise.search.samplers import make_sampler
from layerwise.search.space import to_estimator
from layerwise.search.trial import run_trial

SPACE = {
    "learning_rate": {"loguniform": [1e-3, 3e-2]},
    "hidden_layer_sizes": {"choice": [[32], [64], [32, 32]]},
    "alpha": {"loguniform": [1e-5, 1e-2]},
}


def _problem(seed):
    X, y = make_classification(n_samples=3000, n_features=20, n_informative=10, random_state=seed)
    estimator = NeuralNetClassifier(max_iter=150, batch_size=64, random_state=seed)
    return X, y, estimator


def _trial_params(n_trials, seed):
    sampler = make_sampler("random", parse_space(SPACE), n_trials, seed)
    out = []
    while (p := sampler.ask()) is not None:
        out.append({k: to_estimator(v) for k, v in p.params.items()})
    return out


def _sequential(estimator, params, X, y, folds, blas_threads):
    """(wall s, CPU s of this process, scores)"""
    start, cpu = time.perf_counter(), time.process_time()
    scores = [np.mean(run_trial(estimator, p, X, y, folds, blas_threads=blas_threads)["scores"]) for p in params]
    return time.perf_counter() - start, time.process_time() - cpu, scores


def _dask(client, estimator, X, y, n_trials, seed):
    """(wall s, CPU s of the workers, scores)"""
    cpu = client.run(time.process_time)
    start = time.perf_counter()
    result = search(
        estimator, SPACE, X, y, n_trials=n_trials, random_state=seed, client=client, progress=False, refit=False
    )
    wall = time.perf_counter() - start
    cpu = sum(t - cpu[w] for w, t in client.run(time.process_time).items())
    return wall, cpu, [r["score"] for r in sorted(result.rows, key=lambda r: r["number"])]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    # the networks stop at max_iter on purpose: keep their ConvergenceWarnings out of the table
    os.environ["PYTHONWARNINGS"] = "ignore::UserWarning"  # inherited by the worker processes
    warnings.simplefilter("ignore", UserWarning)
    X, y, estimator = _problem(args.seed)
    folds = make_folds(estimator, X, y, None, 0.2, args.seed)
    params = _trial_params(args.trials, args.seed)
    times = {"sequential": [], "sequential_1_blas_thread": [], "dask": []}
    cpu = {k: [] for k in times}
    load_before = os.getloadavg()
    start = time.perf_counter()
    with connect(n_workers=args.workers) as client:
        startup = time.perf_counter() - start
        for _ in range(args.repeats):  # interleaved
            for name, (wall, seconds, scores) in (
                ("sequential", _sequential(estimator, params, X, y, folds, None)),
                ("sequential_1_blas_thread", _sequential(estimator, params, X, y, folds, 1)),
                ("dask", _dask(client, estimator, X, y, args.trials, args.seed)),
            ):
                times[name].append(wall)
                cpu[name].append(seconds)
                if name == "sequential":
                    s_seq = scores
                elif name == "dask":
                    s_dask = scores
    med = {k: statistics.median(v) for k, v in times.items()}
    ratio = med["dask"] / med["sequential"]
    report = {
        "trials": args.trials,
        "repeats": args.repeats,
        "workers": args.workers,
        "cpu_count": os.cpu_count(),
        "problem": "make_classification 3000 x 20, NeuralNetClassifier max_iter=150 batch_size=64, holdout 0.2",
        "space": SPACE,
        "seconds": times,
        "cpu_seconds": cpu,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "median_seconds": med,
        "cluster_startup_seconds": startup,
        "dask_over_sequential": ratio,
        "dask_with_startup_over_sequential": (med["dask"] + startup) / med["sequential"],
        "dask_over_sequential_1_blas_thread": med["dask"] / med["sequential_1_blas_thread"],
        "target": 0.65,
        "meets_target": ratio <= 0.65,
        "max_score_difference": float(np.max(np.abs(np.array(s_seq) - np.array(s_dask)))),
        "machine": platform.platform(),
        "python": platform.python_version(),
    }
    print(f"{args.trials} trials, {args.workers} Dask workers, {os.cpu_count()} cores, median of {args.repeats}")
    print(f"load average before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f} (other users' work)")
    print(f"{'run':<34}{'median s':>10}{'ratio':>8}{'CPU s':>8}")
    for k in times:
        print(f"{k:<34}{med[k]:>10.2f}{med[k] / med['sequential']:>8.2f}{statistics.median(cpu[k]):>8.2f}")
    print(
        f"{'dask + cluster startup':<34}{med['dask'] + startup:>10.2f}"
        f"{report['dask_with_startup_over_sequential']:>8.2f}"
    )
    print(
        f"Dask / sequential = {ratio:.2f} (target <= 0.65: {'met' if ratio <= 0.65 else 'NOT met'}); "
        f"largest score difference between the runs {report['max_score_difference']:.2g}"
    )
    out = Path(__file__).resolve().parent / "results" / "search.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2) + "\n")
    os.replace(tmp, out)
    print(f"wrote {out}")
    return report


def run(quick=False, repeats=5):
    """The section's rows: Dask / sequential without and with the cluster's start-up, target <= 0.65 each."""
    from .rows import at_most, row

    rep = main(["--trials", "2", "--repeats", "1"] if quick else ["--repeats", str(max(repeats, 1))])
    med = rep["median_seconds"]
    note = f"{rep['trials']} trials, {rep['workers']} workers, median of {rep['repeats']}"
    return [
        row("search: sequential trials", med["sequential"], "s", runs=rep["seconds"]["sequential"]),
        row("search: Dask trials (cluster already up)", med["dask"], "s", runs=rep["seconds"]["dask"]),
        row("search: Dask cluster start-up", rep["cluster_startup_seconds"], "s"),
        at_most("search: Dask / sequential, cluster already up", rep["dask_over_sequential"], 0.65, note=note),
        at_most(
            "search: (Dask + cluster start-up) / sequential", rep["dask_with_startup_over_sequential"], 0.65, note=note
        ),
    ]


if __name__ == "__main__":
    main()

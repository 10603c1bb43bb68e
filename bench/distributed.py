"""Distributed training on this machine: 2 MPI ranks x 1 BLAS thread against one process with 1 and 2 threads.

    python -m bench.distributed [--rows 6000] [--epochs 3] [--repeats 2]

The 784-256-256-10 network (float32, Adam, batches of 200) on synthetic teacher data, each
configuration in fresh processes, rounds interleaved; the figure is the median epoch time (first
epoch dropped: it builds the workspaces). For the ranks it also reports the share of each step spent
inside the allreduce (which includes waiting for the slower rank) and the share a bare allreduce of
the same P + 2 numbers takes (the transfer alone). ``run()`` returns the rows for ``make bench``; the
scaling to clusters is worked out on paper in docs/guide/distributed.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

LAYERS = (784, 256, 256, 10)
MPIEXEC = Path(sys.executable).parent / "mpiexec"
CONFIGS = {"1 process x 1 thread": (0, 1), "1 process x 2 threads": (0, 2), "2 ranks x 1 thread": (2, 1)}


def _worker(rows, epochs):
    """Run inside each process: fit, then print (rank 0) a JSON line with per-epoch and allreduce times."""
    import warnings

    from layerwise import NeuralNetClassifier, distributed
    from layerwise.distributed import training

    from .common import teacher_data

    comm = None
    if distributed.launched():
        from mpi4py import MPI

        comm = MPI.COMM_WORLD
    rank, size = (0, 1) if comm is None else (comm.Get_rank(), comm.Get_size())
    X, y = teacher_data(rows, n_x=LAYERS[0], n_classes=LAYERS[-1])
    start, stop = distributed.row_range(rows, rank, size)
    inside, stamps = [0.0, 0], []
    reduce_for = training.allreduce_sum

    def timed_allreduce(c):
        reduce = reduce_for(c)

        def call(buf):
            t = time.perf_counter()
            reduce(buf)
            inside[0] += time.perf_counter() - t
            inside[1] += 1

        return call

    training.allreduce_sum = timed_allreduce
    train = training.train
    training.train = lambda *a, **k: train(
        *a[:9], lambda s, f=a[9]: (f(s), stamps.append(time.perf_counter())), *a[10:], **k
    )
    est = NeuralNetClassifier(
        hidden_layer_sizes=LAYERS[1:-1], batch_size=200, max_iter=epochs, tol=0, random_state=0, alpha=1e-4
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        distributed.fit(est, X[start:stop], y[start:stop], comm=comm)
    times = np.diff([t0, *stamps])[1:]  # the first epoch builds the workspaces
    bare = 0.0
    if comm is not None:
        buf = np.zeros(sum(a * b + b for a, b in itertools.pairwise(LAYERS)) + 2, np.float32)
        reduce = reduce_for(comm)
        comm.Barrier()
        t = time.perf_counter()
        for _ in range(50):
            reduce(buf)
        bare = (time.perf_counter() - t) / 50
    steps = inside[1] / epochs if inside[1] else 0
    if rank == 0:
        print(
            json.dumps(
                {
                    "epoch_s": float(np.median(times)),
                    "allreduce_s_per_epoch": inside[0] / epochs,
                    "steps_per_epoch": steps,
                    "bare_allreduce_s": bare,
                }
            )
        )


def _launch(ranks, threads, rows, epochs):
    env = {
        **os.environ,
        "OMP_NUM_THREADS": str(threads),
        "OPENBLAS_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
    }
    cmd = [sys.executable, "-m", "bench.distributed", "--worker", "--rows", str(rows), "--epochs", str(epochs)]
    if ranks:
        cmd = [str(MPIEXEC), "-n", str(ranks), *cmd]
    out = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=900, cwd=Path(__file__).resolve().parent.parent
    )
    if out.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(rows=6000, epochs=3, repeats=2):
    """{config: [result per repeat]}, rounds interleaved."""
    results = {name: [] for name in CONFIGS}
    for _ in range(repeats):
        for name, (ranks, threads) in CONFIGS.items():
            results[name].append(_launch(ranks, threads, rows, epochs))
    return results


def run(rows=6000, epochs=3, repeats=2):
    """Rows for the bench report: name, figure, unit, target, status."""
    if not MPIEXEC.exists():
        return [
            {
                "name": "distributed",
                "figure": None,
                "unit": "",
                "target": "mpiexec in the venv",
                "status": "not run (pip install 'layerwise[mpi]')",
            }
        ]
    results = measure(rows, epochs, repeats)
    med = {name: statistics.median(r["epoch_s"] for r in rs) for name, rs in results.items()}
    out = [
        {
            "name": f"epoch 784-256-256-10, {name}",
            "figure": round(t, 4),
            "unit": "s",
            "target": "report",
            "status": "info",
        }
        for name, t in med.items()
    ]
    ranks = results["2 ranks x 1 thread"]
    share = statistics.median(r["allreduce_s_per_epoch"] / r["epoch_s"] for r in ranks)
    bare = statistics.median(r["bare_allreduce_s"] * r["steps_per_epoch"] / r["epoch_s"] for r in ranks)
    speedup = med["1 process x 1 thread"] / med["2 ranks x 1 thread"]
    out += [
        {
            "name": "2 ranks x 1 thread: speed-up over 1 process x 1 thread",
            "figure": round(speedup, 2),
            "unit": "x",
            "target": "report",
            "status": "info",
        },
        {
            "name": "2 ranks: share of each step inside the allreduce (with waiting)",
            "figure": round(share, 3),
            "unit": "fraction",
            "target": "report",
            "status": "info",
        },
        {
            "name": "2 ranks: share of a bare allreduce of P + 2 floats",
            "figure": round(bare, 4),
            "unit": "fraction",
            "target": "report",
            "status": "info",
        },
    ]
    return out


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.distributed", description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=6000)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        return _worker(args.rows, args.epochs)
    for row in run(args.rows, args.epochs, args.repeats):
        print(f"{row['name']:<66} {row['figure']!s:>8} {row['unit']}")


if __name__ == "__main__":
    sys.exit(main())

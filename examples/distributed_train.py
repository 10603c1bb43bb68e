"""Data-parallel training on MPI: every process fits on its own rows, and all end with the same model.

    mpiexec -n 2 python examples/distributed_train.py [--out model.safetensors] [--epochs 30] [--quick]

(``pip install 'layerwise[mpi]'`` brings mpi4py and MPICH's ``mpiexec``; without mpiexec the script
runs as one process and gives the same model.) Each process takes only its contiguous share of the
handwritten digits (8 x 8 pixels, 1,797 images): rows [r m / N, (r + 1) m / N). Scaling statistics come
from all rows (``fit_scaler``), then ``layerwise.distributed.fit`` trains with one allreduce per
minibatch step and writes a checkpoint every 10 epochs beside the model; rerun with ``--resume`` after
a crash and it continues from there. Process 0 prints and saves; the others stay silent.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if str(Path(__file__).resolve().parents[1] / "src") not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import numpy as np
from sklearn.datasets import load_digits

import layerwise
from layerwise import distributed


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="distributed_train.py", description=__doc__.splitlines()[0])
    p.add_argument("--out", default="digits-distributed.safetensors", help="model file (process 0 writes it)")
    p.add_argument("--epochs", type=int, default=None, help="training epochs (default 30; 3 with --quick)")
    p.add_argument("--quick", action="store_true", help="3 epochs: finishes in seconds")
    p.add_argument("--resume", action="store_true", help="continue from the checkpoint beside --out")
    args = p.parse_args(argv)
    epochs = args.epochs if args.epochs is not None else (3 if args.quick else 30)

    comm = None
    if distributed.launched():  # started by mpiexec / srun
        from mpi4py import MPI

        comm = MPI.COMM_WORLD
    rank, size = (0, 1) if comm is None else (comm.Get_rank(), comm.Get_size())

    X, y = load_digits(return_X_y=True)  # a real job would read only its rows: distributed.read_share
    start, stop = distributed.row_range(len(y), rank, size)
    X_mine, y_mine = X[start:stop], y[start:stop]  # this process's share, (m_r, 64)

    scaler = distributed.fit_scaler(comm or distributed.SELF, X_mine, "standard")  # statistics of all rows
    model = layerwise.NeuralNetClassifier(
        hidden_layer_sizes=(64,),
        max_iter=epochs,
        learning_rate=0.003,
        early_stopping=True,
        random_state=0,
        verbose=0,
    )
    distributed.fit(
        model,
        scaler.transform(X_mine),
        y_mine,
        comm=comm,
        checkpoint=distributed.checkpoint_path(args.out),
        checkpoint_every=10,
        resume=args.resume,
    )

    correct = int(np.sum(model.predict(scaler.transform(X_mine)) == y_mine))  # counted where the rows are
    theta = np.concatenate([np.ravel(a) for q in model.params_ for a in (q.W, q.b)])
    everywhere = [(correct, theta)] if comm is None else comm.allgather((correct, theta))
    if rank == 0:
        same = all(np.array_equal(t, theta) for _, t in everywhere)
        accuracy = sum(c for c, _ in everywhere) / len(y)
        print(
            f"Trained on {size} process(es), each holding about {len(y) // size} of the {len(y)} rows; "
            f"{model.n_iter_} epochs, best validation accuracy {model.best_validation_score_:.4f}"
        )
        print(f"The fitted model is {'identical' if same else 'DIFFERENT'} on all {size} process(es)")
        print(f"Training accuracy over all rows: {accuracy:.4f}")
        layerwise.save(model, args.out, preprocessing=scaler)
        print(f"Saved the model to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Data-parallel training on MPI: each process reads its rows, one allreduce per step, checkpoints.

    mpiexec -n 4 python train.py            # each process: fit(model, X_mine, y_mine, comm=MPI.COMM_WORLD)

``fit`` trains an estimator on every process's rows and leaves the same fitted estimator on each;
``read_share`` reads one process's contiguous rows of a .parquet, .npy or .csv file; ``fit_scaler``
fits feature scaling on all rows without moving them; ``checkpoint_path`` names a model's checkpoint.
docs/guide/distributed.md has the launch recipes, the guarantees and the cost model.
"""

from .checkpoint import path_for as checkpoint_path
from .comm import SELF, CollectiveError, LaunchError, abort_unless, launched, quiet_unless_lead, sum_all, world
from .shards import count_rows, read_rows, read_share, row_range
from .stats import fit_scaler, gather_rows, global_score
from .training import fit

__all__ = [
    "fit",
    "read_share",
    "read_rows",
    "count_rows",
    "row_range",
    "fit_scaler",
    "gather_rows",
    "global_score",
    "sum_all",
    "checkpoint_path",
    "world",
    "launched",
    "quiet_unless_lead",
    "LaunchError",
    "CollectiveError",
    "abort_unless",
    "SELF",
]

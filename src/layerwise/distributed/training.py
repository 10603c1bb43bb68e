"""``fit``: train an estimator on the rows of every process, one synchronous step at a time.

Each process passes its own rows; the fitted estimator comes out the same on every process, and the
same as one process fitting all rows in rank order (up to the rounding of regrouped sums). It is the
estimator's own fit (``fit_rows``) with ``MPIRows``, the answers of a communicator to what a fit asks
about all rows (``layerwise.estimators.Rows``), and the engine's two hooks:

- one seeded generator, drawn identically everywhere, gives the initial weights, the validation split
  (over all m rows, stratified on the gathered target) and each epoch's global order;
- row ownership and the allreduce: each global batch is split by row ownership and its gradients summed
  in one allreduce (``layerwise.engine.Shard``); early stopping scores the gathered validation outputs;
- checkpoints: with ``checkpoint`` and ``checkpoint_every=K`` process 0 writes the run's whole state every
  K epochs (``checkpoint.py``); ``resume=True`` continues from it, and the run ends as if never interrupted.

With ``comm=None`` (or one process) this is ``estimator.fit`` itself plus checkpoints.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from .._typing import Array
from ..engine import DivergenceError, Network, Shard
from ..estimators import Rows
from ..estimators.params import check_params
from ..io import write_atomically
from . import checkpoint as ckpt
from .comm import SELF, CollectiveError, abort_unless, agree, allreduce_sum
from .stats import check_same, gather_rows


def fit(
    estimator: Any,
    X: Array,
    y: Any,
    sample_weight: Any = None,
    comm: Any = None,
    checkpoint: Any = None,
    checkpoint_every: int = 0,
    resume: bool = False,
) -> Any:
    """Fit ``estimator`` on this process's rows X (m_r, n_x), y (m_r, ...); returns it, fitted, on every process.

    ``comm``: an mpi4py communicator (``MPI.COMM_WORLD``), or None for one process. Solvers: gd, sgd,
    rmsprop, adam. ``checkpoint``: the checkpoint file (``checkpoint.path_for(model_path)``), written by
    process 0 every ``checkpoint_every`` epochs; ``resume=True`` continues from it when it exists.
    """
    comm = SELF if comm is None else comm
    with abort_unless(comm, ValueError, TypeError):  # (user errors are found on every process alike)
        check_params(estimator)
        if estimator.solver == "lbfgs" or estimator.device != "cpu":
            raise ValueError(
                f"distributed and checkpointed training run minibatch solvers (gd, sgd, rmsprop, adam) on "
                f"NumPy arrays, got solver={estimator.solver!r}, device={estimator.device!r}"
            )
        rows = MPIRows(comm, checkpoint, checkpoint_every, resume)
        return estimator.fit_rows(X, y, sample_weight, rows=rows)


class MPIRows(Rows):
    """A fit's questions about all rows, answered over the communicator ``comm`` (see ``estimators.Rows``)."""

    fresh = True  # a distributed fit starts from freshly drawn weights (or from its checkpoint)

    def __init__(self, comm: Any, checkpoint: Any = None, every: int = 0, resume: bool = False) -> None:
        self.comm, self.rank, self.size = comm, comm.Get_rank(), comm.Get_size()
        self.lead = self.rank == 0
        self.path, self.every, self.resume = checkpoint, every, resume

    def agree(self, error: BaseException | None) -> None:
        agree(self.comm, error)  # one line on every process, from the first failing one

    def bounds(self, X: Any, y: Any) -> list[int]:
        check_same(self.comm, "the features and dtype", (X.shape[1], X.dtype.str, np.ndim(y)))
        bounds: list[int] = np.concatenate(([0], np.cumsum(self.comm.allgather(X.shape[0])))).tolist()
        return bounds

    def gather(self, a: Any) -> Any:
        return gather_rows(self.comm, np.asarray(a))

    def seed(self, random_state: Any) -> Any:
        if random_state is not None:
            return random_state
        drawn = int(np.random.randint(np.iinfo(np.int32).max)) if self.lead else None
        return self.comm.allgather(drawn)[0]  # one seed for all: the same draws on every process

    def hooks(
        self,
        est: Any,
        start: int,
        stop: int,
        m: int,
        rs: np.random.RandomState,
        data: tuple[Any, Any, Any] | None = None,
    ) -> tuple[Any, Any]:
        mask_seed = rs.randint(np.iinfo(np.int32).max) if est.dropout and self.size > 1 else 0  # after the split's
        shard = None
        if self.size > 1:
            shard = Shard(start, stop, m, allreduce_sum(self.comm), lead=self.lead, mask_seed=(mask_seed, self.rank))
        digest = None
        if self.path is not None and data is not None:  # the data as trained on: another scaling is another run
            digest = sum(self.comm.allgather(ckpt.data_digest(*data, start))) % 2**64
        fp = ckpt.fingerprint(est, m, self.size, digest)
        return shard, Checkpoints(self.comm, self.path, self.every, fp, self.resume)

    def training(self) -> AbstractContextManager[Any]:
        return abort_unless(self.comm, DivergenceError, CollectiveError)  # the only errors all see at once


class Checkpoints:
    """The engine's checkpoint hook: process 0 writes the run every ``every`` epochs; ``resume`` reads it back.

    ``after_epoch(state)`` runs after each epoch on every process, before the checkpoint is written.
    """

    def __init__(self, comm: Any, path: Any, every: int, fp: dict[str, Any], resume: bool) -> None:
        self.comm, self.path, self.every, self.fp, self.resuming = comm, path, every, fp, resume

    def after_epoch(self, state: Any) -> None:
        """A seam for tests and tools (counting epochs, say); nothing by default."""

    def resume(self, net: Network, opt: Any, state: Any, rng: np.random.Generator) -> np.ndarray | None:
        """Load the checkpoint on process 0, send it to all, check it belongs to this run, restore; its order."""
        if not (self.resuming and self.path is not None):
            return None
        data, error = None, None
        if self.comm.Get_rank() == 0:
            try:
                data = ckpt.read(self.path)  # None: nothing saved yet, start from the beginning
            except OSError as exc:
                error = exc
        agree(self.comm, error)
        data = self.comm.allgather(data)[0]
        if data is None:
            return None  # (an empty file is an error, raised by decode: never a silent restart)
        try:  # every process checks the same bytes, so each raises the same error at once
            arrays, meta = ckpt.decode(self.path, data)
            ckpt.check(self.path, meta["fingerprint"], self.fp)
            return ckpt.restore(arrays, meta, net, opt, state, rng)
        except ValueError as exc:
            raise CollectiveError(str(exc)) from exc

    def save(self, net: Network, opt: Any, state: Any, rng: np.random.Generator, order: np.ndarray) -> None:
        """Every ``every`` epochs process 0 writes the checkpoint atomically; all processes agree it did."""
        self.after_epoch(state)
        if not self.path or not self.every or state.n_iter % self.every:
            return
        error = None
        if self.comm.Get_rank() == 0:
            try:
                write_atomically(self.path, ckpt.encode(net, opt, state, rng, order, self.fp))
            except OSError as exc:
                error = OSError(f"cannot write the checkpoint {self.path}: {exc}")
        agree(self.comm, error)


__all__ = ["fit", "MPIRows", "Checkpoints"]

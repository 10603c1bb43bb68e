"""The communicator: launch detection, the one-process stand-in, the flat-buffer allreduce, agreeing on errors.

Everything above this module talks to a communicator through four calls, the subset of mpi4py's
``Comm`` it needs: ``Get_rank()``, ``Get_size()``, ``allgather(obj)`` (pickled: a handful of times per
fit, never per step) and ``Allreduce(IN_PLACE, buf, SUM)`` on a NumPy buffer (the step's one message,
through ``allreduce_sum``). ``SELF`` stands in for a single process, so checkpointed single-process
training runs the same code without mpi4py.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from typing import Any

import numpy as np

MPI_EXTRA = "pip install 'layerwise[mpi]'"
# Variables a launcher sets in each process it starts: MPICH/Hydra, Open MPI, PMIx, Slurm's srun.
# mpiexec forwards each process's stderr asynchronously and stops at an abort: without a pause between the
# traceback and MPI_Abort, the traceback was lost once in about 20 runs of the suite on a loaded 2-core machine
ABORT_GRACE = 1.0  # seconds
_LAUNCH_VARS = ("PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "MPI_LOCALRANKID")


class CollectiveError(ValueError):
    """An error every process raises together (``agree`` saw it on one of them): no process is left waiting."""


class LaunchError(ValueError):
    """Distributed training was asked for, but this process was not started by an MPI launcher."""


class _Self:
    """A communicator of one process (rank 0 of 1): the collectives return their input."""

    def Get_rank(self) -> int:
        return 0

    def Get_size(self) -> int:
        return 1

    def allgather(self, obj: Any) -> list[Any]:
        return [obj]

    def Allreduce(self, sendbuf: Any, recvbuf: Any, op: Any = None) -> None:
        return None


SELF = _Self()


def launched() -> bool:
    """True when an MPI launcher (mpiexec, mpirun, srun with PMI) started this process."""
    return any(v in os.environ for v in _LAUNCH_VARS) or (
        "SLURM_PROCID" in os.environ and int(os.environ.get("SLURM_NTASKS", "1")) > 1
    )


def world() -> Any:
    """MPI.COMM_WORLD, or a LaunchError that says in one line how to launch (or install) it."""
    if not launched():
        raise LaunchError(
            "--distributed needs several processes started by MPI: run it as 'mpiexec -n 4 "
            "layerwise train ...' (or 'srun' under Slurm), with mpi4py installed "
            f"({MPI_EXTRA}); without --distributed it trains in this one process"
        )
    return _mpi().COMM_WORLD


def _mpi() -> Any:
    try:
        from mpi4py import MPI
    except ImportError as exc:
        raise ImportError(f"distributed training needs mpi4py and an MPI library: {MPI_EXTRA}") from exc
    return MPI


def allreduce_sum(comm: Any) -> Callable[[Any], None]:
    """buf -> None: the element-wise sum of ``buf`` (a C-contiguous NumPy vector) over all processes, in place."""
    if comm.Get_size() == 1:
        return lambda buf: None
    MPI = _mpi()
    in_place, op = MPI.IN_PLACE, MPI.SUM

    def allreduce(buf: Any) -> None:
        comm.Allreduce(in_place, buf, op=op)

    return allreduce


def sum_all(comm: Any, values: Any) -> Any:
    """The sum over processes of a small float64 vector (statistics, counts); exact for integer counts."""
    buf = np.ascontiguousarray(values, dtype=np.float64).copy()
    allreduce_sum(comm)(buf)
    return buf


def agree(comm: Any, error: BaseException | None) -> None:
    """Every process learns whether any failed: raises the first failing rank's error, prefixed with its rank.

    ``error`` is this process's exception (or None). Call it after each step that can fail on one rank only
    (reading its rows, say), so that all ranks stop together with one line instead of waiting forever.
    """
    messages = comm.allgather(None if error is None else (type(error).__name__, " ".join(str(error).split())))
    failed = [(r, m) for r, m in enumerate(messages) if m is not None]
    if not failed:
        return
    rank, (kind, text) = failed[0]
    prefix = f"rank {rank} of {comm.Get_size()}: " if comm.Get_size() > 1 else ""
    raise CollectiveError(prefix + (text or kind)) from error


@contextmanager
def quiet_unless_lead(comm: Any) -> Iterator[None]:
    """Process 0 prints; the others' stdout and stderr (progress bars, warnings, errors) go to /dev/null."""
    if comm.Get_rank() == 0:
        yield
        return
    with open(os.devnull, "w") as null, redirect_stdout(null), redirect_stderr(null):
        yield


@contextmanager
def abort_unless(comm: Any, *together: type[BaseException]) -> Iterator[None]:
    """Run a block in which an error of the kinds ``together`` is raised by every process at once; any other
    error on one process aborts them all (MPI_Abort) instead of leaving the others waiting forever."""
    try:
        yield
    except together:
        raise
    except BaseException:
        if comm.Get_size() == 1:
            raise
        traceback.print_exc(file=sys.__stderr__)  # the real stderr, even on a silenced process
        if sys.__stderr__ is not None:
            sys.__stderr__.flush()
        time.sleep(ABORT_GRACE)  # lets mpiexec forward the traceback before the abort ends the run
        comm.Abort(1)
        raise

"""The Dask cluster a search runs on: an embedded LocalCluster or an existing scheduler, checked.

``connect`` yields a Client whose workers all import the same layerwise version as this process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from typing import Any

# One BLAS thread per worker process: trials run side by side instead of fighting over cores.
BLAS_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class ClusterError(RuntimeError):
    """The Dask cluster cannot run this search (no workers, or a different layerwise on them)."""


def guard_message() -> str:
    script = getattr(sys.modules.get("__main__"), "__file__", None) or "your script"
    return (
        f"{os.path.basename(script)} starts a search when it is imported: the local Dask cluster's worker "
        "processes import the script again (as multiprocessing does), so put the search under "
        '`if __name__ == "__main__":` (docs/guide/search.md, From Python)'
    )


def _in_reimporting_worker() -> bool:
    """True in a worker process that is importing the user's script again (its __main__ is __mp_main__)."""
    import multiprocessing

    # the flag multiprocessing's own check of this mistake reads (spawn._check_not_importing_main)
    return bool(getattr(multiprocessing.current_process(), "_inheriting", False))


@contextlib.contextmanager
def _unguarded_script_named() -> Iterator[None]:
    """Turn the cluster's failure to start workers, when a script lacks the __main__ guard, into one line."""
    if _in_reimporting_worker():  # this process is a worker: end it, quietly, before it starts a cluster
        raise SystemExit(1)
    try:
        yield
    except RuntimeError as exc:
        if getattr(sys.modules.get("__main__"), "__file__", None) and "failed to start" in str(exc):
            # a script that cannot work as written: one line, as the command line says its errors
            raise SystemExit(f"layerwise: error: {guard_message()}") from None
        raise


def distributed_module() -> Any:
    try:
        import distributed
    except ImportError:
        raise ImportError("hyperparameter search needs dask and optuna: pip install 'layerwise[search]'") from None
    return distributed


def _expected_version() -> str:
    import layerwise

    return layerwise.__version__


def check_versions(client: Any, timeout: int = 60) -> None:
    """Raise ClusterError unless every worker imports the same layerwise version as this process."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise ClusterError(
            f"no Dask worker joined {client.scheduler.address} within {timeout} s; "
            "start workers with `dask worker ADDRESS`"
        ) from None

    def probe() -> str:  # defined here so that it travels by value: it must run where layerwise is missing
        try:
            import layerwise
        except ImportError as exc:
            return f"not importable ({exc})"
        return layerwise.__version__

    expected = _expected_version()
    found = client.run(probe)
    bad = {worker: v for worker, v in found.items() if v != expected}
    if bad:
        listing = ", ".join(f"{w}: {v}" for w, v in sorted(bad.items()))
        raise ClusterError(
            f"this process runs layerwise {expected}, but Dask workers have {listing}; "
            "install the same layerwise version on every worker"
        )


@contextlib.contextmanager
def connect(address: str | None = None, client: Any = None, n_workers: int | None = None) -> Iterator[Any]:
    """Yield a Client: ``client`` as given, one for the scheduler at ``address``, or an embedded
    LocalCluster of ``n_workers`` processes (default: one per core) with one thread and one BLAS thread
    each. Clusters and clients created here are closed on exit, also on Ctrl-C."""
    distributed = distributed_module()
    if client is not None:
        check_versions(client)
        yield client
        return
    if address is not None:
        with distributed.Client(address, timeout="30s") as c:
            check_versions(c)
            yield c
        return
    n = n_workers or os.cpu_count() or 1
    import dask

    # Our own scheduler keeps every broadcast copy of the data (the active memory manager would drop
    # copies nobody waits on, so a worker would fetch the data again for its next trial).
    with (
        _unguarded_script_named(),
        dask.config.set({"distributed.scheduler.active-memory-manager.start": False}),
        distributed.LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,  # no dashboard; its HTTP server (health checks) on a free port, not 8787,
            scheduler_kwargs={"dashboard_address": ":0"},  # which another cluster or Jupyter may hold
            silence_logs=logging.ERROR,
            env=BLAS_ENV,
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        check_versions(c)
        c.run(_quiet_convergence)
        yield c


def _quiet_convergence() -> None:
    """In our own workers: a trial that stops at max_iter is a result (n_iter in the table), not news."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    warnings.filterwarnings("ignore", category=ConvergenceWarning)

"""Where trials run: Dask distributed, an embedded LocalCluster or an existing scheduler.

``connect`` yields a checked Client; ``run_trials`` scatters the data once, keeps up to
``max_in_flight`` trials submitted, and turns each finished task into a results-table row as it
arrives. With pruning, a trial runs as a chain of rungs (a few epochs each); between rungs the main
process reports the validation score to the sampler, which may stop the trial.
"""
from __future__ import annotations

import contextlib
import datetime
import logging
import os

import numpy as np

from .results import display
from .space import canonical, to_estimator
from .trial import run_trial

# One BLAS thread per worker process: trials run side by side instead of fighting over cores.
BLAS_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class ClusterError(RuntimeError):
    """The Dask cluster cannot run this search (no workers, or a different layerwise on them)."""


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ImportError("hyperparameter search needs dask and optuna: pip install 'layerwise[search]'") from None
    return distributed


def _expected_version():
    import layerwise
    return layerwise.__version__


def check_versions(client, timeout=60):
    """Raise ClusterError unless every worker imports the same layerwise version as this process."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise ClusterError(f"no Dask worker joined {client.scheduler.address} within {timeout} s; "
                           "start workers with `dask worker ADDRESS`") from None

    def probe():  # defined here so that it travels by value: it must run where layerwise is missing
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
        raise ClusterError(f"this process runs layerwise {expected}, but Dask workers have {listing}; "
                           "install the same layerwise version on every worker")


@contextlib.contextmanager
def connect(address=None, client=None, n_workers=None):
    """Yield a Client: ``client`` as given, one for the scheduler at ``address``, or an embedded
    LocalCluster of ``n_workers`` processes (default: one per core) with one thread and one BLAS thread
    each. Clusters and clients created here are closed on exit, also on Ctrl-C."""
    distributed = _distributed()
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
    with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR, env=BLAS_ENV) as cluster, \
            distributed.Client(cluster) as c:
        check_versions(c)
        yield c


def rung_plan(max_iter, rungs):
    """Split max_iter epochs into ``rungs`` chunks as equal as possible (e.g. 10, 3 -> [4, 3, 3])."""
    rungs = max(1, min(rungs, max_iter))
    return [max_iter // rungs + (1 if r < max_iter % rungs else 0) for r in range(rungs)]


def _row(proposal, status, out, spent, workers):
    scores = out.get("scores") or []
    row = {"number": proposal.number, "status": status,
           "score": float(np.mean(scores)) if scores else None,
           "score_std": float(np.std(scores)) if scores else None,
           **{name: display(value) for name, value in proposal.params.items()},
           "fit_time": spent, "worker": ",".join(dict.fromkeys(workers)),
           "finished_at": datetime.datetime.now().isoformat(timespec="seconds"),
           "error": out.get("error"), "params": canonical(proposal.params)}
    for key in ("n_iter", "cost_first", "cost_last", "cost_min"):
        row[key] = out.get(key)
    return row


class _Loop:
    """The bookkeeping of one search run: futures in flight and what each stands for."""

    def __init__(self, client, sampler, table, job, max_in_flight, retries, plan, bar, callback):
        self.client, self.sampler, self.table, self.job = client, sampler, table, job
        self.max_in_flight, self.retries, self.plan, self.bar, self.callback = \
            max_in_flight, retries, plan, bar, callback
        self.pending = {}  # future -> (proposal, rung, seconds so far, workers so far)
        self.done = _distributed().as_completed()

    def submit(self, proposal, rung=0, states=None, spent=0.0, workers=()):
        params = {k: to_estimator(v) for k, v in proposal.params.items()}
        epochs = self.plan(params)[rung] if self.plan else None
        fut = self.client.submit(run_trial, self.job["estimator"], params, self.job["X"], self.job["y"],
                                 self.job["folds"], self.job["scoring"], epochs, states, 1,
                                 retries=self.retries, pure=False)
        self.pending[fut] = (proposal, rung, spent, workers)
        self.done.add(fut)

    def fill(self):
        while len(self.pending) < self.max_in_flight:
            proposal = self.sampler.ask()
            if proposal is None:
                return
            self.submit(proposal)

    def finish(self, proposal, status, out, spent, workers):
        score = float(np.mean(out["scores"])) if out.get("scores") else None
        self.sampler.tell(proposal, score, status)
        row = _row(proposal, status, out, spent, workers)
        self.table.add(row)
        best = self.table.best()
        self.bar.update(1)
        if best is not None:
            self.bar.set_postfix(best=f"{best['score']:.4g}", trial=best["number"])
        if self.callback is not None:
            self.callback(row)

    def step(self, fut):
        proposal, rung, spent, workers = self.pending.pop(fut)
        try:
            out = fut.result()
        except Exception as exc:  # KilledWorker after the allowed retries, or a task that cannot run
            out = {"error": f"{type(exc).__name__}: {exc}"}
        fut.release()
        spent += out.get("fit_time", 0.0)
        workers = (*workers, out["worker"]) if "worker" in out else workers
        if "error" in out:
            return self.finish(proposal, "failed", out, spent, workers)
        plan = self.plan({k: to_estimator(v) for k, v in proposal.params.items()}) if self.plan else [None]
        step = sum(plan[:rung + 1]) if self.plan else None
        if step is not None:
            out["n_iter"] = step  # epochs of partial_fit so far (estimators count n_iter_ per call)
        if rung + 1 < len(plan):
            if self.sampler.report(proposal, step, float(np.mean(out["scores"]))):
                return self.finish(proposal, "pruned", out, spent, workers)
            return self.submit(proposal, rung + 1, out["states"], spent, workers)
        return self.finish(proposal, "ok", out, spent, workers)

    def run(self):
        try:
            self.fill()
            for fut in self.done:
                self.step(fut)
                self.fill()
        except BaseException:  # Ctrl-C (or an error of ours): stop the trials in flight; rows stay written
            for fut in self.pending:
                fut.cancel()
            raise


def run_trials(client, sampler, table, estimator, X, y, folds, scoring=None, plan=None,
               max_in_flight=None, retries=2, progress=True, callback=None):
    """Run the sampler's trials on ``client`` until it has none left; rows go to ``table`` as they finish.

    ``plan(params) -> [epochs per rung]`` turns on rung-wise training with pruning (None: one full fit).
    """
    from tqdm.auto import tqdm
    X_f, y_f, folds_f = client.scatter([X, y, folds], broadcast=True, hash=False)  # sent once
    n_threads = sum(client.nthreads().values())
    job = {"estimator": estimator, "X": X_f, "y": y_f, "folds": folds_f, "scoring": scoring}
    with tqdm(total=sampler.n_trials, initial=len(table.finished()), desc="search", unit="trial",
              disable=None if progress else True) as bar:
        _Loop(client, sampler, table, job, max_in_flight or 2 * n_threads, retries, plan, bar, callback).run()
    for f in (X_f, y_f, folds_f):
        f.release()

"""Running trials on a Dask client: ``run_trials`` scatters the data once, keeps up to
``max_in_flight`` trials submitted, and turns each finished task into a results-table row as it
arrives. With pruning, a trial runs as a chain of rungs (a few epochs each); between rungs the main
process reports the validation score to the sampler, which may stop the trial.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from .._typing import Array
from .cluster import distributed_module
from .results import display
from .space import canonical, to_estimator
from .trial import run_trial


def rung_plan(max_iter: int, rungs: int) -> list[int]:
    """Split max_iter epochs into ``rungs`` chunks as equal as possible (e.g. 10, 3 -> [4, 3, 3])."""
    rungs = max(1, min(rungs, max_iter))
    return [max_iter // rungs + (1 if r < max_iter % rungs else 0) for r in range(rungs)]


def _row(proposal: Any, status: str, out: dict[str, Any], spent: float, workers: Any) -> dict[str, Any]:
    scores = out.get("scores") or []
    row = {
        "number": proposal.number,
        "status": status,
        "score": float(np.mean(scores)) if scores else None,
        "score_std": float(np.std(scores)) if scores else None,
        **{name: display(value) for name, value in proposal.params.items()},
        "fit_time": spent,
        "worker": ",".join(dict.fromkeys(workers)),
        "finished_at": datetime.datetime.now().isoformat(timespec="seconds"),
        "error": out.get("error"),
        "params": canonical(proposal.params),
    }
    for key in ("n_iter", "cost_first", "cost_last", "cost_min"):
        row[key] = out.get(key)
    return row


class _Task(NamedTuple):
    """What a future in flight stands for: one rung of one trial, and its history so far."""

    proposal: object
    rung: int = 0
    states: Any = None  # fold estimators from the previous rung (pruning), else None
    spent: float = 0.0  # seconds of fitting in earlier rungs
    workers: tuple[str, ...] = ()
    attempt: int = 0  # resubmissions after the cluster failed this task


class _Loop:
    """The bookkeeping of one search run: futures in flight and what each stands for."""

    def __init__(
        self,
        client: Any,
        sampler: Any,
        table: Any,
        job: Any,
        max_in_flight: int,
        retries: int,
        plan: Any,
        bar: Any,
        callback: Any,
    ) -> None:
        self.client, self.sampler, self.table, self.job = client, sampler, table, job
        self.max_in_flight, self.retries, self.plan, self.bar, self.callback = (
            max_in_flight,
            retries,
            plan,
            bar,
            callback,
        )
        self.pending: dict[Any, _Task] = {}  # future -> _Task
        self.done = distributed_module().as_completed()
        self.scatter()

    def scatter(self) -> None:
        """Send the data to every worker once (again only if every copy of it was lost)."""
        self.data = self.client.scatter([self.job["X"], self.job["y"], self.job["folds"]], broadcast=True, hash=False)

    def data_lost(self) -> bool:
        """True when no worker holds a copy of the data any more (Dask's active memory manager may
        have dropped the broadcast copies down to one, and that worker died)."""
        if any(f.status != "finished" for f in self.data):
            return True
        try:
            who_has = self.client.who_has(self.data)
        except Exception:  # the futures were cancelled between the check above and this call
            return True
        return not all(who_has.get(f.key) for f in self.data)

    def epochs(self, task: _Task) -> list[Any]:
        return self.plan(self.params(task.proposal)) if self.plan else [None]

    @staticmethod
    def params(proposal: Any) -> dict[str, Any]:
        return {k: to_estimator(v) for k, v in proposal.params.items()}

    def submit(self, task: _Task) -> None:
        fut = self.client.submit(
            run_trial,
            self.job["estimator"],
            self.params(task.proposal),
            *self.data,
            self.job["scoring"],
            self.epochs(task)[task.rung],
            task.states,
            1,
            pure=False,
        )
        self.pending[fut] = task
        self.done.add(fut)

    def fill(self) -> None:
        while len(self.pending) < self.max_in_flight:
            proposal = self.sampler.ask()
            if proposal is None:
                return
            self.submit(_Task(proposal))

    def finish(self, task: _Task, status: str, out: dict[str, Any]) -> None:
        score = float(np.mean(out["scores"])) if out.get("scores") else None
        self.sampler.tell(task.proposal, score, status)
        row = _row(task.proposal, status, out, task.spent, task.workers)
        self.table.add(row)
        best = self.table.best()
        self.bar.update(1)
        if best is not None:
            self.bar.set_postfix(best=f"{best['score']:.4g}", trial=best["number"])
        if self.callback is not None:
            self.callback(row)

    def step(self, fut: Any) -> None:
        task = self.pending.pop(fut)
        try:
            out = fut.result()
        except Exception as exc:  # the cluster failed the task (run_trial itself catches estimator errors):
            # a dead worker held the last copy of the data, or KilledWorker. The one retry mechanism: resubmit
            # up to ``retries`` times, scattering the data again if every copy was lost (Dask's own
            # ``retries=`` would re-run a task whose inputs are gone, so it is not used)
            fut.release()
            if task.attempt < self.retries:
                if self.data_lost():
                    self.scatter()
                return self.submit(task._replace(attempt=task.attempt + 1))
            return self.finish(task, "failed", {"error": f"{type(exc).__name__}: {exc}"})
        fut.release()
        task = task._replace(spent=task.spent + out.get("fit_time", 0.0), workers=(*task.workers, out["worker"]))
        if "error" in out:
            return self.finish(task, "failed", out)
        plan = self.epochs(task)
        if self.plan:
            out["n_iter"] = sum(plan[: task.rung + 1])  # partial_fit epochs so far (n_iter_ counts per call)
        if task.rung + 1 < len(plan):
            if self.sampler.report(task.proposal, out["n_iter"], float(np.mean(out["scores"]))):
                return self.finish(task, "pruned", out)
            return self.submit(task._replace(rung=task.rung + 1, states=out["states"], attempt=0))
        return self.finish(task, "ok", out)

    def run(self) -> None:
        try:
            self.fill()
            for fut in self.done:
                self.step(fut)
                self.fill()
        except BaseException:  # Ctrl-C (or an error of ours): stop the trials in flight; rows stay written
            for fut in self.pending:
                fut.cancel()
            raise
        finally:
            for f in self.data:
                f.release()


def run_trials(
    client: Any,
    sampler: Any,
    table: Any,
    estimator: Any,
    X: Array,
    y: Any,
    folds: Any,
    scoring: Any = None,
    plan: Callable[[dict[str, Any]], list[int]] | None = None,
    max_in_flight: int | None = None,
    retries: int = 2,
    progress: bool = True,
    callback: Any = None,
) -> None:
    """Run the sampler's trials on ``client`` until it has none left; rows go to ``table`` as they finish.

    ``plan(params) -> [epochs per rung]`` turns on rung-wise training with pruning (None: one full fit).
    """
    from ..progress import counter_bar

    n_threads = sum(client.nthreads().values())
    job = {"estimator": estimator, "X": X, "y": y, "folds": folds, "scoring": scoring}
    with counter_bar(sampler.n_trials, "search", "trial", initial=len(table.finished()), enabled=progress) as bar:
        _Loop(client, sampler, table, job, max_in_flight or 2 * n_threads, retries, plan, bar, callback).run()

"""The playground's compute: one worker thread that runs the pages' jobs, least-served page first.

Every page's training, frames, checks and exports run here, one job at a time, so the playground uses
at most one core however many pages are open. The next job is always the one whose page has used the
least compute so far (the idea of Linux's fair scheduler: a page that asks for little is served at
once, a greedy page waits for its turn), and a page that joins starts level with the least-served page
already here, so an old page's long idle time is no debt the newcomers must wait out. A job is never
cut: fairness also needs each job to be short, which ``Session.advance`` ensures with its time budget and
``Page.frame`` by drawing the heatmaps in slices of about that time.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any


class Job:
    """One call waiting for the worker: its page (any hashable owner), order of arrival and future."""

    __slots__ = ("args", "fn", "future", "owner", "seq")

    def __init__(self, owner: object, seq: int, future: Future[Any], fn: Callable[..., Any], args: tuple[Any, ...]):
        self.owner, self.seq, self.future, self.fn, self.args = owner, seq, future, fn, args


class FairScheduler:
    """``await scheduler.run(owner, fn, *args)`` runs ``fn(*args)`` on the worker thread, fairly."""

    def __init__(self) -> None:
        self.used: dict[object, float] = {}  # owner -> seconds of compute its jobs took
        self._jobs: list[Job] = []  # at most a few per page: a linear scan picks the next one
        self._seq = itertools.count()
        self._cv = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="playground-compute", daemon=True)
        self._thread.start()

    def join(self, owner: object) -> None:
        """Register a page, level with the least-served page present (0 when it is the first)."""
        with self._cv:
            self.used[owner] = min(self.used.values(), default=0.0)

    def leave(self, owner: object) -> None:
        """Forget a page: its waiting jobs are cancelled; a running one ends with its (short) slice."""
        with self._cv:
            self.used.pop(owner, None)
            for job in [j for j in self._jobs if j.owner is owner]:
                self._jobs.remove(job)
                job.future.cancel()

    async def run(self, owner: object, fn: Callable[..., Any], *args: Any) -> Any:
        """fn(*args) on the worker thread; cancelling the awaiting task drops a job that has not started."""
        future: Future[Any] = Future()
        with self._cv:
            if self._closed:
                raise RuntimeError("the playground's compute has stopped")
            self._jobs.append(Job(owner, next(self._seq), future, fn, args))
            self._cv.notify()
        return await asyncio.wrap_future(future)

    def _next(self) -> Job | None:
        """The waiting job of the least-served page (the oldest of its jobs); None once closed."""
        with self._cv:
            while not self._jobs and not self._closed:
                self._cv.wait()
            if self._closed:
                return None
            job = min(self._jobs, key=lambda j: (self.used.get(j.owner, 0.0), j.seq))
            self._jobs.remove(job)
            return job

    def _work(self) -> None:
        while (job := self._next()) is not None:
            if not job.future.set_running_or_notify_cancel():
                continue  # its page went away or stopped waiting
            start = time.perf_counter()
            try:
                result = job.fn(*job.args)
            except BaseException as exc:  # handed to the awaiting page, which shows it
                job.future.set_exception(exc)
            else:
                job.future.set_result(result)
            with self._cv:
                if job.owner in self.used:  # wall time: what the other pages waited
                    self.used[job.owner] += time.perf_counter() - start

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker after its current job; waiting jobs are cancelled."""
        with self._cv:
            self._closed = True
            for job in self._jobs:
                job.future.cancel()
            self._jobs.clear()
            self._cv.notify_all()
        self._thread.join(timeout)

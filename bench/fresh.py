"""Each contender in its own fresh process, rounds interleaved: the timing rule of ``make bench``.

``rounds(jobs, repeats)`` starts ``python -m bench.worker JOB`` once per job per round, one at a time,
the order of the jobs rotating every round, so that a slow phase of the shared machine does not hit
one contender only, and no library's threads linger into another's measurement (OpenBLAS's workers
spin on after a call; PyTorch's OpenMP threads would fight them on 2 cores). Every child gets the
same thread count: ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS`` in its
environment and the job's ``threads`` (PyTorch's ``set_num_threads``, XLA's intra-op pool). The
OpenBLAS core type and L2 size are left as the environment sets them.

A job is a JSON-able dict with ``kind`` (a name of ``bench.worker.JOBS``) and its arguments; the child
prints one JSON line: its own timing (``seconds``: the measured call only, after imports and data) and
its memory (``rss_imports_mb`` after its library's imports, ``peak_mb`` the process's peak resident set).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def child_env(threads):
    env = dict(os.environ)
    env.update(
        OMP_NUM_THREADS=str(threads),
        OPENBLAS_NUM_THREADS=str(threads),
        MKL_NUM_THREADS=str(threads),
        PYTHONPATH=os.pathsep.join(p for p in [REPO, *sys.path] if p),
        PYTHONWARNINGS="ignore",
    )
    return env


def run_job(job, threads, timeout=900):
    """Run one job in a fresh interpreter; its JSON result, or {"error": ...} when the child failed."""
    job = dict(job, threads=threads)
    try:
        out = subprocess.run(
            [sys.executable, "-m", "bench.worker", json.dumps(job)],
            cwd=REPO,
            env=child_env(threads),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        return {"error": f"exit {out.returncode}: {out.stderr.strip()[-1500:]}"}
    return json.loads(lines[-1])


def rounds(jobs, repeats, threads, log=None):
    """{name: [result of each round]} for ``jobs`` {name: job}, ``repeats`` interleaved rounds."""
    names = list(jobs)
    results = {name: [] for name in names}
    for r in range(repeats):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            res = run_job(jobs[name], threads)
            results[name].append(res)
            if log is not None:
                what = res.get("error", "").splitlines()[-1:] or [f"{res.get('seconds', float('nan')):.3f} s"]
                log(f"round {r + 1}/{repeats} {name}: {what[0]}")
    return results


def spread(values):
    """{"min", "median", "max", "runs"} of a list of numbers (None when it is empty)."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "runs": values}


def field(results, key="seconds"):
    """The spread of one field over a job's rounds, skipping failed rounds; None if all failed."""
    return spread([r.get(key) for r in results if "error" not in r])


def errors(results):
    return [r["error"] for r in results if "error" in r]

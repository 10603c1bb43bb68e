"""A search on a real Dask cluster (a `dask scheduler` and two `dask worker` processes on 127.0.0.1),
with one worker killed while trials run on it."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

import layerwise
from layerwise.datasets import make_flower
from layerwise.search import search

distributed = pytest.importorskip("distributed")
pytest.importorskip("optuna")
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

from layerwise.estimators import NeuralNetClassifier  # noqa: E402

LR = "learning_rate"

SRC = str(Path(layerwise.__file__).resolve().parents[1])  # workers import this layerwise


def make_net(**kwargs):
    return NeuralNetClassifier(
        **{"hidden_layer_sizes": (16,), "max_iter": 60, "batch_size": 16, "random_state": 0, **kwargs}
    )


def _start(args, log):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")])),
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    return subprocess.Popen([sys.executable, "-m", *args], env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_for(path, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size:
            try:
                return json.loads(path.read_text())["address"]
            except (ValueError, KeyError):
                pass  # being written
        time.sleep(0.2)
    raise TimeoutError(f"the scheduler wrote no {path} within {seconds} s")


@pytest.fixture
def cluster(tmp_path):
    """(address, {worker name: process}) of a scheduler and two single-threaded workers without nannies."""
    procs = []
    log = open(tmp_path / "cluster.log", "w")
    try:
        procs.append(
            _start(
                [
                    "distributed.cli.dask_scheduler",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                    "--no-dashboard",
                    "--scheduler-file",
                    str(tmp_path / "scheduler.json"),
                ],
                log,
            )
        )
        address = _wait_for(tmp_path / "scheduler.json", 60)
        workers = {}
        for name in ("w0", "w1"):
            workers[name] = _start(
                [
                    "distributed.cli.dask_worker",
                    address,
                    "--nthreads",
                    "1",
                    "--no-nanny",
                    "--no-dashboard",
                    "--host",
                    "127.0.0.1",
                    "--name",
                    name,
                ],
                log,
            )
            procs.append(workers[name])
        with distributed.Client(address, timeout="60s") as c:
            c.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        for p in reversed(procs):  # only the processes this fixture started, workers first
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        log.close()


@pytest.mark.slow
def test_search_survives_a_worker_killed_mid_trial(cluster):
    address, workers = cluster
    X, y = make_flower(m=400, random_state=5)
    space = {LR: {"loguniform": [1e-3, 0.1]}, "hidden_layer_sizes": {"choice": [[8], [16], [16, 8]]}}
    killed, seen = {}, []

    with distributed.Client(address, timeout="60s") as watcher:

        def kill_a_busy_worker(row):
            seen.append(row["number"])
            if killed:
                return
            info = watcher.scheduler_info(n_workers=-1)["workers"]
            busy = [w for w, keys in watcher.processing().items() if keys and "run_trial" in str(keys)]
            if not busy:
                return  # try again after the next trial
            victim = busy[0]
            killed.update(address=victim, name=info[victim]["name"], before=set(seen))
            workers[killed["name"]].kill()  # SIGKILL: the trial on it never finishes there
            workers[killed["name"]].wait()

        result = search(
            make_net(),
            space,
            X,
            y,
            sampler="random",
            n_trials=12,
            address=address,
            progress=False,
            callback=kill_a_busy_worker,
        )

    assert killed, "no worker was busy when trials finished: the kill never happened"
    rows = sorted(result.rows, key=lambda r: r["number"])
    assert [r["number"] for r in rows] == list(range(12))
    # the killed worker's trial was retried elsewhere
    assert all(r["status"] == "ok" for r in rows), [(r["number"], r["status"], r["error"]) for r in rows]
    after = [r for r in rows if r["number"] not in killed["before"]]
    assert after and all(r["worker"] != killed["address"] for r in after)  # nothing ran on the dead worker
    # every score, and so the best, against fits in this process on the same holdout
    train, val = train_test_split(np.arange(len(y)), test_size=0.2, random_state=0, stratify=y)
    scores = []
    for r in rows:
        params = {k: (tuple(v) if isinstance(v, list) else v) for k, v in json.loads(r["params"]).items()}
        scores.append(make_net(**params).fit(X[train], y[train]).score(X[val], y[val]))
        assert r["score"] == pytest.approx(scores[-1], abs=1e-12)
    best = int(np.argmax(scores))  # first of the ties, as search() breaks them
    assert result.best_params == json.loads(rows[best]["params"]) and result.best_score == scores[best]

"""Data-parallel training under real ``mpiexec`` processes, held to one process's training of the same rows.

Each test launches ``mpiexec -n N python tests/test_distributed.py CONFIG`` (this file is also the worker:
see ``worker`` at the bottom), every rank fitting ``layerwise.distributed.fit`` on its contiguous rows;
rank 0 saves what it learned, and every rank's parameters, to an .npz that the test compares with
``estimator.fit`` on all rows in this process. BLAS runs one thread per rank.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

MPIEXEC = Path(sys.executable).parent / "mpiexec"
ENV = {
    **os.environ,
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONWARNINGS": "ignore",
}
TIMEOUT = 240  # seconds: a hang fails the test instead of the suite


def data(m=301, n_x=5, kind="classifier", seed=0):
    """A small seeded problem: X (m, n_x) standardized, y 3 classes (or a real target), weights in [0.5, 2)."""
    rs = np.random.RandomState(seed)
    X = rs.standard_normal((m, n_x))
    score = X[:, 0] - 0.5 * X[:, 1] + 0.3 * rs.standard_normal(m)
    y = np.digitize(score, [-0.5, 0.5]) if kind == "classifier" else score + 0.1 * X[:, 2] ** 2
    return X, y, rs.uniform(0.5, 2.0, m)


def estimator(kind, params):
    from layerwise import NeuralNetClassifier, NeuralNetRegressor

    return (NeuralNetClassifier if kind == "classifier" else NeuralNetRegressor)(**params)


def launch(tmp_path, n, config, background=False):
    path = tmp_path / f"config-{n}-{len(list(tmp_path.iterdir()))}.json"
    path.write_text(json.dumps(config))
    cmd = (
        [str(MPIEXEC), "-n", str(n), sys.executable, __file__, str(path)]
        if n
        else [sys.executable, __file__, str(path)]
    )
    if background:
        return subprocess.Popen(
            cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
    return subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=TIMEOUT)


def run(tmp_path, n, kind="classifier", params=None, weights=False, m=301, **extra):
    out = tmp_path / f"out-{n}-{len(list(tmp_path.iterdir()))}.npz"
    config = {"kind": kind, "params": params, "weights": weights, "m": m, "out": str(out), **extra}
    proc = launch(tmp_path, n, config)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(np.load(out))


def reference(kind, params, weights=False, m=301):
    X, y, w = data(m, kind=kind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = estimator(kind, params).fit(X, y, sample_weight=w if weights else None)
    return est, flat(est)


def flat(est):
    return np.concatenate([np.ravel(a) for p in est.params_ for a in (p.W, p.b)])


def rel(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


pytestmark = pytest.mark.skipif(not MPIEXEC.exists(), reason="needs the mpi extra (mpi4py, mpich's mpiexec)")
GD = {
    "hidden_layer_sizes": (7,),
    "activation": "tanh",
    "solver": "gd",
    "learning_rate": 0.5,
    "max_iter": 60,
    "random_state": 3,
}
ADAM = {
    "hidden_layer_sizes": (16, 8),
    "solver": "adam",
    "learning_rate": 0.01,
    "batch_size": 32,
    "max_iter": 5,
    "random_state": 4,
}


@pytest.mark.parametrize("n", [1, 2, 3])
def test_gd_full_batch_equals_one_process(tmp_path, n):
    est, theta = reference("classifier", GD)
    got = run(tmp_path, n, params=GD)
    assert rel(got["theta"], theta) < 1e-12
    assert np.array_equal(got["ranks"], np.tile(got["theta"], (n, 1)))  # the same model on every process
    np.testing.assert_allclose(got["cost"], est.loss_curve_, rtol=1e-12)


def test_gd_with_sample_weights_regression(tmp_path):
    params = {**GD, "max_iter": 40, "learning_rate": 0.1}
    est, theta = reference("regressor", params, weights=True)
    got = run(tmp_path, 2, kind="regressor", params=params, weights=True)
    assert rel(got["theta"], theta) < 1e-12
    np.testing.assert_allclose(got["cost"], est.loss_curve_, rtol=1e-12)


def test_adam_minibatches_five_epochs(tmp_path):
    est, theta = reference("classifier", ADAM, weights=True)
    got = run(tmp_path, 2, params=ADAM, weights=True)
    assert got["n_iter"] == est.n_iter_ == 5
    assert rel(got["theta"], theta) < 1e-9
    np.testing.assert_allclose(got["cost"], est.loss_curve_, rtol=1e-9)


def test_early_stopping_picks_the_same_best_epoch(tmp_path):
    params = {
        **ADAM,
        "max_iter": 80,
        "early_stopping": True,
        "n_iter_no_change": 4,
        "validation_fraction": 0.2,
        "learning_rate": 0.02,
        "tol": 1e-3,
    }
    est, theta = reference("classifier", params, m=400)
    got = run(tmp_path, 3, params=params, m=400)
    assert got["n_iter"] == est.n_iter_ < 80  # it stopped early, at the same epoch
    assert int(np.argmax(got["val_score"])) == int(np.argmax(est.validation_scores_))
    np.testing.assert_allclose(got["val_score"], est.validation_scores_, rtol=1e-9)
    assert rel(got["theta"], theta) < 1e-9  # the best epoch's weights


def _kill_after_first_checkpoint(tmp_path, n, config):
    ckpt = Path(config["checkpoint"])
    proc = launch(tmp_path, n, {**config, "slow": 0.05}, background=True)
    deadline = time.time() + TIMEOUT
    while not ckpt.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    assert ckpt.exists(), proc.communicate()[1][-3000:]
    time.sleep(0.1)  # somewhere after the first checkpoint, perhaps in the middle of writing the next
    pids = sorted(tmp_path.glob("pid-*"))
    victim = int(pids[-1].read_text())  # the last rank (the only process without mpiexec)
    os.kill(victim, signal.SIGKILL)
    proc.communicate(timeout=TIMEOUT)
    # it really was killed before the end: rank 0 writes the output only after the last epoch (not the exit
    # status: MPICH 4.1's mpiexec sometimes exits 0 after a rank's SIGKILL, seen 1 time in 4 here)
    assert not Path(config["out"]).exists()


@pytest.mark.parametrize("n", [pytest.param(0, marks=pytest.mark.slow), 2])  # 0: one process without mpiexec
def test_killed_run_resumes_to_the_uninterrupted_model(tmp_path, n):
    params = {
        **ADAM,
        "max_iter": 40,
        "early_stopping": True,
        "validation_fraction": 0.2,
        "tol": 0.0,
        "n_iter_no_change": 100,
        "dropout": 0.1,
    }
    config = {"checkpoint": str(tmp_path / "model.ckpt"), "every": 2}
    _kill_after_first_checkpoint(
        tmp_path,
        n,
        {"kind": "classifier", "params": params, "m": 301, "weights": False, "out": str(tmp_path / "x.npz"), **config},
    )
    from safetensors import safe_open

    with safe_open(config["checkpoint"], "np") as f:
        saved = json.loads(f.metadata()["state"])["n_iter"]
    assert 2 <= saved < 40 and saved % 2 == 0
    resumed = run(tmp_path, n, params=params, resume=True, **config)
    whole = run(tmp_path, n, params=params)
    assert list(resumed["epochs"]) == list(range(saved + 1, 41))  # it went on from the checkpoint
    assert resumed["n_iter"] == whole["n_iter"] == 40
    assert rel(resumed["theta"], whole["theta"]) < 1e-12
    np.testing.assert_allclose(resumed["cost"], whole["cost"], rtol=1e-12)


def test_an_unexpected_error_on_one_rank_aborts_all_instead_of_hanging(tmp_path):
    config = {
        "kind": "classifier",
        "params": ADAM,
        "m": 301,
        "weights": False,
        "out": str(tmp_path / "o.npz"),
        "crash_rank": 1,
    }
    proc = launch(tmp_path, 2, config)  # TimeoutExpired would mean rank 0 waits forever in its allreduce
    assert proc.returncode != 0 and "a bug on one process only" in proc.stderr
    assert not (tmp_path / "o.npz").exists()


def test_checkpoint_from_other_options_is_refused(tmp_path):
    ck = str(tmp_path / "m.ckpt")
    run(tmp_path, 0, params=GD, checkpoint=ck, every=10)
    config = {
        "kind": "classifier",
        "params": {**GD, "hidden_layer_sizes": (9,)},
        "m": 301,
        "weights": False,
        "out": str(tmp_path / "o.npz"),
        "checkpoint": ck,
        "every": 10,
        "resume": True,
    }
    proc = launch(tmp_path, 2, config)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert "layer_dims [5, 7, 3] there, [5, 9, 3] here" in lines[0] and "hidden_layer_sizes" in lines[0]


LAYERWISE = [sys.executable, "-m", "layerwise"]


def _table(tmp_path, fmt, m=240):
    pd = pytest.importorskip("pandas")
    X, y, _ = data(m)
    df = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    df["label"] = np.array(["low", "mid", "high"])[y]
    path = tmp_path / f"d.{fmt}"
    if fmt == "parquet":
        df.to_parquet(path, row_group_size=50)
    elif fmt == "csv":
        df.to_csv(path, index=False)
    else:
        path, df = tmp_path / "d.npy", df.assign(label=y)
        np.save(path, df.to_numpy(dtype=np.float64))
    return path


@pytest.mark.parametrize(
    "fmt", ["parquet", pytest.param("csv", marks=pytest.mark.slow), pytest.param("npy", marks=pytest.mark.slow)]
)
def test_command_line_distributed_equals_one_process(tmp_path, fmt):
    from layerwise import load

    path = _table(tmp_path, fmt)
    target = "-1" if fmt == "npy" else "label"
    options = [
        "--target",
        target,
        "--hidden",
        "6",
        "--epochs",
        "12",
        "--seed",
        "1",
        "--batch-size",
        "32",
        "--learning-rate",
        "0.01",
        "--verbose",
        "0",
    ]
    # the one-process run takes the same numeric-column path (a plain CSV train builds the table pipeline,
    # which distributed training does not run yet): one MPI process
    one = subprocess.run(
        [
            str(MPIEXEC),
            "-n",
            "1",
            *LAYERWISE,
            "train",
            str(path),
            *options,
            "--distributed",
            "--out",
            str(tmp_path / "one.st"),
        ],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    two = subprocess.run(
        [
            str(MPIEXEC),
            "-n",
            "2",
            *LAYERWISE,
            "train",
            str(path),
            *options,
            "--distributed",
            "--out",
            str(tmp_path / "two.st"),
        ],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert one.returncode == 0 and two.returncode == 0, one.stderr[-3000:] + two.stderr[-3000:]
    assert two.stdout.count("Trained ") == 1 and two.stdout.count("Saved the model") == 1  # rank 0 alone speaks
    pick = lambda out: [ln for ln in out.splitlines() if "accuracy" in ln or "examples x" in ln]
    assert pick(two.stdout) == pick(one.stdout)  # the same data size, epochs, training and validation accuracy
    a, b = load(tmp_path / "one.st"), load(tmp_path / "two.st")
    assert rel(flat(b), flat(a)) < 1e-9
    np.testing.assert_allclose(b.preprocessing_.mean_, a.preprocessing_.mean_, rtol=1e-12, atol=1e-15)
    assert list(getattr(b, "classes_", [])) == list(getattr(a, "classes_", []))


@pytest.mark.parametrize("problem", ["missing", "short"])
def test_a_rank_that_cannot_read_its_share_stops_every_rank(tmp_path, problem):
    X, y, _ = data()
    path = tmp_path / "data.npy"
    np.save(path, np.column_stack([X, y]))
    if problem == "short":
        os.truncate(path, os.path.getsize(path) - 8 * 6 * 20)  # the last rank's rows are cut off
    else:
        path = tmp_path / "absent.npy"
    proc = subprocess.run(
        [
            str(MPIEXEC),
            "-n",
            "2",
            *LAYERWISE,
            "train",
            str(path),
            "--target",
            "-1",
            "--distributed",
            "--out",
            str(tmp_path / "m.st"),
        ],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("layerwise: error: "), proc.stderr
    assert ("rank 1 of 2" in lines[0] and "shorter" in lines[0]) if problem == "short" else "no such file" in lines[0]
    assert not (tmp_path / "m.st").exists()
    worker = launch(tmp_path, 2, {"read": str(path)})  # the same through the Python API: every rank exits 2
    assert worker.returncode == 2 and len(worker.stderr.strip().splitlines()) == 1, worker.stderr


def test_distributed_without_mpiexec_says_how_to_launch(tmp_path):
    env = {k: v for k, v in ENV.items() if not k.startswith(("PMI_", "OMPI_", "PMIX_", "MPI_", "SLURM_"))}
    proc = subprocess.run(
        [
            *LAYERWISE,
            "train",
            str(_table(tmp_path, "npy")),
            "--target",
            "-1",
            "--distributed",
            "--out",
            str(tmp_path / "m.st"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "mpiexec -n 4 layerwise train" in proc.stderr


def test_command_line_checkpoints_in_one_process_and_refuses_other_options(tmp_path):
    path = _table(tmp_path, "npy")
    base = [
        *LAYERWISE,
        "train",
        str(path),
        "--target",
        "-1",
        "--epochs",
        "6",
        "--seed",
        "0",
        "--verbose",
        "0",
        "--out",
        str(tmp_path / "m.st"),
    ]
    first = subprocess.run([*base, "--checkpoint-every", "3"], env=ENV, capture_output=True, text=True, timeout=TIMEOUT)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "m.st.ckpt").exists()
    again = subprocess.run([*base, "--resume"], env=ENV, capture_output=True, text=True, timeout=TIMEOUT)
    assert again.returncode == 0 and "for 6 epochs" in again.stdout, again.stderr  # nothing left to do
    other = subprocess.run(
        [*base, "--resume", "--learning-rate", "0.01"], env=ENV, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert other.returncode == 2 and other.stderr.count("\n") == 1
    assert "learning_rate 0.001 there, 0.01 here" in other.stderr, other.stderr


@pytest.mark.slow
def test_example_script_gives_one_process_s_model_under_mpiexec(tmp_path):
    script = Path(__file__).resolve().parents[1] / "examples" / "distributed_train.py"
    outs = {}
    for n in (0, 2):
        cmd = [sys.executable, str(script), "--out", str(tmp_path / f"m{n}.safetensors"), "--epochs", "12"]
        proc = subprocess.run(
            [str(MPIEXEC), "-n", str(n), *cmd] if n else cmd, env=ENV, capture_output=True, text=True, timeout=TIMEOUT
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        outs[n] = proc.stdout
    assert "identical on all 2 process(es)" in outs[2]
    accuracy = [re.search(r"Training accuracy over all rows: ([0-9.]+)", outs[n]).group(1) for n in (0, 2)]
    assert accuracy[0] == accuracy[1]  # the same predictions as the one-process run
    from layerwise import load

    one, two = load(tmp_path / "m0.safetensors"), load(tmp_path / "m2.safetensors")
    assert rel(flat(two), flat(one)) < 1e-9
    assert (tmp_path / "m2.safetensors.ckpt").exists()


# ---------------------------------------------------------------- the worker, run by each MPI process
def worker(config_path):
    config = json.loads(Path(config_path).read_text())
    from layerwise import distributed

    comm = None
    if distributed.launched():
        from mpi4py import MPI

        comm = MPI.COMM_WORLD
    rank = 0 if comm is None else comm.Get_rank()
    (Path(config_path).parent / f"pid-{rank}").write_text(str(os.getpid()))
    try:
        if "read" in config:
            distributed.read_share(comm or distributed.SELF, config["read"], "-1")
            return 0
        fit(config, comm)
    except ValueError as exc:
        if rank == 0:
            print(f"layerwise: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    return 0


def fit(config, comm):
    from layerwise import distributed
    from layerwise.distributed import training

    epochs = []

    def after_epoch(hook, state):  # counts the epochs this process runs; slows them down when asked
        epochs.append(state.n_iter)
        if config.get("crash_rank") == rank and state.n_iter == 2:
            raise RuntimeError("a bug on one process only")
        time.sleep(config.get("slow", 0))  # so that a test can kill the run in the middle

    training.Checkpoints.after_epoch = after_epoch  # the checkpoint hook's seam, run after every epoch
    rank, size = (0, 1) if comm is None else (comm.Get_rank(), comm.Get_size())
    X, y, w = data(config["m"], kind=config["kind"])
    start, stop = distributed.row_range(len(y), rank, size)
    est = estimator(config["kind"], config["params"])
    distributed.fit(
        est,
        X[start:stop],
        y[start:stop],
        w[start:stop] if config["weights"] else None,
        comm=comm,
        checkpoint=config.get("checkpoint"),
        checkpoint_every=config.get("every", 0),
        resume=config.get("resume", False),
    )
    theta = flat(est)
    ranks = [theta] if comm is None else comm.allgather(theta)
    if rank == 0:
        np.savez(
            config["out"],
            theta=theta,
            ranks=np.array(ranks),
            n_iter=est.n_iter_,
            cost=est.loss_curve_,
            val_score=est.validation_scores_ or [],
            epochs=epochs,
        )


if __name__ == "__main__":
    sys.exit(worker(sys.argv[1]))

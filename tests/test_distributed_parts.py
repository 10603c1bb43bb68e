"""The parts of distributed training that need no MPI: row shares, readers, global statistics, checkpoints."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from layerwise.distributed import SELF, LaunchError, count_rows, fit_scaler, read_rows, row_range, world
from layerwise.distributed import checkpoint as ckpt
from layerwise.engine.shard import local_batches
from layerwise.io.tables import load_table


@pytest.mark.parametrize("m,size", [(10, 3), (7, 7), (1000, 4), (5, 8)])
def test_row_ranges_tile_the_rows(m, size):
    ranges = [row_range(m, r, size) for r in range(size)]
    assert ranges[0][0] == 0 and ranges[-1][1] == m
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))  # contiguous, no overlap
    sizes = [b - a for a, b in ranges]
    assert max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize("shuffle", [True, False])
def test_local_batches_split_each_global_batch_by_owner(shuffle):
    m, B, size = 53, 8, 3
    order = np.random.default_rng(0).permutation(m) if shuffle else np.arange(m)
    ranges = [row_range(m, r, size) for r in range(size)]
    per_rank = [list(local_batches(order, B, shuffle, a, b)) for a, b in ranges]
    for k, first in enumerate(range(0, m, B)):
        batch = order[first : first + B]
        for (a, b), batches in zip(ranges, per_rank):
            rows = batches[k]
            got = np.arange(len(order))[rows] if isinstance(rows, slice) else rows
            assert np.array_equal(got + a, batch[(batch >= a) & (batch < b)])  # this rank's rows, in order


def _table(tmp_path, fmt, m=23):
    pd = pytest.importorskip("pandas")
    rs = np.random.RandomState(1)
    df = pd.DataFrame({"a": rs.standard_normal(m), "b": rs.randint(0, 5, m), "label": rs.choice(["x", "y"], m)})
    path = tmp_path / f"t.{fmt}"
    if fmt == "csv":
        df.to_csv(path, index=False)
    else:
        df.to_parquet(path, row_group_size=5)  # several row groups: a share reads only those it overlaps
    return path


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_readers_give_each_rank_its_rows_as_load_table_reads_them(tmp_path, fmt):
    path = _table(tmp_path, fmt)
    X, y, names = load_table(path, target="label")
    assert count_rows(path) == len(y) == 23
    for r in range(3):
        a, b = row_range(23, r, 3)
        Xr, yr, nr = read_rows(path, "label", a, b)
        assert nr == names and np.array_equal(Xr, X[a:b]) and np.array_equal(yr, y[a:b])


def test_npy_share_is_a_slice_of_the_map(tmp_path):
    A = np.random.RandomState(0).standard_normal((17, 4))
    path = tmp_path / "d.npy"
    np.save(path, A)
    X, y, names = load_table(path, target="-1")
    for r in range(4):
        a, b = row_range(17, r, 4)
        Xr, yr, nr = read_rows(path, "-1", a, b)
        assert np.array_equal(Xr, X[a:b]) and np.array_equal(yr, y[a:b]) and nr == names
    Xr, yr, _ = read_rows(path, "x1", 2, 5)  # a middle column as the target
    assert np.array_equal(yr, A[2:5, 1]) and np.array_equal(Xr, A[2:5][:, [0, 2, 3]])
    np.save(path, np.asfortranarray(A))  # column-major
    Xr, yr, _ = read_rows(path, "-1", 3, 9)
    assert np.array_equal(Xr, A[3:9, :3]) and np.array_equal(yr, A[3:9, 3])


def test_csv_without_final_newline_and_short_npy(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("a,b\n1,2\n3,4")
    assert count_rows(path) == 2
    np.save(tmp_path / "s.npy", np.zeros((10, 3)))
    with open(tmp_path / "s.npy", "r+b") as f:
        f.truncate(f.seek(0, 2) - 24)
    read_rows(tmp_path / "s.npy", "-1", 0, 5)  # the first rows are still there
    with pytest.raises(ValueError, match="shorter than its header"):
        read_rows(tmp_path / "s.npy", "-1", 5, 10)
    with pytest.raises(ValueError, match="reads .parquet"):
        count_rows(tmp_path / "s.npz")


def test_global_scalers_equal_scikit_learns_on_all_rows():
    X = np.random.RandomState(2).standard_normal((50, 3)) * [1, 10, 0] + [0, 5, 3]  # a constant column
    ours, theirs = fit_scaler(SELF, X, "standard"), StandardScaler().fit(X)
    for attr in ("mean_", "var_", "scale_"):
        np.testing.assert_allclose(getattr(ours, attr), getattr(theirs, attr), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=1e-12, atol=1e-12)
    ours, theirs = fit_scaler(SELF, X, "minmax"), MinMaxScaler().fit(X)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=1e-12, atol=1e-15)


def test_checkpoint_mismatch_names_what_differs_and_garbage_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"solver 'adam' there, 'sgd' here; rows 100 there, 99 here"):
        ckpt.check("m.ckpt", {"solver": "adam", "rows": 100, "alpha": 0.1}, {"solver": "sgd", "rows": 99, "alpha": 0.1})
    ckpt.check("m.ckpt", {"a": 1}, {"a": 1})
    with pytest.raises(ValueError, match="not a layerwise checkpoint"):
        ckpt.decode("m.ckpt", b"\x08\x00\x00\x00\x00\x00\x00\x00{}garbage")
    assert ckpt.path_for("out/model.safetensors") == "out/model.safetensors.ckpt"


def test_world_without_a_launcher_says_how_to_launch(monkeypatch):
    for var in ("PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "MPI_LOCALRANKID", "SLURM_PROCID"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(LaunchError, match="mpiexec -n 4 layerwise train"):
        world()


def test_global_score_is_score_on_all_rows():
    from layerwise import NeuralNetClassifier, NeuralNetRegressor
    from layerwise.distributed import global_score

    X = np.random.RandomState(0).standard_normal((60, 3))
    y = X @ [1.0, 2.0, 3.0] + 0.1
    reg = NeuralNetRegressor(hidden_layer_sizes=(5,), max_iter=30, tol=0, random_state=0)
    clf = NeuralNetClassifier(hidden_layer_sizes=(5,), max_iter=30, tol=0, random_state=0)
    with pytest.warns(Warning):
        reg.fit(X, y)
        clf.fit(X, y > 0)
    assert global_score(SELF, reg, X, y) == pytest.approx(reg.score(X, y), rel=1e-12)
    assert global_score(SELF, clf, X, y > 0) == clf.score(X, y > 0)


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_fit_in_one_process_is_the_estimators_own_fit(kind):
    """distributed.fit without a communicator retraces estimator.fit: split, weights, scores, early stop."""
    from layerwise import NeuralNetClassifier, NeuralNetRegressor
    from layerwise.distributed import fit

    rs = np.random.RandomState(5)
    X = rs.standard_normal((150, 4))
    y = np.digitize(X[:, 0] + 0.3 * X[:, 1], [-0.4, 0.6]) if kind == "classifier" else X[:, 0] - X[:, 2] ** 2
    w = rs.uniform(0.5, 2, 150)
    Est = NeuralNetClassifier if kind == "classifier" else NeuralNetRegressor
    extra = {"class_weight": "balanced"} if kind == "classifier" else {}
    params = dict(
        hidden_layer_sizes=(6,),
        batch_size=16,
        learning_rate=0.01,
        max_iter=60,
        early_stopping=True,
        n_iter_no_change=3,
        tol=1e-3,
        random_state=2,
        **extra,
    )
    ours, theirs = Est(**params), Est(**params)
    fit(ours, X, y, sample_weight=w)
    theirs.fit(X, y, sample_weight=w)
    assert ours.n_iter_ == theirs.n_iter_ < 60
    assert ours.validation_scores_ == theirs.validation_scores_ and ours.loss_curve_ == theirs.loss_curve_
    for a, b in zip(ours.params_, theirs.params_):
        assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)


@pytest.mark.parametrize("shuffle", [True, False])
def test_shard_epochs_on_four_threads_equal_one_process(shuffle):
    """The engine's data-parallel epoch, four 'processes' as threads summing through a barrier, against
    run_epoch on all rows: small batches leave some processes (the L2-carrying lead included) without rows."""
    import threading

    from layerwise.engine import FitConfig, Network, Shard, TrainState, make_optimizer, run_epoch, shard_epoch

    m, N, dims = 37, 4, [3, 5, 2]
    rs = np.random.RandomState(0)
    X, Y = rs.standard_normal((m, 3)), rs.standard_normal((m, 2))
    w = rs.uniform(0, 2, m)
    w[:6] = 0  # a batch of zero weights, and a lead whose share of some batches weighs nothing
    theta0 = rs.standard_normal(sum(a * b + b for a, b in itertools.pairwise(dims)))
    cfg = FitConfig(batch_size=5, max_iter=3, learning_rate=0.01, shuffle=shuffle, alpha=1e-2)

    def setup():
        net = Network(dims, ["tanh"], "mse")
        net.theta[:] = theta0
        return net, make_optimizer("adam", net.size, net.dtype), TrainState(0.01), np.random.default_rng(7)

    net, opt, state, rng = setup()
    order = np.arange(m)
    want = [run_epoch(net, opt, X, Y, w, cfg, state, rng, order) for _ in range(3)]
    barrier, bufs, results = threading.Barrier(N), [None] * N, [None] * N

    def process(r):
        def allreduce(buf):
            bufs[r] = buf
            barrier.wait()
            if r == 0:
                bufs.append(sum(bufs[k].copy() for k in range(N)))
            barrier.wait()
            buf[:] = bufs[N]
            barrier.wait()
            if r == 0:
                bufs.pop()
            barrier.wait()

        a, b = row_range(m, r, N)
        net, opt, state, rng = setup()
        shard, order = Shard(a, b, m, allreduce, lead=r == 0), np.arange(m)
        costs = [shard_epoch(net, opt, X[a:b], Y[a:b], w[a:b], cfg, state, rng, order, shard) for _ in range(3)]
        results[r] = (net.theta.copy(), costs)

    threads = [threading.Thread(target=process, args=(r,)) for r in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for theta, costs in results:
        assert np.array_equal(theta, results[0][0])  # every process holds the same weights
        np.testing.assert_allclose(theta, net.theta, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(costs, want, rtol=1e-12)


def test_a_checkpointed_run_continued_equals_the_uninterrupted_one(tmp_path, monkeypatch):
    """The engine's checkpoint hook in one process: 3 epochs saved, then resumed to 6, is the 6-epoch run
    itself (weights, Adam's moments, the shuffling generator and dropout's draws all come back)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from layerwise import NeuralNetClassifier
    from layerwise.distributed import fit, training

    rs = np.random.RandomState(7)
    X = rs.standard_normal((90, 4))
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    params = dict(hidden_layer_sizes=(6,), batch_size=16, max_iter=6, dropout=0.1, random_state=1)
    path = tmp_path / "m.ckpt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        whole = NeuralNetClassifier(**params).fit(X, y)
        fit(NeuralNetClassifier(**{**params, "max_iter": 3}), X, y, checkpoint=path, checkpoint_every=1)
        ran = []  # the epochs the resumed call runs itself: only the last three
        monkeypatch.setattr(training.Checkpoints, "after_epoch", lambda hook, state: ran.append(state.n_iter))
        rest = fit(NeuralNetClassifier(**params), X, y, checkpoint=path, checkpoint_every=1, resume=True)
    assert ran == [4, 5, 6]
    assert rest.n_iter_ == whole.n_iter_ == 6 and rest.loss_curve_ == whole.loss_curve_
    for a, b in zip(rest.params_, whole.params_):
        assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)
    for key in ("v", "s"):
        assert np.array_equal(rest.opt_state_[key], whole.opt_state_[key])

"""search() on an in-process Dask cluster, checked against scikit-learn's own model selection."""

import distributed
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score, train_test_split

import layerwise
from layerwise import NeuralNetClassifier, NeuralNetRegressor
from layerwise.datasets import make_flower
from layerwise.search import ClusterError, search
from layerwise.search import cluster as cluster_module

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

LR = "learning_rate"


def make_net(**kwargs):
    return NeuralNetClassifier(
        **{"hidden_layer_sizes": (8,), "max_iter": 40, "batch_size": 16, "random_state": 0, **kwargs}
    )


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def data():
    return make_flower(m=200, random_state=3)


SPACE = {LR: {"loguniform": [1e-3, 0.1]}, "hidden_layer_sizes": {"choice": [[4], [8, 4]]}}


def _params(row):
    return {k: (tuple(v) if isinstance(v, list) else v) for k, v in __import__("json").loads(row["params"]).items()}


def test_kfold_scores_match_cross_val_score(client, data):
    X, y = data
    cv = KFold(3, shuffle=True, random_state=0)
    result = search(make_net(), SPACE, X, y, sampler="random", n_trials=5, cv=cv, client=client, progress=False)
    assert sorted(r["number"] for r in result.rows) == list(range(5))
    for row in result.rows:
        assert row["status"] == "ok" and row["worker"].startswith("inproc://")
        reference = cross_val_score(make_net(**_params(row)), X, y, cv=cv)  # scikit-learn, in this process
        assert row["score"] == pytest.approx(reference.mean(), abs=1e-12)
        assert row["score_std"] == pytest.approx(reference.std(), abs=1e-12)
        assert row["cost_min"] <= row["cost_first"] and row["n_iter"] >= 1 and row["fit_time"] > 0
    best = max(result.rows, key=lambda r: (r["score"], -r["number"]))
    assert result.best_params == __import__("json").loads(best["params"]) and result.best_score == best["score"]
    refit = make_net(**_params(best)).fit(X, y)  # the best model, refitted on every row
    np.testing.assert_array_equal(result.best_estimator.predict(X), refit.predict(X))


def test_validation_split_is_a_stratified_holdout(client, data):
    X, y = data
    result = search(
        make_net(),
        {"alpha": {"values": [1e-4, 1e-1]}},
        X,
        y,
        sampler="grid",
        validation_fraction=0.25,
        random_state=7,
        client=client,
        progress=False,
        refit=False,
    )
    train, val = train_test_split(np.arange(len(y)), test_size=0.25, random_state=7, stratify=y)
    assert len(result.rows) == 2 and result.best_estimator is None
    for row in result.rows:
        model = make_net(**_params(row)).fit(X[train], y[train])
        assert row["score"] == pytest.approx(model.score(X[val], y[val]), abs=1e-12)


def test_interrupted_search_resumes_and_skips_finished_trials(client, data, tmp_path):
    X, y = data
    path = tmp_path / "results.csv"
    seen = []

    def stop_after_two(row):
        seen.append(row["number"])
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        search(
            make_net(), SPACE, X, y, n_trials=6, results=path, client=client, progress=False, callback=stop_after_two
        )
    first = [int(line.split(",")[0]) for line in path.read_text().splitlines()[1:]]
    assert sorted(first) == sorted(seen)  # the table holds exactly the finished trials
    rerun = []
    result = search(
        make_net(),
        SPACE,
        X,
        y,
        n_trials=6,
        results=path,
        client=client,
        progress=False,
        callback=lambda row: rerun.append(row["number"]),
    )
    assert sorted(rerun) == sorted(set(range(6)) - set(seen))  # nothing finished is run twice
    fresh = search(make_net(), SPACE, X, y, n_trials=6, client=client, progress=False, refit=False)
    key = lambda rows: sorted((r["number"], r["params"], r["score"]) for r in rows)
    assert key(result.rows) == key(fresh.rows)  # resuming gives what one uninterrupted run gives


def test_pruning_stops_bad_learning_curves_and_trains_like_partial_fit(client, data):
    X, y = data
    good, bad = [0.05, 0.04, 0.03, 0.06], [1e-7, 2e-7, 3e-7, 4e-7]
    net = make_net(max_iter=30)
    result = search(
        net,
        {LR: {"values": good + bad}},
        X,
        y,
        sampler="grid",
        prune=True,
        rungs=3,
        client=client,
        progress=False,
        refit=False,
    )
    rows = {r["number"]: r for r in result.rows}
    assert sorted(rows) == list(range(8)) and {r["status"] for r in rows.values()} <= {"ok", "pruned"}
    assert rows[6]["status"] == rows[7]["status"] == "pruned" and rows[0]["status"] == "ok"
    train, val = train_test_split(np.arange(len(y)), test_size=0.2, random_state=0, stratify=y)
    for row in rows.values():
        model = clone(net).set_params(**_params(row))
        for _ in range(row["n_iter"]):  # the reference: plain partial_fit epochs, in this process
            model.partial_fit(X[train], y[train], classes=np.unique(y))
        assert row["score"] == pytest.approx(model.score(X[val], y[val]), abs=1e-12)
        assert (row["n_iter"] == 30) == (row["status"] == "ok")


def test_tpe_sampler_runs_every_trial(client, data):
    X, y = data
    result = search(
        make_net(), SPACE, X, y, sampler="tpe", n_trials=6, prune=False, client=client, progress=False, refit=False
    )
    assert sorted(r["number"] for r in result.rows) == list(range(6))
    assert all(r["status"] == "ok" and 1e-3 <= r[LR] <= 0.1 for r in result.rows)


def test_a_trial_that_cannot_train_is_recorded_as_failed(client, data):
    X, y = data
    result = search(
        make_net(),
        {"activation": {"values": ["tanh", "no-such-activation"]}},
        X,
        y,
        sampler="grid",
        client=client,
        progress=False,
        refit=False,
    )
    rows = sorted(result.rows, key=lambda r: r["number"])
    assert [r["status"] for r in rows] == ["ok", "failed"]
    assert "no-such-activation" in rows[1]["error"] and rows[1]["score"] is None
    assert result.best_params == {"activation": "tanh"}


def test_user_errors(client, data, monkeypatch):
    X, y = data
    with pytest.raises(ValueError, match="has no parameter"):
        search(make_net(), {"learning_speed": {"values": [1]}}, X, y, sampler="grid", client=client)
    from sklearn.svm import SVC

    with pytest.raises(ValueError, match="partial_fit"):
        search(SVC(), {"C": {"values": [1.0]}}, X, y, sampler="grid", prune=True, client=client)
    with pytest.raises(ValueError, match="validation_fraction"):
        search(make_net(), SPACE, X, y, n_trials=1, validation_fraction=1.5, client=client)
    monkeypatch.setattr(cluster_module, "_expected_version", lambda: "0.0.0-elsewhere")
    with pytest.raises(ClusterError, match="install the same layerwise version"):
        search(make_net(), SPACE, X, y, n_trials=1, client=client)


def test_gridsearchcv_on_joblibs_dask_backend(client, data):
    import joblib

    X, y = data
    grid = {"alpha": [1e-4, 1e-2], LR: [0.01, 0.05]}
    with joblib.parallel_backend("dask"):
        on_dask = GridSearchCV(make_net(), grid, cv=3, n_jobs=-1).fit(X, y)
    here = GridSearchCV(make_net(), grid, cv=3, n_jobs=1).fit(X, y)
    np.testing.assert_allclose(on_dask.cv_results_["mean_test_score"], here.cv_results_["mean_test_score"], atol=1e-12)
    assert on_dask.best_params_ == here.best_params_


def test_best_model_is_saved_as_a_model_file(client, data, tmp_path):
    X, y = data
    out = tmp_path / "best.lw"
    result = search(make_net(), SPACE, X, y, n_trials=3, out=str(out), client=client, progress=False)
    np.testing.assert_array_equal(layerwise.load(str(out)).predict(X), result.best_estimator.predict(X))


def test_plot_of_score_against_each_hyperparameter(client, data):
    X, y = data
    result = search(make_net(), SPACE, X, y, n_trials=3, client=client, progress=False, refit=False)
    fig = result.plot()
    assert len(fig.axes) == len(SPACE)
    assert result.plot(LR) is not None


def test_regressor_with_a_scorer_name_matches_cross_val_score(client):
    from sklearn.datasets import make_regression

    X, y = make_regression(n_samples=150, n_features=4, noise=5.0, random_state=0)
    y = y / y.std()
    net = NeuralNetRegressor(hidden_layer_sizes=(8,), max_iter=30, batch_size=16, random_state=0)
    cv = KFold(3, shuffle=True, random_state=1)
    result = search(
        net,
        {LR: {"loguniform": [1e-3, 3e-2]}},
        X,
        y,
        n_trials=3,
        cv=cv,
        scoring="neg_mean_absolute_error",
        client=client,
        progress=False,
        refit=False,
    )
    for row in result.rows:
        reference = cross_val_score(
            clone(net).set_params(**_params(row)), X, y, cv=cv, scoring="neg_mean_absolute_error"
        )
        assert row["status"] == "ok" and row["score"] == pytest.approx(reference.mean(), rel=1e-12)

"""The search space, samplers and results table: no Dask needed."""

import json
import math
import os

import numpy as np
import pytest
from scipy import stats
from sklearn.model_selection import ParameterGrid

from layerwise.search.results import ResultsTable
from layerwise.search.runner import rung_plan
from layerwise.search.samplers import make_sampler
from layerwise.search.space import canonical, load_space, parse_space

SPACE = {
    "learning_rate": {"loguniform": [1e-4, 0.3]},
    "hidden_layer_sizes": {"choice": [[16], [32, 16]]},
    "alpha": {"uniform": [0.0, 1e-3]},
    "max_iter": {"int": [50, 60]},
    "activation": {"values": ["relu", "tanh"]},
}
TOML = """
[learning_rate]
loguniform = [1e-4, 0.3]
[hidden_layer_sizes]
choice = [[16], [32, 16]]
[alpha]
uniform = [0.0, 1e-3]
[max_iter]
int = [50, 60]
[activation]
values = ["relu", "tanh"]
"""


def test_toml_file_and_dict_give_the_same_space(tmp_path):
    path = tmp_path / "space.toml"
    path.write_text(TOML)
    assert load_space(path) == parse_space(SPACE) == parse_space(str(path))
    assert list(parse_space(SPACE)) == list(SPACE)  # order kept: it is the column order


@pytest.mark.parametrize(
    "table, match",
    [
        ({"between": [1, 2]}, "exactly one of"),
        ({"uniform": [0, 1], "int": [0, 1]}, "exactly one of"),
        ({"loguniform": [0.0, 1.0]}, "0 < low"),
        ({"uniform": [1.0, 1.0]}, "low < high"),
        ({"int": [1.5, 3]}, "two integers"),
        ({"uniform": [0.0]}, r"\[low, high\]"),
        ({"choice": []}, "non-empty list"),
        ([1, 2], "exactly one of"),
    ],
)
def test_bad_tables_say_what_was_expected(table, match):
    with pytest.raises(ValueError, match=match):
        parse_space({"p": table})


def test_bad_toml_and_missing_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[learning_rate\nloguniform = 1")
    with pytest.raises(ValueError, match="not valid TOML"):
        load_space(path)
    with pytest.raises(FileNotFoundError, match="no such space file"):
        load_space(tmp_path / "absent.toml")


def test_grid_is_every_combination():
    space = {"a": {"values": [1, 2, 3]}, "b": {"choice": [[4], [5, 6]]}, "c": {"int": [0, 1]}}
    sampler = make_sampler("grid", parse_space(space), None)
    got = []
    while (p := sampler.ask()) is not None:
        got.append(canonical(p.params))
    reference = ParameterGrid({"a": [1, 2, 3], "b": [[4], [5, 6]], "c": [0, 1]})  # independent enumeration
    assert sorted(got) == sorted(canonical(p) for p in reference) and len(got) == 12


def test_grid_rejects_continuous_ranges():
    with pytest.raises(ValueError, match="no grid"):
        make_sampler("grid", parse_space({"lr": {"loguniform": [1e-3, 1.0]}}), None)


def test_random_and_tpe_need_a_trial_count_and_known_sampler():
    space = parse_space(SPACE)
    with pytest.raises(ValueError, match="number of trials"):
        make_sampler("tpe", space, None)
    with pytest.raises(ValueError, match="sampler must be one of"):
        make_sampler("annealing", space, 3)


def _draws(sampler):
    out = []
    while (p := sampler.ask()) is not None:
        out.append(p.params)
    return out


def test_random_draws_follow_their_distributions():
    space = parse_space(SPACE)
    draws = _draws(make_sampler("random", space, 1500, seed=3))
    lr = np.array([d["learning_rate"] for d in draws])
    # log(lr) is uniform on [log 1e-4, log 0.3]: Kolmogorov-Smirnov against scipy's uniform
    lo, hi = math.log(1e-4), math.log(0.3)
    assert stats.kstest(np.log(lr), stats.uniform(lo, hi - lo).cdf).pvalue > 1e-3
    alpha = np.array([d["alpha"] for d in draws])
    assert stats.kstest(alpha, stats.uniform(0.0, 1e-3).cdf).pvalue > 1e-3
    assert {d["max_iter"] for d in draws} == set(range(50, 61))  # both ends included
    assert {json.dumps(d["hidden_layer_sizes"]) for d in draws} == {"[16]", "[32, 16]"}
    assert _draws(make_sampler("random", space, 20, seed=3)) == draws[:20]  # the same seed, the same trials
    assert _draws(make_sampler("random", space, 20, seed=4)) != draws[:20]


def test_tpe_proposals_stay_inside_the_space():
    space = parse_space(SPACE)
    sampler = make_sampler("tpe", space, 15, seed=0)
    for i in range(15):
        p = sampler.ask()
        assert p.number == i
        assert 1e-4 <= p.params["learning_rate"] <= 0.3 and p.params["hidden_layer_sizes"] in ([16], [32, 16])
        sampler.tell(p, -abs(math.log10(p.params["learning_rate"]) + 2), "ok")
    assert sampler.ask() is None


def test_resume_rejects_a_table_from_another_space():
    space = parse_space(SPACE)
    row = {
        "number": 0,
        "status": "ok",
        "score": 0.5,
        "n_iter": 10,
        "params": canonical({**_draws(make_sampler("random", space, 1, seed=1))[0]}),
    }
    with pytest.raises(ValueError, match="new results file"):
        make_sampler("random", space, 3, seed=2).resume([row])


def _row(number, params, status="ok", score=0.5):
    return {
        "number": number,
        "status": status,
        "score": score,
        "score_std": 0.0,
        **{k: (json.dumps(v) if isinstance(v, list) else v) for k, v in params.items()},
        "n_iter": 10,
        "cost_first": 0.7,
        "cost_last": 0.2,
        "cost_min": 0.1,
        "fit_time": 0.25,
        "worker": "tcp://127.0.0.1:1",
        "finished_at": "2026-01-01T00:00:00",
        "error": None,
        "params": canonical(params),
    }


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_results_table_round_trip(tmp_path, suffix):
    path = str(tmp_path / f"results{suffix}")
    names = ["learning_rate", "hidden_layer_sizes"]
    table = ResultsTable(path, names)
    rows = [
        _row(0, {"learning_rate": 0.01, "hidden_layer_sizes": [32, 16]}),
        _row(1, {"learning_rate": 0.2, "hidden_layer_sizes": [16]}, "failed", None),
    ]
    rows[1]["error"] = "ValueError: boom"
    for r in rows:
        table.add(r)
    assert os.listdir(tmp_path) == [f"results{suffix}"]  # written atomically: no temporary left behind
    again = ResultsTable(path, names)
    assert again.rows == rows
    assert [r["number"] for r in again.finished()] == [0]
    fixed = _row(1, {"learning_rate": 0.2, "hidden_layer_sizes": [16]}, score=0.9)
    again.add(fixed)  # a rerun of a failed trial replaces its row
    assert ResultsTable(path, names).rows == [rows[0], fixed] and again.best() == fixed
    with pytest.raises(ValueError, match="do not match"):
        ResultsTable(path, ["learning_rate"])


def test_results_table_checks_names_and_suffix(tmp_path):
    with pytest.raises(ValueError, match="clash"):
        ResultsTable(None, ["score"])
    with pytest.raises(ValueError, match=".csv or .parquet"):
        ResultsTable(str(tmp_path / "r.xlsx"), ["a"])


@pytest.mark.parametrize("max_iter, rungs", [(10, 3), (200, 4), (2, 4), (1, 1)])
def test_rung_plan_covers_every_epoch(max_iter, rungs):
    plan = rung_plan(max_iter, rungs)
    assert sum(plan) == max_iter and len(plan) == min(rungs, max_iter) and max(plan) - min(plan) <= 1


def test_resume_with_fewer_trials_than_the_table_holds():
    space = parse_space(SPACE)
    draws = _draws(make_sampler("random", space, 5, seed=1))
    rows = [
        {"number": i, "status": "ok", "score": 0.5, "n_iter": 10, "params": canonical(p)} for i, p in enumerate(draws)
    ]
    sampler = make_sampler("random", space, 3, seed=1)
    sampler.resume(rows)  # rows 3 and 4 come from a longer run of the same sequence: accepted
    assert sampler.ask() is None
    more = make_sampler("random", space, 7, seed=1)
    more.resume(rows)
    assert [p.number for p in _draws_proposals(more)] == [5, 6]


def _draws_proposals(sampler):
    out = []
    while (p := sampler.ask()) is not None:
        out.append(p)
    return out

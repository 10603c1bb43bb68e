"""`layerwise search` through layerwise.cli.main, on the embedded local cluster."""
import csv
import importlib
import importlib.util

import numpy as np
import pytest

from layerwise.datasets import make_flower

pytest.importorskip("distributed")
pytest.importorskip("optuna")
cli = pytest.importorskip("layerwise.cli")
if not hasattr(importlib.import_module("layerwise.datasets"), "load_table"):
    pytest.skip("layerwise.datasets.load_table (workflow branch) not merged yet", allow_module_level=True)
if "search" not in cli.build_parser().format_help():
    pytest.skip("the search subcommand is not registered in layerwise.cli yet", allow_module_level=True)
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SPACE = """
[learning_rate]
loguniform = [0.005, 0.05]
[hidden_layer_sizes]
choice = [[8], [8, 4]]
[max_iter]
values = [60]
"""


@pytest.fixture
def files(tmp_path):
    X, y = make_flower(m=200, random_state=2)
    data = tmp_path / "flower.csv"
    with open(data, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["x0", "x1", "label"])
        w.writerows([[a, b, int(c)] for (a, b), c in zip(X, y)])
    space = tmp_path / "space.toml"
    space.write_text(SPACE)
    return tmp_path, str(data), str(space)


def test_search_command_writes_table_model_and_plot(files, capsys):
    tmp, data, space = files
    results, model, plot = tmp / "r.csv", tmp / "best.safetensors", tmp / "search.png"
    argv = ["search", data, "--target", "label", "--space", space, "--trials", "4", "--results", str(results),
            "--workers", "2", "--seed", "1"]
    extra = []
    if importlib.util.find_spec("layerwise.persistence"):
        extra += ["--out", str(model)]
    if importlib.util.find_spec("layerwise.plotting") and importlib.util.find_spec("matplotlib"):
        extra += ["--plot", str(plot)]
    assert cli.main(argv + extra) == 0
    out = capsys.readouterr().out
    with open(results, newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(int(r["number"]) for r in rows) == [0, 1, 2, 3] and {r["status"] for r in rows} == {"ok"}
    best = max(rows, key=lambda r: (float(r["score"]), -int(r["number"])))
    assert f"Best score {float(best['score']):.4f}" in out
    if "--out" in extra:
        import layerwise
        loaded = layerwise.load(str(model))
        assert loaded.get_params()["learning_rate"] == pytest.approx(float(best["learning_rate"]))
    if "--plot" in extra:
        assert plot.stat().st_size > 0
    # the same command again: every trial is already in the table, nothing runs
    assert cli.main(argv) == 0
    with open(results, newline="") as f:
        assert [r["finished_at"] for r in csv.DictReader(f)] == [r["finished_at"] for r in rows]


@pytest.mark.parametrize("space_text, message", [
    ("[learning_rate]\nbetween = [1, 2]\n", "exactly one of"),
    ("[learning_speed]\nvalues = [1]\n", "has no parameter"),
])
def test_search_command_user_errors_are_one_line(files, capsys, space_text, message):
    tmp, data, _ = files
    space = tmp / "bad.toml"
    space.write_text(space_text)
    assert cli.main(["search", data, "--target", "label", "--space", str(space), "--trials", "2",
                     "--results", str(tmp / "r.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("layerwise: error:") and message in err and "\n" not in err


def test_missing_space_file(files, capsys):
    tmp, data, _ = files
    assert cli.main(["search", data, "--target", "label", "--space", str(tmp / "none.toml")]) == 2
    assert "no such space file" in capsys.readouterr().err

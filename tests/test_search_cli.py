"""`layerwise search` through layerwise.cli.main, on the embedded local cluster."""

import csv

import pytest

import layerwise
from layerwise import cli
from layerwise.datasets import make_flower

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
    argv = [
        "search",
        data,
        "--target",
        "label",
        "--space",
        space,
        "--trials",
        "4",
        "--results",
        str(results),
        "--workers",
        "2",
        "--seed",
        "1",
    ]
    extra = ["--out", str(model), "--plot", str(plot)]
    assert cli.main(argv + extra) == 0
    out = capsys.readouterr().out
    with open(results, newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(int(r["number"]) for r in rows) == [0, 1, 2, 3] and {r["status"] for r in rows} == {"ok"}
    best = max(rows, key=lambda r: (float(r["score"]), -int(r["number"])))
    assert f"Best score {float(best['score']):.4f}" in out
    loaded = layerwise.load(str(model))
    assert loaded.get_params()["learning_rate"] == pytest.approx(float(best["learning_rate"]))
    assert loaded.classes_.dtype.kind == "i" and list(loaded.classes_) == [0, 1]  # the file's 0 and 1, not 0.0
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the same command again: every trial is already in the table, nothing runs
    assert cli.main(argv) == 0
    with open(results, newline="") as f:
        assert [r["finished_at"] for r in csv.DictReader(f)] == [r["finished_at"] for r in rows]


@pytest.mark.parametrize(
    "space_text, message",
    [
        ("[learning_rate]\nbetween = [1, 2]\n", "exactly one of"),
        ("[learning_speed]\nvalues = [1]\n", "has no parameter"),
    ],
)
def test_search_command_user_errors_are_one_line(files, capsys, space_text, message):
    tmp, data, _ = files
    space = tmp / "bad.toml"
    space.write_text(space_text)
    assert (
        cli.main(
            [
                "search",
                data,
                "--target",
                "label",
                "--space",
                str(space),
                "--trials",
                "2",
                "--results",
                str(tmp / "r.csv"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err.strip()
    assert err.startswith("layerwise: error:") and message in err and "\n" not in err


def test_missing_space_file(files, capsys):
    tmp, data, _ = files
    assert cli.main(["search", data, "--target", "label", "--space", str(tmp / "none.toml")]) == 2
    assert "no such space file" in capsys.readouterr().err


@pytest.mark.slow
def test_ctrl_c_keeps_the_table_and_a_rerun_resumes(files):
    """A real SIGINT to a running `layerwise search`: exit 130, every finished row kept, then resume."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    import layerwise

    tmp, data, _ = files
    space = tmp / "long.toml"
    space.write_text(SPACE.replace("values = [60]", "values = [400]") + "[n_iter_no_change]\nvalues = [100000]\n")
    results = tmp / "r.csv"
    argv = [
        sys.executable,
        "-m",
        "layerwise",
        "search",
        data,
        "--target",
        "label",
        "--space",
        str(space),
        "--trials",
        "400",
        "--results",
        str(results),
        "--workers",
        "2",
    ]
    src = str(Path(layerwise.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])),
        "PYTHONWARNINGS": "ignore::UserWarning",
    }

    def rows():
        with open(results, newline="") as f:
            return list(csv.DictReader(f))

    proc = subprocess.Popen(
        argv,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 120
        while not (results.exists() and len(rows()) >= 3) and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err[-2000:]
    assert "run the same command again to resume" in err
    first = rows()
    assert 3 <= len(first) < 400 and len({r["number"] for r in first}) == len(first)
    # resume with fewer trials: the finished ones are kept as they are, only the missing ones run
    n = len(first) + 2
    argv[argv.index("400")] = str(n)
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    after = {r["number"]: r for r in rows()}
    assert set(map(str, range(n))) <= set(after)
    assert all(after[r["number"]] == r for r in first)

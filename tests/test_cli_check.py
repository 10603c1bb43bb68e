"""`layerwise check FILE`: a .py module in this process, an .ipynb notebook in a real kernel (nbclient);
exit 0 when all pass, 1 when one fails, 2 for a usage error."""

from __future__ import annotations

import json
import textwrap

import pytest

from layerwise.cli import main

GOOD = textwrap.dedent(
    """
    import numpy as np

    def linear_forward(A, W, b):
        return W @ A + b, (A, W, b)

    def linear_backward(dZ, cache):
        A_prev, W, b = cache
        m = A_prev.shape[1]
        return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m

    if __name__ == "__main__":
        raise SystemExit("the module's main block must not run")
    """
)
BAD = GOOD.replace("dZ @ A_prev.T / m", "dZ @ A_prev.T")  # dW without 1/m


def test_a_correct_module_passes(tmp_path, capsys):
    path = tmp_path / "mine.py"
    path.write_text(GOOD)
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "linear_forward" in out and "linear_backward" in out and "2 of 2 functions pass" in out


def test_a_buggy_module_fails_with_the_cause(tmp_path, capsys):
    path = tmp_path / "mine.py"
    path.write_text(BAD)
    assert main(["check", str(path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] is False and report["functions"]["linear_forward"]["passed"] is True
    assert "the 1/m is missing" in " ".join(report["functions"]["linear_backward"]["details"])


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["check", str(tmp_path / "missing.py")]) == 2
    (tmp_path / "data.csv").write_text("a,b\n")
    assert main(["check", str(tmp_path / "data.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("layerwise: error:") == 2 and "expected a .py module or an .ipynb notebook" in err


def test_a_module_that_raises_exits_1_with_one_line(tmp_path, capsys):
    path = tmp_path / "mine.py"
    path.write_text("import numpy as np\nx = 1 / 0\n")
    assert main(["check", str(path)]) == 1
    assert "raised ZeroDivisionError" in capsys.readouterr().err


def test_nothing_to_check_fails(tmp_path, capsys):
    path = tmp_path / "mine.py"
    path.write_text("x = 1\n")
    assert main(["check", str(path)]) == 1
    assert "no course function found" in capsys.readouterr().out


def test_a_notebook_runs_in_a_kernel(tmp_path, capsys):
    pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from layerwise.course.week4 import linear_forward"),
        nbformat.v4.new_code_cell("1 / 0"),  # a cell that raises does not stop the check
        nbformat.v4.new_code_cell(BAD.split("if __name__")[0]),
    ]
    path = tmp_path / "mine.ipynb"
    nbformat.write(nb, str(path))
    assert main(["check", str(path)]) == 1
    captured = capsys.readouterr()
    assert "linear_backward" in captured.out and "the 1/m is missing" in captured.out
    assert "cell 2 raised ZeroDivisionError" in captured.err

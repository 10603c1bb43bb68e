"""The course's flow as notebooks (notebooks/week2, 3, 4), executed in a real Jupyter kernel (nbclient), with
their outputs checked: the course's printed figures, a picture in every plotting cell, summary() as an HTML
table, ``check(globals())`` as one table row per course function found, and no error or widget warning.

Cells are tagged in the notebooks: "check", "plot", "summary", "figures", and "cats" for those that need
the course's cat images (they print why and show nothing when the images are absent); week 3's "playground"
cell shows the playground (its iframe's page is fetched from here while the kernel runs) and
"playground-stop" ends it (its port then refuses)."""

from __future__ import annotations

import re
import socket
import urllib.request
from pathlib import Path

import pytest

from layerwise import datasets
from layerwise.cli.check import _kernel_env

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _have_cats():
    try:
        datasets.find_cat_dir()
    except FileNotFoundError:
        return False
    return True


def _run(name, after=None):
    """The executed notebook; ``after``: {tag: fn(cell)} called from here once a cell of that tag has run,
    while the kernel is still alive (the playground's server is checked between its two cells)."""
    nb = nbformat.read(str(NOTEBOOKS / f"{name}.ipynb"), as_version=4)

    def executed(cell, **kwargs):
        for tag in cell.get("metadata", {}).get("tags", []):
            (after or {}).get(tag, lambda cell: None)(cell)

    client = nbclient.NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        on_cell_executed=executed,
    )
    client.execute(env=_kernel_env())  # the kernel imports this checkout's layerwise
    return nb


def _tagged(nb, tag):
    return [cell for cell in nb.cells if tag in cell.get("metadata", {}).get("tags", [])]


def _text(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


def _check_outputs(nb, n_functions, cats):
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"{out.get('ename')}: {out.get('evalue')}"
            assert "IProgress not found" not in out.get("text", "")
    (check_cell,) = _tagged(nb, "check")
    html = "".join(o.get("data", {}).get("text/html", "") for o in check_cell.outputs)
    rows = re.findall(r"<tr style", html)  # one row per function (the header row has no style)
    assert len(rows) == n_functions and f"{n_functions} of {n_functions} functions pass" in html
    for cell in _tagged(nb, "plot"):
        has_png = any("image/png" in o.get("data", {}) for o in cell.outputs)
        needs = cats or "cats" not in cell.metadata["tags"]
        assert has_png == needs, cell.source


@pytest.mark.slow
def test_week2_notebook():
    cats = _have_cats()
    nb = _run("week2")
    _check_outputs(nb, 6, cats)
    if not cats:
        pytest.skip("the course's cat images are absent: the cat cells printed why and showed nothing")
    (figures,) = _tagged(nb, "figures")
    text = _text(figures)
    assert "Cost after iteration 0: 0.693147" in text and "Cost after iteration 1900: 0.140872" in text
    assert "train accuracy: 99.04306220095694 %" in text and "test accuracy: 70.0 %" in text


class PlaygroundCell:
    """The playground cell's iframe, fetched from outside the kernel while it runs; its port after stop()."""

    def __init__(self):
        self.src = self.page = None
        self.closed = False

    def shown(self, cell):
        html = "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)
        match = re.search(r'<iframe src="(http://127\.0\.0\.1:\d+/)"', html)
        assert match, f"no iframe in the playground cell's output: {html[:200]!r}"
        self.src = match.group(1)
        with urllib.request.urlopen(self.src, timeout=10) as answer:
            assert answer.status == 200
            self.page = answer.read().decode()

    def stopped(self, cell):
        port = int(self.src.rsplit(":", 1)[1].strip("/"))
        with socket.socket() as s:
            s.settimeout(2)
            assert s.connect_ex(("127.0.0.1", port)) != 0, "the playground still answers after stop()"
        self.closed = True


@pytest.mark.slow
def test_week3_notebook():
    playground = PlaygroundCell()
    nb = _run("week3", after={"playground": playground.shown, "playground-stop": playground.stopped})
    assert 'id="boundary"' in playground.page and playground.closed  # its server answered, then stopped
    _check_outputs(nb, 8, True)
    (figures,) = _tagged(nb, "figures")
    for line in ("0: 0.693162", "1000: 0.258625", "2000: 0.239334", "6000: 0.219094"):  # up to the chaotic part
        assert f"Cost after iteration {line}" in _text(figures)
    (summary,) = _tagged(nb, "summary")
    html = "".join(o.get("data", {}).get("text/html", "") for o in summary.outputs)
    assert html.startswith("<table>") and html.count("<tr>") == 4  # the header and layers 0, 1, 2


@pytest.mark.slow
def test_week4_notebook():
    cats = _have_cats()
    nb = _run("week4")
    _check_outputs(nb, 13, cats)
    if not cats:
        pytest.skip("the course's cat images are absent: the cat cells printed why and showed nothing")
    text = _text(_tagged(nb, "figures")[0])
    assert "Cost after iteration 0: 0.7717493284237686" in text
    assert "Accuracy: 0.98564593301435" in text and "Accuracy: 0.8" in text


@pytest.mark.parametrize("name", ["week2", "week4"])
def test_cat_cells_do_nothing_without_the_images(name, monkeypatch, capsys):
    """Without the images the notebook still runs: the loading cell says why, the cat cells show nothing.
    (Run in this process, cell by cell, with the loader made to miss the folder.)"""

    def missing(*args, **kwargs):
        raise FileNotFoundError("the course's cat images are not in any of the three places")

    monkeypatch.setattr(datasets, "load_catvnoncat", missing)
    nb = nbformat.read(str(NOTEBOOKS / f"{name}.ipynb"), as_version=4)
    ns = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "plot" in cell.metadata.get("tags", []) and "cats" in cell.metadata["tags"]:
            assert eval(cell.source, ns) is None  # the cell's value: nothing to show
        else:
            exec(cell.source, ns)
    assert ns["cats"] is None and "the cat cells are skipped" in capsys.readouterr().out

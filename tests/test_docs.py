"""Every code block of the README and of docs/ runs as written: Python in a fresh interpreter, shell
commands in bash, each in a folder holding the data files the docs name (written here by the test).

The convention, for every page's author: every fenced block names its language. ``python`` blocks run as a script file in a fresh
interpreter (so ``if __name__ == "__main__":`` works as for a user); ``sh``/``bash``/``console``/``shell``
blocks run in ``bash -e -o pipefail``; other languages (``text``, ``toml``, ...) are not run. An HTML
comment on the line right above a fence (invisible on the built site) changes that:

    <!-- test: skip REASON -->     not run; the reason is shown (installs, needs a GPU or MPI, minutes, ...)
    <!-- test: slow -->            run only where slow tests run (CI; ``make test`` locally skips them)
    <!-- test: gpu -->             run only where CuPy sees a CUDA device
    <!-- test: mpi -->             run only where mpiexec and mpi4py are installed
    <!-- test: cats -->            run only where the course's cat images are found (layerwise.datasets' rule)
    <!-- test: file NAME -->       the block is the content of the file NAME, written for the blocks after it

Several markers may share one comment, separated by ";". Blocks of a page run in the order of the page in
one folder per page, which starts with: data.csv / train.csv (digits, a ``label`` column), test.csv
(held-out rows with ``label``), new.csv (held-out rows without it), houses.csv (rooms, area, price,
rent), space.toml and model.safetensors.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from userland import digits_files, env, layerwise_cmd, write_csv

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
SHELL = {"sh", "bash", "console", "shell"}
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)\s*(?P<lang>[\w+-]*)")
MARKER = re.compile(r"^\s*<!--\s*test:\s*(?P<body>.*?)\s*-->\s*$")
SPACE = "[learning_rate]\nloguniform = [1e-3, 0.1]\n[hidden_layer_sizes]\nchoice = [[16], [32]]\n"


def blocks(page):
    """[(line, language, code, markers)] of a Markdown page's fenced blocks; markers: {name: argument}."""
    lines, out, i = page.read_text().splitlines(), [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, fence, indent = i, m["fence"], len(m["indent"])
        i += 1
        body = []
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
            i += 1
        i += 1
        marker = MARKER.match(lines[start - 1]) if start else None
        markers = {}
        said = marker["body"] if marker else ""
        parts = [said] if said.startswith("skip") else said.split(";") if said else []  # a reason may hold ";"
        for part in parts:
            name, _, arg = part.strip().partition(" ")
            markers[name] = arg.strip()
        out.append((start + 1, m["lang"].lower(), "\n".join(body) + "\n", markers))
    return out


ALL = [(page, *b) for page in PAGES for b in blocks(page)]
KNOWN = {"skip", "slow", "gpu", "mpi", "cats", "file"}


def _id(page, line):
    return f"{page.relative_to(ROOT)}:{line}"


def _params():
    for page, line, lang, code, markers in ALL:
        if lang in SHELL | {"python"} or "file" in markers:
            marks = [pytest.mark.slow] if "slow" in markers else []
            yield pytest.param(page, line, lang, code, markers, id=_id(page, line), marks=marks)


def test_every_block_names_its_language_and_known_markers():
    bare = [_id(p, line) for p, line, lang, _, _ in ALL if not lang]
    assert bare == [], "fenced blocks without a language (use ```text for output and drawings)"
    unknown = [(_id(p, line), m) for p, line, _, _, ms in ALL for m in ms if m not in KNOWN]
    assert unknown == [], f"unknown docs-test markers; known: {sorted(KNOWN)}"


def test_no_indented_code_blocks_in_the_readme():
    text = (ROOT / "README.md").read_text()
    outside = re.sub(r"```.*?```", "", text, flags=re.S)
    indented = [line for line in outside.splitlines() if line.startswith("    ") and line.strip()]
    assert indented == [], "the README's code blocks are fenced with a language"


@pytest.fixture(scope="session")
def starter(tmp_path_factory):
    """The files every page's folder starts with."""
    d = tmp_path_factory.mktemp("docs-starter")
    digits_files(d)
    (d / "space.toml").write_text(SPACE)
    rng = np.random.default_rng(0)
    rooms, area = rng.integers(1, 7, 120), rng.uniform(20, 200, 120)
    write_csv(
        d / "houses.csv",
        {"rooms": rooms, "area": area, "price": 3e3 * area + 1e4 * rooms, "rent": 10 * area + 50 * rooms},
    )
    r = layerwise_cmd(
        "train",
        "data.csv",
        "--target",
        "label",
        "--hidden",
        "16",
        "--epochs",
        "20",
        "--seed",
        "0",
        "--verbose",
        "0",
        "--out",
        "model.safetensors",
        cwd=d,
    )
    assert r.returncode == 0, r.stderr
    return d


_FOLDERS = {}


def _folder(page, starter, tmp_path_factory):
    if page not in _FOLDERS:
        d = tmp_path_factory.mktemp(page.stem)
        shutil.copytree(starter, d, dirs_exist_ok=True)
        _FOLDERS[page] = d
    return _FOLDERS[page]


def _skip_unless_available(markers):
    if "skip" in markers:
        pytest.skip(f"marked skip in the docs: {markers['skip'] or 'no reason given'}")
    if "gpu" in markers:
        cupy = pytest.importorskip("cupy", reason="needs CuPy and a CUDA GPU")
        try:
            assert cupy.cuda.runtime.getDeviceCount() > 0
        except Exception:  # CuPy without a driver or a device raises its own errors
            pytest.skip("needs a CUDA GPU")
    if "mpi" in markers and (
        shutil.which("mpiexec", path=env()["PATH"]) is None
        or subprocess.run([sys.executable, "-c", "import mpi4py"], capture_output=True).returncode
    ):
        pytest.skip("needs MPI (mpiexec and mpi4py: the mpi extra)")
    if "cats" in markers:
        from layerwise.datasets import find_cat_dir

        try:
            find_cat_dir()
        except FileNotFoundError as exc:
            pytest.skip(str(exc))


@pytest.mark.parametrize("page, line, lang, code, markers", list(_params()))
def test_block_runs_as_written(page, line, lang, code, markers, starter, tmp_path_factory):
    _skip_unless_available(markers)
    folder = _folder(page, starter, tmp_path_factory)
    if "file" in markers:
        (folder / markers["file"]).write_text(code)
        return
    e = env(MPLBACKEND="Agg", TQDM_DISABLE="1")
    if lang == "python":
        script = folder / f"block_{line}.py"
        script.write_text(code)
        argv = [sys.executable, script.name]
    else:
        argv = ["bash", "-e", "-o", "pipefail", "-c", code]
    r = subprocess.run(argv, cwd=folder, env=e, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, (
        f"{_id(page, line)} failed ({r.returncode}):\n{code}\n--- stdout\n{r.stdout[-3000:]}"
        f"\n--- stderr\n{r.stderr[-3000:]}"
    )

"""The package's metadata says one thing in one place: the version, the oldest versions CI tests, the changelog."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10: tomli, the same parser (a dependency of the search extra there)
    import tomli as tomllib

import layerwise

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_version_is_pyprojects():
    assert layerwise.__version__ == PYPROJECT["project"]["version"]


def test_changelog_has_an_entry_for_this_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[?{re.escape(layerwise.__version__)}\]?", text, re.M), "CHANGELOG.md: no entry"


def test_oldest_pins_are_the_claimed_lower_bounds():
    # CI's oldest leg (make test-oldest) installs .ci/oldest.txt; pyproject.toml claims exactly those
    claimed = {}
    extras = PYPROJECT["project"]["optional-dependencies"]
    requirements = PYPROJECT["project"]["dependencies"] + [
        r for name, rs in extras.items() if name != "gpu" for r in rs
    ]
    for req in requirements:  # the gpu extra (CuPy) cannot install without CUDA: not in the leg
        name, low = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[\w+\])?>=([\w.]+)(?:;.*)?", req).groups()
        claimed[name.lower()] = low
    pinned = {}
    for line in (ROOT / ".ci" / "oldest.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pinned[name.lower()] = version
    assert pinned == claimed


def test_development_tools_are_not_user_extras():
    extras = PYPROJECT["project"]["optional-dependencies"]
    for tool in ("pytest", "hypothesis", "torch", "jax", "mkdocs", "ruff", "mypy"):
        assert not any(req.startswith(tool) for reqs in extras.values() for req in reqs), tool
    assert {"test", "bench", "docs", "lint"} <= set(PYPROJECT["dependency-groups"])


def sdist_runs_its_tests(builder: str, runner: str, tmp_path: Path) -> str:
    """Build the sdist with ``builder`` (a Python with `build`), unpack it, run a few of its tests with ``runner``."""
    import subprocess
    import tarfile

    subprocess.run(
        [builder, "-m", "build", "--sdist", "--outdir", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (sdist,) = (tmp_path / "dist").glob("layerwise-*.tar.gz")
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    (tree,) = (tmp_path / "unpacked").iterdir()
    for needed in ("tests/conftest.py", "tests/flower_reference.py", "tests/userland.py", "CHANGELOG.md"):
        assert (tree / needed).is_file(), f"the sdist lacks {needed}"
    import os

    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    env.pop("CI", None)  # a smoke run of the unpacked tree: its cat-image tests may skip (no ../shared beside it)
    tests = ["tests/test_packaging.py", "tests/test_core_pure.py", "tests/test_core_math.py", "tests/test_examples.py"]
    result = subprocess.run(
        [runner, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow", *tests],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return result.stdout


@pytest.mark.slow
def test_the_sdist_carries_what_its_tests_need(tmp_path):
    pytest.importorskip("build", reason="needs the build package (the test dependency group)")
    sdist_runs_its_tests(sys.executable, sys.executable, tmp_path)

"""The package's metadata says one thing in one place: the version, the oldest versions CI tests, the changelog."""

from __future__ import annotations

import re
from pathlib import Path

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
    for req in PYPROJECT["project"]["dependencies"]:
        name, low = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([\w.]+)", req).groups()
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

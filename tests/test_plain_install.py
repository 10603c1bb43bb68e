"""A plain `pip install layerwise`: commands that need an extra say which, before they start work; --help
texts stand on their own (an installed package has no docs/ folder and no Makefile)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import layerwise
from layerwise.cli import COMMANDS, main

SRC = str(Path(layerwise.__file__).resolve().parents[1])


def without(modules: list[str], argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `layerwise ARGV` in a fresh interpreter where ``modules`` cannot be imported."""
    hide = "".join(f"sys.modules[{m!r}] = None; " for m in modules)
    code = f"import sys; {hide}from layerwise.cli import main; sys.exit(main({argv!r}))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=_env())


def _env() -> dict[str, str]:
    import os

    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in [SRC, os.environ.get("PYTHONPATH", "")] if p))


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_points_nowhere_an_installed_package_lacks(command, capsys):
    assert main([command, "--help"] if command else ["--help"]) == 0
    text = capsys.readouterr().out
    assert not re.search(r"docs/|guide/|\.md\b|make (demo|test)|examples/|bench/", text), text


def test_demo_without_matplotlib_names_the_extra_before_training(tmp_path):
    r = without(["matplotlib"], ["demo", "--out-dir", str(tmp_path / "out")])
    assert r.returncode == 2, r.stderr
    assert (
        r.stderr.strip()
        == "layerwise: error: layerwise demo draws pictures and needs matplotlib: pip install 'layerwise[plot]'"
    )
    assert r.stdout == ""  # nothing trained, nothing printed
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("missing", ["dask", "distributed", "optuna"])
def test_search_without_its_extra_names_it_before_reading_anything(missing, tmp_path):
    argv = ["search", str(tmp_path / "absent.csv"), "--target", "y", "--space", str(tmp_path / "absent.toml")]
    r = without([missing], argv)
    assert r.returncode == 2, r.stderr
    assert missing in r.stderr and "pip install 'layerwise[search]'" in r.stderr
    assert "absent" not in r.stderr  # checked before the files are opened

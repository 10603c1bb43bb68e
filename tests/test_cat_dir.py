"""The cat images are found by one documented rule, and the package names no folder of any machine."""

import ast
from pathlib import Path

import pytest

import layerwise
from layerwise import datasets

PACKAGE = Path(layerwise.__file__).resolve().parent


def _fake_cats(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for name in datasets.CAT_FILES:
        (folder / name).write_bytes(b"")
    return folder


def test_the_rule_argument_then_environment_then_shared_beside_the_checkout(tmp_path, monkeypatch):
    arg, env = _fake_cats(tmp_path / "arg"), _fake_cats(tmp_path / "env")
    monkeypatch.setenv("LAYERWISE_CAT_DIR", str(env))
    assert datasets.find_cat_dir(arg) == arg  # an argument wins
    assert datasets.find_cat_dir() == env  # then the environment variable
    checkout = PACKAGE.parents[1]
    if (checkout / "pyproject.toml").is_file():  # then ../shared/datasets/catvnoncat beside a checkout
        assert datasets.cat_dir_candidates()[1] == checkout.parent / "shared" / "datasets" / "catvnoncat"
    monkeypatch.setenv("LAYERWISE_CAT_DIR", str(tmp_path / "empty"))
    shared = checkout.parent / "shared" / "datasets" / "catvnoncat"
    if not all((shared / name).is_file() for name in datasets.CAT_FILES):
        with pytest.raises(FileNotFoundError, match=r"not in .*empty.*set LAYERWISE_CAT_DIR=FOLDER"):
            datasets.load_catvnoncat(None)  # nowhere holds them: every place tried is named
    else:  # beside a checkout with the shared images, an empty $LAYERWISE_CAT_DIR falls through to them
        assert datasets.find_cat_dir() == shared
    with pytest.raises(FileNotFoundError, match=r"empty.train_catvnoncat\.h5: no such file"):
        datasets.load_catvnoncat(tmp_path / "empty")  # a folder given is used as given: its missing file named
    with pytest.raises(FileNotFoundError, match="elsewhere"):
        datasets.load_catvnoncat(tmp_path / "elsewhere")  # an argument is the only place looked at


def _string_literals(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def test_no_absolute_path_of_any_machine_in_the_package():
    found = [
        (str(p.relative_to(PACKAGE)), s)
        for p in PACKAGE.rglob("*.py")
        for s in _string_literals(p)
        if s.startswith(("/work", "/home/", "/Users/", "/root", "/mnt/", "/tmp/", "C:\\"))
    ]
    assert found == []

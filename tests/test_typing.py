"""The package is typed (PEP 561) and its public functions say their types.

``py.typed`` ships in the package; every public function and method of the typed packages has its
parameters and return annotated (a cheap check with ``inspect``, so a new unannotated function fails here
before mypy runs); mypy, configured in pyproject.toml, reports no error over the package (slow: a full run).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10: tomli, the same parser
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

# the packages and modules whose public surface is annotated (issue 24: the estimators, core, io, datasets,
# plotting, course, distributed, search; engine is strict as well)
TYPED = (
    "layerwise",
    "layerwise.core",
    "layerwise.engine",
    "layerwise.io",
    "layerwise.estimators",
    "layerwise.datasets",
    "layerwise.plotting",
    "layerwise.course",
    "layerwise.distributed",
    "layerwise.search",
)


def _unchecked_modules():
    """Modules mypy does not report on (pyproject's ignore_errors overrides): not held to annotations here."""
    names = []
    for override in PYPROJECT["tool"]["mypy"].get("overrides", []):
        if override.get("ignore_errors"):
            names += [override["module"]] if isinstance(override["module"], str) else override["module"]
    return names


def _unchecked(module_name):
    return any(
        module_name == pattern or (pattern.endswith(".*") and module_name.startswith(pattern[:-1]))
        for pattern in _unchecked_modules()
    )


def test_no_module_is_excluded_from_mypy():
    """Every module of the package is checked (issue 24): an ignore_errors override is a regression."""
    assert _unchecked_modules() == []


def _public(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, v in vars(module).items() if not n.startswith("_") and getattr(v, "__module__", None)]
    for name in names:
        try:
            yield name, getattr(module, name)
        except ImportError:  # a lazy attribute whose optional dependency is missing
            continue


def _missing(function):
    """The names of ``function``'s unannotated parameters, and "return" when its return is unannotated."""
    signature = inspect.signature(function)
    missing = [
        p.name
        for i, p in enumerate(signature.parameters.values())
        if p.annotation is inspect.Parameter.empty and not (i == 0 and p.name in ("self", "cls"))
    ]
    if signature.return_annotation is inspect.Signature.empty:
        missing.append("return")
    return missing


def _functions_of(obj):
    """(qualified name, function) for a public function, or a class's own public methods and __init__."""
    if inspect.isfunction(obj):
        yield obj.__qualname__, obj
    elif inspect.isclass(obj):
        for name, member in vars(obj).items():
            function = member.__func__ if isinstance(member, (staticmethod, classmethod)) else member
            if not inspect.isfunction(function) or (name.startswith("_") and name not in ("__init__", "__call__")):
                continue
            if function.__module__ != obj.__module__:  # made by a decorator (a dataclass's, a NamedTuple's)
                continue
            yield f"{obj.__qualname__}.{name}", function


def test_py_typed_is_in_the_package():
    spec = importlib.util.find_spec("layerwise")
    assert (Path(spec.origin).parent / "py.typed").is_file()


def test_the_wheel_ships_py_typed():
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["layerwise"]


@pytest.mark.parametrize("package", TYPED)
def test_public_functions_are_annotated(package):
    module = importlib.import_module(package)
    unannotated = []
    for _name, obj in _public(module):
        if not (inspect.isfunction(obj) or inspect.isclass(obj)) or not obj.__module__.startswith("layerwise"):
            continue
        if _unchecked(obj.__module__):
            continue
        for qualname, function in _functions_of(obj):
            missing = _missing(function)
            if missing:
                unannotated.append(f"{function.__module__}.{qualname}: {', '.join(missing)}")
    assert not unannotated, "public functions without annotations:\n" + "\n".join(unannotated)


def test_the_annotation_check_can_fail():
    def untyped(a, b: int):
        return a

    def typed(a: int) -> int:
        return a

    assert _missing(untyped) == ["a", "return"]
    assert _missing(typed) == []


@pytest.mark.slow
def test_mypy_reports_no_error(tmp_path):
    pytest.importorskip("mypy", reason="mypy is not installed (make typecheck installs it: the lint group)")
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", "pyproject.toml", "--cache-dir", str(tmp_path / "cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert run.stdout.startswith("Success: no issues found"), run.stdout


@pytest.mark.slow
def test_a_users_mypy_reads_the_annotations(tmp_path):
    # a user's script outside the checkout: mypy follows layerwise's own annotations (py.typed), so a wrong
    # use is an error; without the marker mypy would skip the package and see Any
    pytest.importorskip("mypy", reason="mypy is not installed (make typecheck installs it: the lint group)")
    (tmp_path / "user.py").write_text("import layerwise.core as core\n\nn: str = core.check_layer_dims([2, 1])\n")
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), "user.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
    )
    expected = (
        'user.py:3: error: Incompatible types in assignment (expression has type "list[int]", variable has type "str")'
    )
    assert expected in run.stdout, run.stdout[-4000:] + run.stderr[-2000:]

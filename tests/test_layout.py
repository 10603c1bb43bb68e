"""The package's layout: no import cycle between modules, no private scikit-learn name, small modules
that each open with a docstring. Every module of src/layerwise is read with ``ast``; imports inside
functions count, relative imports are resolved."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "src"
PACKAGE = ROOT / "layerwise"
# A module's size is counted in logical lines (statements, as tokenize ends them) plus comment-only lines,
# so it does not depend on how the formatter wraps a call. 180 is what the old bound of 250 physical lines
# held under the old hand wrapping (the package averaged 0.73 logical lines per physical line).
MAX_LINES = 180
# Physical lines as well (DESIGN.md: "250 at most"): logical lines alone let a module grow by long wrapped
# calls and docstrings. The benchmarks are held to the same bound.
MAX_PHYSICAL_LINES = 250
BENCH = ROOT.parent / "bench"


def logical_lines(text):
    """Statements (tokenize's NEWLINE tokens) plus lines holding only a comment."""
    n = 0
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.NEWLINE or (tok.type == tokenize.COMMENT and not tok.line[: tok.start[1]].strip()):
            n += 1
    return n


def _modules():
    """{dotted name: path} of every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name, path):
    """Every module name ``name`` imports (absolute, relative resolved; ``from m import x`` gives m and m.x)."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            out.add(module)
            out.update(f"{module}.{alias.name}" for alias in node.names)
    return out


def _graph():
    """Module -> the package's modules it imports (a name that is an attribute, not a module, drops out)."""
    graph = {}
    for name, path in MODULES.items():
        graph[name] = {m for m in _imports(name, path) if m in MODULES and m != name}
    return graph


def _cycle(graph):
    """One import cycle as a list of modules, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def _package_parents(name):
    """A package imports its own submodules through its __init__; that edge is not a cycle by itself."""
    return {name.rsplit(".", k)[0] for k in range(1, name.count(".") + 1)}


def test_the_walker_finds_imports_inside_functions_and_relative_ones():
    graph = _graph()
    assert "layerwise.io.modelfile" in graph["layerwise.cli.inputs"]  # imported inside a function, relatively
    assert "layerwise.cli.errors" in graph["layerwise.cli.options"]


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_between_modules():
    # an edge from a module to a package that contains it (its __init__ re-exporting it) is the package's
    # surface, not a dependency of the module: drop it before looking for cycles
    graph = {name: {m for m in deps if m not in _package_parents(name)} for name, deps in _graph().items()}
    assert _cycle(graph) is None, f"import cycle: {' -> '.join(_cycle(graph))}"


def test_no_private_scikit_learn_import():
    bad = []
    for name, path in MODULES.items():
        for module in _imports(name, path):
            if module.startswith("sklearn") and any(part.startswith("_") for part in module.split(".")):
                bad.append(f"{name}: {module}")
    assert not bad, f"private scikit-learn names imported: {bad}"


def _subpackage(name):
    """layerwise.distributed.training -> "distributed"; a top-level module is its own."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _private_defs():
    """{private function or method name: the subpackages defining it} over the whole package."""
    defs = {}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and _is_private(node.name):
                defs.setdefault(node.name, set()).add(_subpackage(name))
    return defs


def _is_private(attr):
    return attr.startswith("_") and not attr.startswith("__")


def _private_uses(source):
    """Private names a module reaches on other objects (``est._store``, not ``self._x``) or imports."""
    out = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and _is_private(node.attr)
            and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
        ):
            out.add(node.attr)
        elif isinstance(node, ast.ImportFrom):
            out.update(alias.name for alias in node.names if _is_private(alias.name))
    return out


def test_the_private_use_finder_sees_attributes_and_imports():
    src = "from ..estimators.base import _optimizer\nest._store(p)\nself._ok()\nx.__dict__\n"
    assert _private_uses(src) == {"_optimizer", "_store"}


def test_no_module_reaches_into_another_subpackages_private_names():
    # a subpackage's private functions and methods are its own: another subpackage goes through a public
    # name (e.g. layerwise.estimators.plan for the steps of a fit)
    defs, bad = _private_defs(), []
    for name, path in MODULES.items():
        for attr in _private_uses(path.read_text()):
            owners = defs.get(attr)
            if owners and _subpackage(name) not in owners:
                bad.append(f"{name}: {attr} (private to {', '.join(sorted(owners))})")
    assert not bad, f"private names used across subpackages: {bad}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_is_small_and_says_what_it_owns(name):
    path = MODULES[name]
    text = path.read_text()
    lines = logical_lines(text)
    assert lines <= MAX_LINES, f"{path} has {lines} logical lines; split it (at most {MAX_LINES})"
    doc = ast.get_docstring(ast.parse(text))
    assert doc and doc.strip(), f"{path} has no docstring saying what it owns"


def test_module_size_does_not_depend_on_wrapping():
    one = "x = f(1, 2, 3)  # a call\n# a comment\n"
    wrapped = "x = f(\n    1,\n    2,\n    3,\n)  # a call\n# a comment\n"
    assert logical_lines(one) == logical_lines(wrapped) == 2


def physical_lines(text):
    """Lines as an editor numbers them (a last line without a newline counts)."""
    return len(text.splitlines())


def _capped_files():
    """Every module of src/layerwise and every script of bench/, as paths relative to the repository."""
    return sorted(PACKAGE.rglob("*.py")) + sorted(BENCH.glob("*.py"))


@pytest.mark.parametrize("path", _capped_files(), ids=lambda p: str(p.relative_to(ROOT.parent)))
def test_module_is_at_most_250_physical_lines(path):
    lines = physical_lines(path.read_text())
    assert lines <= MAX_PHYSICAL_LINES, f"{path} has {lines} lines; split it (at most {MAX_PHYSICAL_LINES})"


def test_physical_line_count_counts_every_line():
    assert physical_lines("a\n\nb\n") == 3 == physical_lines("a\n\nb")
    assert physical_lines("") == 0
    assert any(p.parent == BENCH for p in _capped_files()) and any(p.parent == PACKAGE for p in _capped_files())

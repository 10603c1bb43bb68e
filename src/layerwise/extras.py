"""Optional dependencies: the one check that a feature's modules are installed, naming the extra that brings them.

``require(("matplotlib",), "plot", "plotting")`` raises "plotting needs matplotlib: pip install
'layerwise[plot]'" when matplotlib is missing. It looks the modules up without importing them (cheap, so
it can run before any work starts); the caller chooses the error class (the command line's UsageError,
ImportError elsewhere). A dotted name is looked up by its top-level package.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.util import find_spec


def require(modules: Sequence[str], extra: str, what: str, error: type[Exception] = ImportError) -> None:
    """Raise ``error`` naming the missing ones of ``modules`` and ``pip install 'layerwise[extra]'``."""
    missing = [name.split(".")[0] for name in modules if find_spec(name.split(".")[0]) is None]
    if missing:
        raise error(f"{what} needs {', '.join(missing)}: pip install 'layerwise[{extra}]'")


__all__ = ["require"]

"""UsageError: a mistake in the command line or its inputs, printed as one line with exit code 2."""

from __future__ import annotations

from importlib.util import find_spec


class UsageError(Exception):
    """A mistake in the command line or its inputs: printed as one line, exit code 2."""


def require(modules: tuple[str, ...], extra: str, what: str) -> None:
    """Raise UsageError naming the extra to install when any of ``modules`` is missing; checked before work starts."""
    missing = [name for name in modules if find_spec(name) is None]
    if missing:
        raise UsageError(f"{what} needs {', '.join(missing)}: pip install 'layerwise[{extra}]'")


__all__ = ["UsageError", "require"]

"""UsageError, and ``printable``: what the command line prints, one line, with terminal controls escaped.

Anything echoed from a file (a label, a column name, a message quoting a value) may hold escape
sequences that recolour the terminal, retitle the window or hide text; ``printable`` writes every C0/C1
control character, DEL and the bidirectional overrides as a visible ``\\x1b``-style escape instead.
"""

from __future__ import annotations

import re

from .. import extras

# C0 controls (tab and newline included: a message is one line), DEL, C1 controls, bidi embeddings/isolates
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class UsageError(Exception):
    """A mistake in the command line or its inputs: printed as one line, exit code 2."""


def require(modules: tuple[str, ...], extra: str, what: str) -> None:
    """Raise UsageError naming the extra to install when any of ``modules`` is missing; checked before work starts
    (layerwise.extras' check, the command line's error)."""
    extras.require(modules, extra, what, error=UsageError)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """``str(text)`` with each terminal control character written as an escape (``\\x1b``, ``\\u202e``)."""
    return _CONTROLS.sub(_escape, str(text))


def one_line(exc: BaseException) -> str:
    """The message of ``exc`` as one printable line (runs of whitespace made one space)."""
    return printable(" ".join(str(exc).split()) or type(exc).__name__)


__all__ = ["UsageError", "require", "printable", "one_line"]

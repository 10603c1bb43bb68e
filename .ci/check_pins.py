"""Fail unless every package pinned in a constraints file is installed at exactly that version."""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version


def _release(text: str) -> tuple[str, ...]:
    """'1.9' and '1.9.0' are the same release."""
    parts = text.split(".")
    while len(parts) > 1 and parts[-1] == "0":
        parts.pop()
    return tuple(parts)


def main(path: str) -> int:
    wrong = []
    for line in open(path, encoding="utf-8"):
        line = line.split("#")[0].strip()
        if not line:
            continue
        name, pinned = (part.strip() for part in line.split("=="))
        try:
            found = version(name)
        except PackageNotFoundError:
            found = "not installed"
        if _release(found) != _release(pinned):
            wrong.append(f"{name}: pinned {pinned}, installed {found}")
        print(f"{name}=={found}")
    for line in wrong:
        print("check_pins:", line, file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

"""The one atomic writer: a temporary file in the same folder, fsync, then os.replace."""

from __future__ import annotations

import os
import tempfile


def _umask():
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask


def write_atomically(path, data: bytes):
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never half.

    The file gets the permissions an ordinary ``open(path, "wb")`` would give (0644 under umask 022),
    not the 0600 of a temporary file. Returns ``path``.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


__all__ = ["write_atomically"]

"""The one atomic writer (a temporary file in the same folder, fsync, os.replace) and its honest errors.

Every failure names the path and says what it is: a full disk, a missing or read-only folder, a
permission, a folder where the file should go. ``regular_file_size`` is the reading side's twin: a
path that is a folder, a FIFO, a device or a socket is named as such instead of "no such file".
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile

_WHY = {  # errno -> what it means for a file being written
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOENT: "its folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "it is a folder",
    errno.EFBIG: "the file is too large for this file system",
}


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask


def _error(cls: type[OSError], code: int | None, message: str) -> OSError:
    """An OSError of ``cls`` and ``code`` whose str() is ``message`` alone (no "[Errno N]" prefix)."""
    error = cls(message)
    error.errno = code
    return error


def write_error(path: str, exc: OSError) -> OSError:
    """``exc`` (of its own type and errno) with a message that names ``path`` and the reason in words."""
    return _error(type(exc), exc.errno, f"cannot write {path}: {_WHY.get(exc.errno or 0, exc.strerror or str(exc))}")


def write_atomically(path: str | os.PathLike[str], data: bytes) -> str:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never half.

    The file gets the permissions an ordinary ``open(path, "wb")`` would give (0644 under umask 022),
    not the 0600 of a temporary file. Returns ``path``. An OSError names the path and the reason.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise _error(IsADirectoryError, errno.EISDIR, f"cannot write {path}: it is a folder")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise write_error(path, exc) from None
    except BaseException:
        _remove(tmp)
        raise
    return path


def _remove(tmp: str | None) -> None:
    if tmp is not None and os.path.exists(tmp):
        os.unlink(tmp)


def regular_file_size(path: str | os.PathLike[str], what: str = "file") -> int:
    """The size of the regular file at ``path``; an OSError naming the path and what it is otherwise.

    FileNotFoundError for a missing path, IsADirectoryError for a folder, OSError for a FIFO, a device
    or a socket (reading those would block or never end), PermissionError when it cannot be opened.
    """
    name = os.fspath(path)
    try:
        st = os.stat(name)
    except FileNotFoundError:
        raise _error(FileNotFoundError, errno.ENOENT, f"{name}: no such {what}") from None
    except OSError as exc:
        raise _error(type(exc), exc.errno, f"{name}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise _error(IsADirectoryError, errno.EISDIR, f"{name}: is a folder, not a {what}")
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "a device or socket"
        raise _error(OSError, errno.EINVAL, f"{name}: is {kind}, not a regular {what}")
    if not os.access(name, os.R_OK):
        raise _error(PermissionError, errno.EACCES, f"{name}: cannot be read (permission denied)")
    return int(st.st_size)


__all__ = ["write_atomically", "write_error", "regular_file_size"]

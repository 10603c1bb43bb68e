"""What a path holds when it is not what was expected, told from its kind or first bytes (for one clear error line)."""

from __future__ import annotations

import stat
import struct

# leading bytes -> what the file is
_MAGIC = (
    (b"\x93NUMPY", "a NumPy .npy array"),
    (b"PK\x03\x04", "a ZIP archive (.npz, a PyTorch checkpoint, ...)"),
    (b"\x89HDF\r\n\x1a\n", "an HDF5 file"),
    (b"PAR1", "a Parquet table"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\x89PNG", "a PNG picture"),
    (b"%PDF", "a PDF document"),
)


# a path's kind (its stat mode) -> what it is, for what is not a regular file
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def path_kind(mode: int) -> str:
    """What a path whose ``os.stat(...).st_mode`` is ``mode`` is: 'a folder', 'a named pipe (FIFO)', ..."""
    return next((what for test, what in _KINDS if test(mode)), "a regular file" if stat.S_ISREG(mode) else "not a file")


def looks_like_safetensors(head: bytes, size: int) -> bool:
    """True when ``head`` starts as safetensors does: an 8-byte header length that fits, then '{'."""
    if len(head) < 9:
        return False
    (n,) = struct.unpack("<Q", head[:8])
    return 2 <= n <= size - 8 and head[8:9] == b"{"


def describe(head: bytes) -> str:
    """A few words on what the bytes ``head`` (the file's start) look like."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return "a Python pickle (layerwise never unpickles: it could run code)"
    if len(head) >= 4 and head[0] == 0x08 and head[1] < 0x80 and b"\x12" in head[2:4]:
        return "an ONNX model (protobuf; an export, which layerwise cannot load back)"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and text.strip() and all(c.isprintable() or c in "\r\n\t" for c in text):
        first = text.splitlines()[0][:60]
        kind = "a CSV table" if any(sep in first for sep in ",;\t") else "a text file"
        return f"{kind} (first line: {first!r})"
    return "binary data of an unknown kind"


__all__ = ["describe", "looks_like_safetensors", "path_kind"]

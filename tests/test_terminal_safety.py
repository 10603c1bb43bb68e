"""What the command line echoes from a file reaches the terminal with its control characters escaped (issue 26)."""

from __future__ import annotations

import pytest
from hostile import forge, legit

from layerwise.cli import main
from layerwise.cli.errors import printable

EVIL = "1,\x1b[31mRED\x1b]0;pwned-title\x07\u202etxt.exe"


def test_printable_escapes_every_control_and_keeps_text():
    assert printable(EVIL) == "1,\\x1b[31mRED\\x1b]0;pwned-title\\x07\\u202etxt.exe"
    assert printable("caf\u00e9 \u03b1\u03b2 \U0001f431 tab") == "caf\u00e9 \u03b1\u03b2 \U0001f431 tab"
    assert printable("\x9b2J\x7f") == "\\x9b2J\\x7f"


def _no_controls(text):
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in text), repr(text)


def test_info_escapes_labels_and_column_names(tmp_path, capsys):
    arrays, doc, _ = legit(tmp_path)
    path = forge(
        tmp_path / "evil.safetensors",
        arrays,
        doc,
        lambda a, d: d.update(classes=[EVIL, "b", "c"], classes_dtype="object", columns={"features": [EVIL, "y", "z"]}),
    )
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    _no_controls(out)
    assert "\\x1b[31mRED" in out


def test_error_messages_escape_what_they_quote(tmp_path, capsys):
    arrays, doc, _ = legit(tmp_path)
    path = forge(tmp_path / "evil.safetensors", arrays, doc, lambda a, d: d.update(classes_dtype=EVIL))
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err
    _no_controls(err)
    assert err.count("\n") == 1 and "\\x1b" in err


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_folder_or_fifo_as_the_model_says_what_it_is(tmp_path, capsys, kind):
    import os

    path = tmp_path / "m.safetensors"
    path.mkdir() if kind == "folder" else os.mkfifo(path)
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err
    assert ("is a folder" if kind == "folder" else "is a FIFO") in err


def test_a_full_disk_or_a_missing_folder_names_the_path(tmp_path, monkeypatch):
    import errno
    import os

    from layerwise.io import write_atomically

    def full(fd):  # a full disk shows at the latest when the data is flushed to it
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", full)
        target = tmp_path / "out.csv"
        with pytest.raises(OSError) as info:
            write_atomically(target, b"x" * 100_000)
    assert str(info.value) == f"cannot write {target}: the disk is full" and info.value.errno == errno.ENOSPC
    assert os.listdir(tmp_path) == []  # no temporary file left behind
    with pytest.raises(FileNotFoundError, match=f"^cannot write {tmp_path}/no/x: its folder does not exist$"):
        write_atomically(tmp_path / "no" / "x", b"x")
    with pytest.raises(IsADirectoryError, match="it is a folder$"):
        write_atomically(tmp_path, b"x")

"""Resuming from a corrupted or foreign checkpoint (issue 26): exit 2, one line, the file named, nothing run.

Each case edits the checkpoint a run of ``layerwise train --checkpoint-every`` wrote; the deeper edits
recompute the checkpoint's digest (as a forger would), so they reach the schema and the checks against
this run's network, optimizer and rows. Before, these were tracebacks (KeyError, TypeError), silent
restarts (an empty file), a clipped ``order`` training a different model, or corrupt numbers reported as
"training diverged ... learning rate too large".
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from safetensors.numpy import save

from layerwise.cli import main
from layerwise.distributed import checkpoint as ckpt


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ckpt")
    rng = np.random.RandomState(0)
    X = rng.randn(80, 3)
    data = folder / "d.npy"
    np.save(data, np.column_stack([X, (X[:, 0] + X[:, 1] > 0).astype(float)]))
    base = ["train", str(data), "--target", "-1", "--epochs", "4", "--seed", "0", "--verbose", "0"]
    out = folder / "m.st"
    assert main([*base, "--out", str(out), "--checkpoint-every", "2", "--batch-size", "16"]) == 0
    return folder, base + ["--batch-size", "16"], out, (folder / "m.st.ckpt").read_bytes()


def _parts(data):
    from safetensors.numpy import load

    header = json.loads(data[8 : 8 + int.from_bytes(data[:8], "little")])
    return load(data), dict(header["__metadata__"])


def _forged(data, edit):
    """The checkpoint with ``edit(arrays, meta)`` applied (meta's JSON values decoded) and its digest recomputed."""
    arrays, raw = _parts(data)
    meta = {k: json.loads(v) if k in ("fingerprint", "state", "optimizer", "rng") else v for k, v in raw.items()}
    edit(arrays, meta)
    raw = {k: json.dumps(v) if k in ("fingerprint", "state", "optimizer", "rng") else v for k, v in meta.items()}
    raw["sha256"] = ckpt._digest(arrays, raw)
    return save({k: np.ascontiguousarray(v) for k, v in arrays.items()}, metadata=raw)


def _flip(data):
    b = bytearray(data)
    b[40] ^= 0x20  # inside the JSON header
    return bytes(b)


def _set(section, key, value):
    return lambda arrays, meta: meta[section].__setitem__(key, value)


def _tensor(name, value):
    return lambda arrays, meta: arrays.__setitem__(name, value(arrays))


# case -> (new bytes from the original, a fragment of the one-line error)
CASES = {
    "flipped header byte": (_flip, "checkpoint"),
    "flipped data byte": (lambda d: d[:-5] + bytes([d[-5] ^ 1]) + d[-4:], "checksum mismatch"),
    "empty file": (lambda d: b"", "empty file"),
    "truncated": (lambda d: d[: len(d) // 2], "not a layerwise checkpoint"),
    "missing order": (lambda d: _forged(d, lambda a, m: a.pop("order")), "holds tensors"),
    "string n_iter": (lambda d: _forged(d, _set("state", "n_iter", "2")), "'n_iter'"),
    "NaN learning rate": (lambda d: _forged(d, _set("state", "learning_rate", float("nan"))), "learning_rate"),
    "state without keys": (lambda d: _forged(d, lambda a, m: m["state"].pop("history")), "state has keys"),
    "order of 10^9": (lambda d: _forged(d, _tensor("order", lambda a: np.full_like(a["order"], 10**9))), "permutation"),
    "order repeated": (lambda d: _forged(d, _tensor("order", lambda a: np.zeros_like(a["order"]))), "permutation"),
    "order too short": (lambda d: _forged(d, _tensor("order", lambda a: a["order"][:-1])), "row numbers"),
    "moment removed": (lambda d: _forged(d, lambda a, m: a.pop("opt.s")), "holds tensors"),
    "moment reshaped": (lambda d: _forged(d, _tensor("opt.v", lambda a: a["opt.v"][:-1])), "'opt.v'"),
    "negative second moment": (lambda d: _forged(d, _tensor("opt.s", lambda a: -1 - a["opt.s"])), "'opt.s'"),
    "NaN weights": (lambda d: _forged(d, _tensor("theta", lambda a: a["theta"] * np.nan)), "NaN"),
    "optimizer field injected": (lambda d: _forged(d, _set("optimizer", "beta_1", 5.0)), "optimizer state"),
    "step count of a string": (lambda d: _forged(d, _set("optimizer", "t", "x")), "optimizer state"),
    "rng state invalid": (
        lambda d: _forged(d, lambda a, m: m.__setitem__("rng", {"bit_generator": "PCG64"})),
        "random generator",
    ),
    "rng of another kind": (
        lambda d: _forged(
            d,
            lambda a, m: m.__setitem__("rng", {"bit_generator": "MT19937", "state": {"key": [0] * 624, "pos": 624}}),
        ),
        "random generator",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_resume_after_each_corruption_exits_2_in_one_line_naming_the_file(run, case, capsys):
    folder, base, out, original = run
    corrupt, fragment = CASES[case]
    path = folder / "m.st.ckpt"
    path.write_bytes(corrupt(original))
    capsys.readouterr()
    assert main([*base, "--out", str(out), "--resume"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and fragment in err, err
    assert "diverged" not in err and "Traceback" not in err


def test_the_untouched_forgery_resumes(run, capsys):
    """The control: the forge itself keeps a checkpoint that resumes."""
    folder, base, out, original = run
    (folder / "m.st.ckpt").write_bytes(_forged(original, lambda a, m: None))
    assert main([*base, "--out", str(out), "--resume"]) == 0, capsys.readouterr().err


def test_resume_with_another_scaling_is_another_run(run, capsys):
    folder, base, out, original = run
    (folder / "m.st.ckpt").write_bytes(original)
    capsys.readouterr()
    assert main([*base, "--out", str(out), "--resume", "--scale", "minmax"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "scaling (--scale) differ" in err, err


def test_a_folder_or_fifo_as_the_checkpoint_is_named(run, capsys, tmp_path):
    import os

    folder, base, _, _ = run
    (tmp_path / "x.st.ckpt").mkdir()
    capsys.readouterr()
    assert main([*base, "--out", str(tmp_path / "x.st"), "--resume"]) == 2
    assert "is a folder" in capsys.readouterr().err
    os.mkfifo(tmp_path / "y.st.ckpt")
    assert main([*base, "--out", str(tmp_path / "y.st"), "--resume"]) == 2
    assert "FIFO" in capsys.readouterr().err


def test_the_data_digest_does_not_depend_on_the_split():
    rng = np.random.RandomState(1)
    X, Y = rng.randn(10, 3), rng.randn(10, 2)
    whole = ckpt.data_digest(X, Y, None, 0)
    parts = (ckpt.data_digest(X[:4], Y[:4], None, 0) + ckpt.data_digest(X[4:], Y[4:], None, 4)) % 2**64
    assert whole == parts
    X2 = X.copy()
    X2[3, 1] = np.nextafter(X2[3, 1], 1)  # one ulp
    assert ckpt.data_digest(X2, Y, None, 0) != whole
    assert ckpt.data_digest(X[[1, 0, *range(2, 10)]], Y, None, 0) != whole  # rows swapped

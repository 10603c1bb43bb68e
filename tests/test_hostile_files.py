"""Hostile model files (issue 26): every forged field is refused in one line, before anything is allocated.

The digest of a model file guards against corruption, not forgery, so each case recomputes it
(tests/hostile.py). Each case was, before the closed schema (io/modelschema.py), a multi-gigabyte
allocation, a traceback, or a model that loads and predicts one class for every row.
"""

from __future__ import annotations

import os
import tracemalloc

import numpy as np
import pytest
from hostile import HOSTILE, REGRESSOR_HOSTILE, forge, legit

import layerwise
from layerwise.io import ModelFileError
from layerwise.io.modelschema import SECTIONS, budget, register_section


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return folder, legit(folder, "multiclass"), legit(folder, "regressor")


def _refused(path, fragment):
    """The load raises ModelFileError in one line naming the file, and allocates little (tracemalloc)."""
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError) as info:
            layerwise.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "\n" not in message and fragment in message, message
    assert peak < budget(os.path.getsize(path)) + os.path.getsize(path), f"peak {peak:,} bytes"
    return message


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_classifier_files_are_refused(originals, case):
    folder, (arrays, doc, _), _ = originals
    edit, fragment = HOSTILE[case]
    _refused(forge(folder / "forged.safetensors", arrays, doc, edit), fragment)


@pytest.mark.parametrize("case", REGRESSOR_HOSTILE)
def test_hostile_regressor_files_are_refused(originals, case):
    folder, _, (arrays, doc, _) = originals
    edit, fragment = REGRESSOR_HOSTILE[case]
    _refused(forge(folder / "forged.safetensors", arrays, doc, edit), fragment)


def test_the_untouched_forgery_loads_and_predicts(originals):
    """The control: the same forge with no edit gives a model that predicts as the original."""
    folder, (arrays, doc, X), _ = originals
    model = layerwise.load(forge(folder / "same.safetensors", arrays, doc))
    assert set(model.predict(X)) <= {"ant", "bee", "cat"} and model.classes_.dtype == np.dtype("<U3")


def test_allowed_classes_dtypes_load(originals):
    folder, (arrays, doc, X), _ = originals
    for name in ("object", "<U10", None):
        model = layerwise.load(
            forge(folder / "ok.safetensors", arrays, doc, lambda a, d, n=name: d.update(classes_dtype=n))
        )
        assert list(model.classes_) == ["ant", "bee", "cat"]
    ints = forge(
        folder / "ints.safetensors", arrays, doc, lambda a, d: d.update(classes=[3, 5, 7], classes_dtype="int8")
    )
    assert layerwise.load(ints).classes_.dtype == np.int8
    big = forge(
        folder / "big.safetensors", arrays, doc, lambda a, d: d.update(classes=[3, 5, 300], classes_dtype="int8")
    )
    _refused(big, "out of the range")
    huge = forge(  # (an int past int64 made np.isfinite raise a TypeError: found by the fuzz test)
        folder / "huge.safetensors",
        arrays,
        doc,
        lambda a, d: d.update(classes=[-(2**63) - 1, 0.0, 1.5], classes_dtype=None),
    )
    model = layerwise.load(huge)
    assert list(model.classes_) == [-(2**63) - 1, 0.0, 1.5] and set(model.predict(X)) <= set(model.classes_)


def test_a_folder_or_a_fifo_is_named_for_what_it_is(tmp_path):
    with pytest.raises(IsADirectoryError, match=f"^{tmp_path}: is a folder, not a model file$"):
        layerwise.load(tmp_path)
    fifo = tmp_path / "pipe.safetensors"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match=r"is a FIFO \(named pipe\), not a regular model file$"):
        layerwise.load(fifo)  # (reading it would block forever)


def test_a_registered_section_is_checked_and_owns_its_tensors(originals):
    folder, (arrays, doc, X), _ = originals

    def check(value, arrays_, n_x):
        if value != {"columns": n_x} or arrays_["pipeline.fill"].shape != (n_x,):
            raise ValueError(f"expected {{'columns': {n_x}}} and a fill value per column")

    def add(value, fill):
        return lambda a, d: (d.__setitem__("pipeline", value), a.__setitem__("pipeline.fill", fill))

    _refused(forge(folder / "s.safetensors", arrays, doc, add({"columns": 3}, np.zeros(3))), "unknown metadata key")
    register_section("pipeline", check)
    try:
        good = forge(folder / "s.safetensors", arrays, doc, add({"columns": 3}, np.zeros(3)))
        assert layerwise.load(good).predict(X).shape == (len(X),)
        _refused(forge(folder / "s.safetensors", arrays, doc, add({"columns": 2}, np.zeros(3))), "pipeline: expected")
    finally:
        del SECTIONS["pipeline"]

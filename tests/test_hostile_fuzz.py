"""Fuzzing the metadata of model files and checkpoints, field by field (issue 26).

Hypothesis replaces one field (or one field inside ``params``, ``preprocessing``, ``target_scaling``,
the checkpoint's state, optimizer or RNG) with any JSON value, including huge ints, long strings,
dtype names and nested containers, then recomputes the digest as a forger would. The load must either
succeed with a model that predicts finite values, or raise our one-line error naming the file; and
its peak traced allocation (tracemalloc: NumPy's arrays included) stays within the budget the file
size allows (io.modelschema.budget), never what the metadata claims.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hostile import forge, legit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import layerwise
from layerwise.io import ModelFileError
from layerwise.io.modelschema import budget

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DTYPE_NAMES = st.sampled_from(
    ["S2000000000", "U2000000", "<U100000000", "V99999999", "O", "<M8[ns]", "c16", "f8", "i1", "?"]
)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=8)
    | DTYPE_NAMES
    | st.just("x" * 100_000),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-meta")
    return folder, legit(folder, "multiclass"), legit(folder, "regressor")


def _edit(doc, data):
    """Replace one field, at the top level or one level down in an object-valued field."""
    focus = [k for k in ("classes_dtype", "classes", "target_scaling", "layer_dims", "params") if k in doc]
    keys = st.sampled_from(sorted(doc))
    key = data.draw((st.sampled_from(focus) | keys) if focus else keys)  # the fields that allocate, more often
    if isinstance(doc[key], dict) and doc[key] and data.draw(st.booleans()):
        doc[key][data.draw(st.sampled_from(sorted(doc[key])))] = data.draw(JSON)
    elif isinstance(doc[key], list) and doc[key] and data.draw(st.booleans()):
        doc[key][data.draw(st.integers(0, len(doc[key]) - 1))] = data.draw(JSON)
    else:
        doc[key] = data.draw(JSON)


@FUZZ
@given(data=st.data())
def test_fuzzed_model_metadata_loads_or_fails_in_one_line_within_budget(original, data):
    folder, classifier, regressor = original
    arrays, doc, X = data.draw(st.sampled_from([classifier, regressor]))
    path = forge(folder / "fuzzed.safetensors", arrays, doc, lambda a, d: _edit(d, data))
    model, message = None, None
    tracemalloc.start()
    try:
        model = layerwise.load(path)
    except ModelFileError as exc:
        message = str(exc)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < budget(path.stat().st_size) + path.stat().st_size, f"peak {peak:,} bytes"
    if model is None:
        assert message.startswith(f"{path}: ") and "\n" not in message
        return
    out = model.predict(X)
    assert out.shape == (len(X),)
    if out.dtype.kind == "f":
        assert np.all(np.isfinite(out))


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    from layerwise.cli import main

    folder = tmp_path_factory.mktemp("fuzz-ckpt")
    X = np.random.RandomState(0).randn(60, 3)
    data = folder / "d.npy"
    np.save(data, np.column_stack([X, X[:, 0] > 0]).astype(float))
    base = ["train", str(data), "--target", "-1", "--epochs", "2", "--seed", "0", "--verbose", "0"]
    base += ["--out", str(folder / "m.st"), "--batch-size", "20"]
    assert main([*base, "--checkpoint-every", "1"]) == 0
    return folder, base, (folder / "m.st.ckpt").read_bytes()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_checkpoint_metadata_resumes_or_fails_in_one_line(checkpoint, data, capsys):
    from test_hostile_checkpoints import _forged

    from layerwise.cli import main

    folder, base, original = checkpoint

    def edit(arrays, meta):
        section = data.draw(st.sampled_from(["state", "optimizer", "rng", "fingerprint"]))
        _edit(meta[section], data) if meta[section] else meta.__setitem__(section, data.draw(JSON))

    path = folder / "m.st.ckpt"
    path.write_bytes(_forged(original, edit))
    capsys.readouterr()
    code = main([*base, "--resume"])
    err = capsys.readouterr().err
    assert code in (0, 2) and "Traceback" not in err
    if code == 2:
        assert err.count("\n") == 1 and str(path) in err, err

"""Files and pipes as a user meets them: the umask's permissions, a wrong file where a model belongs, `| head`."""

import os
import pickle
import stat

import numpy as np
import pytest
from userland import digits_files, layerwise_cmd, shell

from layerwise.cli import main

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("files")
    digits_files(d, n_train=300, n_test=1400)
    r = shell(
        "umask 022 && layerwise train data.csv --target label --hidden 16 --epochs 5 --seed 0 --verbose 0 "
        "--out model.safetensors && layerwise predict model.safetensors new.csv --out predictions.csv && "
        'python -c \'import layerwise; layerwise.export_onnx(layerwise.load("model.safetensors"), '
        '"model.onnx")\'',
        cwd=d,
    )
    assert r.returncode == 0, r.stderr
    return d


@pytest.mark.parametrize("name", ["model.safetensors", "predictions.csv", "model.onnx"])
def test_files_get_the_umasks_permissions(folder, name):
    pytest.importorskip("onnx")
    assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o644  # under umask 022, as `touch` would give


@pytest.mark.parametrize(
    "argv, looks_like",
    [
        (["predict", "new.csv", "model.safetensors"], "looks like a CSV table (first line: 'p0,p1,p2"),  # swapped
        (["info", "model.onnx"], "looks like an ONNX model"),
        (["info", "model.pkl"], "looks like a Python pickle"),
        (["evaluate", "x.npy", "test.csv"], "looks like a NumPy .npy array"),
        (["info", "x.npz"], "looks like a ZIP archive"),
        (["info", "random.bin"], "looks like binary data of an unknown kind"),
    ],
)
def test_a_model_path_holding_something_else_says_what_it_looks_like(folder, argv, looks_like, monkeypatch, capsys):
    pytest.importorskip("onnx")
    (folder / "model.pkl").write_bytes(pickle.dumps({"W1": [1.0]}))
    np.save(folder / "x.npy", np.zeros(3))
    np.savez(folder / "x.npz", a=np.zeros(3))
    (folder / "random.bin").write_bytes(bytes(range(7, 250)) * 3)
    if argv[0] == "predict":  # the first as a subprocess, as typed; the rest through main() (the same code)
        r = layerwise_cmd(*argv, cwd=folder)
        code, err = r.returncode, r.stderr
    else:
        monkeypatch.chdir(folder)
        code, err = main(argv), capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    assert lines[0].startswith(f"layerwise: error: {argv[1]}: {looks_like}") and "not a layerwise model" in lines[0]


@pytest.mark.parametrize(
    "command",
    [
        "layerwise evaluate model.safetensors test.csv | head -1",
        "layerwise predict model.safetensors new.csv --proba | head -1",
    ],
)
def test_a_closed_pipe_ends_quietly(folder, command):
    r = shell(command, cwd=folder)  # whether the pipe closes before the last write is a race: 0 or 141
    assert r.stderr == "" and r.returncode in (0, 141), (r.returncode, r.stderr)  # 141: SIGPIPE's status
    assert len(r.stdout.splitlines()) == 1

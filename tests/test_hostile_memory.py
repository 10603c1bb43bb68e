"""``layerwise info`` and ``predict`` on hostile model files of at most 1 MB stay under 300 MB (issue 26).

One child process runs both commands (``main([...])``) on every crafted file of tests/hostile.py and on
two legitimate models of about 1 MB (a 35,000-unit layer; 60,000 classes), under an address-space limit (so a regression fails
with MemoryError instead of taking the machine), and reports its peak resident memory (ru_maxrss),
which includes the interpreter, NumPy, scikit-learn and the CSV reader (about 200 MB here). The
slowest call's time is printed for the report, not asserted (machines differ).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from hostile import HOSTILE, REGRESSOR_HOSTILE, forge, legit

import layerwise

PEAK_MB = 300
CHILD = r"""
import contextlib, io, json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # a 4 GB allocation fails here, quickly
from layerwise.cli import main
files, data = json.loads(sys.argv[1]), sys.argv[2]
codes, slowest = {}, 0.0
for f in files:
    for argv in (["info", f], ["predict", f, data]):
        t = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            code = main(argv)
        slowest = max(slowest, time.perf_counter() - t)
        codes[" ".join(argv[:2])] = (code, err.getvalue().count("\n"))
# VmHWM: this process's own peak; ru_maxrss would carry the forking pytest parent's peak across exec
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"peak_mb": hwm / 1024, "slowest_s": slowest, "codes": codes}))
"""


def _wide(arrays, doc):
    """A legitimate 3 -> 35,000 -> 3 float32 network: 0.98 MB of weights."""
    n = 35_000
    arrays.update(W1=np.full((n, 3), 0.01, np.float32), b1=np.zeros((n, 1), np.float32))
    arrays.update(W2=np.full((3, n), 0.01, np.float32), b2=arrays["b2"].astype(np.float32))
    for k in [k for k in arrays if k.startswith("preprocessing.")]:
        arrays[k] = arrays[k].astype(np.float32)
    doc.update(layer_dims=[3, n, 3], dtype="float32")
    doc["params"]["hidden_layer_sizes"] = [n]


def _many_classes(arrays, doc):
    """A legitimate 3 -> 1 -> 60,000 float32 network with integer labels: 0.9 MB."""
    k = 60_000
    arrays.update(W1=arrays["W1"][:1].astype(np.float32), b1=arrays["b1"][:1].astype(np.float32))
    arrays.update(W2=np.zeros((k, 1), np.float32), b2=np.zeros((k, 1), np.float32))
    for name in [name for name in arrays if name.startswith("preprocessing.")]:
        arrays[name] = arrays[name].astype(np.float32)
    doc.update(layer_dims=[3, 1, k], n_outputs=k, classes=list(range(k)), classes_dtype="int64", dtype="float32")
    doc["params"]["hidden_layer_sizes"] = [1]


def test_info_and_predict_on_hostile_files_stay_under_300_mb(tmp_path):
    arrays, doc, X = legit(tmp_path, "multiclass")
    r_arrays, r_doc, _ = legit(tmp_path, "regressor")
    files = [forge(tmp_path / f"c{i}.safetensors", arrays, doc, e) for i, (e, _) in enumerate(HOSTILE.values())]
    files += [
        forge(tmp_path / f"r{i}.safetensors", r_arrays, r_doc, e) for i, (e, _) in enumerate(REGRESSOR_HOSTILE.values())
    ]
    files.append(forge(tmp_path / "wide.safetensors", arrays, doc, _wide))
    files.append(forge(tmp_path / "classes.safetensors", arrays, doc, _many_classes))
    assert max(os.path.getsize(f) for f in files) <= 1 << 20
    data = tmp_path / "d.csv"
    np.savetxt(data, np.random.RandomState(1).randn(300, 3), delimiter=",", header="x0,x1,x2", comments="")
    src = str(Path(layerwise.__file__).parents[1])  # the layerwise under test, in the child too
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps([str(f) for f in files]), str(data)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.splitlines()[-1])
    print(f"peak {report['peak_mb']:.0f} MB, slowest call {report['slowest_s']:.2f} s over {len(files)} files")
    for argv, (code, lines) in report["codes"].items():
        legit_file = argv.endswith(("wide.safetensors", "classes.safetensors"))
        assert (code == 0) if legit_file else (code == 2 and lines == 1), (argv, code, lines)
    assert report["peak_mb"] < PEAK_MB, report

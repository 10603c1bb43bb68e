"""Peak resident memory of one training epoch, each contender in a fresh subprocess.

The child (``python -m bench.memory IMPL M``) imports its library, notes its resident set (the
baseline: interpreter plus libraries; importing scikit-learn alone, which layerwise uses, costs about
150 MB here because it pulls in SciPy and pandas), makes the data, runs one SGD epoch of
784-256-256-10 at batch 256, and prints JSON with its peak resident set (VmHWM). The target compares the
training's own footprint, peak minus baseline, with the data's size plus 100 MB; the absolute peak
is reported too.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

from .common import Row

DIMS = [784, 256, 256, 10]


def _status_mb(field):
    """A memory line of /proc/self/status in MB (VmRSS: now; VmHWM: this process image's peak)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb():
    # ru_maxrss would do, except that Linux carries the parent's high-water mark across fork + exec,
    # so a child of a big benchmark process reports at least the parent's size. VmHWM is reset by exec.
    hwm = _status_mb("VmHWM")
    return hwm if hwm == hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(impl, m):
    """Run in the subprocess: one epoch of ``impl`` on m examples; returns the measurements."""
    from . import layerwise_side  # noqa: F401  (its imports are part of the baseline of every impl)

    if impl == "pytorch":
        from . import torch_side  # noqa: F401
        import torch  # noqa: F401
    elif impl == "sklearn":
        from . import sklearn_side  # noqa: F401
    baseline = _status_mb("VmRSS")
    from .common import teacher_data
    from .mlp import contenders

    X, y = teacher_data(m, DIMS[0], DIMS[-1])
    data_mb = (X.nbytes + y.nbytes) / 2**20
    epoch = contenders(X, y, DIMS, "sgd", 256, impls=(impl,))[impl]
    t0 = time.perf_counter()
    epoch()
    seconds = time.perf_counter() - t0
    peak = _peak_mb()
    return {"impl": impl, "m": m, "baseline_mb": baseline, "data_mb": data_mb, "peak_mb": peak, "seconds": seconds}


def measure(impl, m):
    """Run ``child`` in a fresh interpreter with this process's import path; its JSON as a dict."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-m", "bench.memory", impl, str(m)], cwd=repo, env=env,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"memory child for {impl} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick=False, repeats=None, impls=("layerwise", "pytorch", "sklearn")):
    m = 4096 if quick else 60_000
    rows = []
    for impl in impls:
        r = measure(impl, m)
        rows.append(Row("memory", f"peak RSS, one sgd epoch {'-'.join(map(str, DIMS))} m={m}", impl, r["seconds"],
                        [r["seconds"]], examples=m, note="single run in a fresh process",
                        extra={k: r[k] for k in ("baseline_mb", "data_mb", "peak_mb")}))
    return rows


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], int(sys.argv[2]))))

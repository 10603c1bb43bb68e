"""The GPU check, in one process: backend parity on CuPy, then layerwise against PyTorch eager.

Run from the repository root on a machine with an NVIDIA GPU (finishes in well under 5 minutes):

    python -m bench.gpu

Needs CuPy, PyTorch (CUDA build), NumPy, SciPy, scikit-learn, threadpoolctl and array-api-compat. The
GPU machines we borrow have all but array-api-compat (and maybe a scikit-learn older than 1.9): carry
the wheels ``bench/gpu_wheels.sh`` downloads into ``.whl/`` (docs/guide/gpu.md has the one-line command).

Sections (each in its own try/except, so one failure never loses the rest):
1. parity: the estimators trained on NumPy and on CuPy (CUDA graphs on, then off) agree to 1e-12 in
   float64 over 20 training steps, for several activations, solvers and outputs;
2. speed, interleaved, median of REPEATS epochs: one epoch of 60,000 synthetic float32 examples for
   784-256-256-10 at batch 256 and 784-4096-4096-10 at batch 4096, float32 and TF32, SGD (Nesterov
   momentum) and Adam, layerwise's captured step against PyTorch eager on the same GPU, same init;
3. the float32 / TF32 matrix-product peak (CuPy, 8192^3).
Prints a table with ratios and PASS/FAIL, and writes bench/results/gpu.md and gpu.json (and copies
them to $OUT when that is set). The sections are bench/gpu_parity.py and bench/gpu_speed.py; the shared
record and the report bench/gpu_results.py.
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import numpy as np

from bench.gpu_parity import parity
from bench.gpu_results import RESULTS, section, write_results
from bench.gpu_speed import peak, speed


@section("environment")
def environment() -> None:
    """The GPU, CUDA and library versions, into ``RESULTS["env"]``."""
    import cupy

    props = cupy.cuda.runtime.getDeviceProperties(0)
    name = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
    env = {
        "gpu": name,
        "cupy": cupy.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "cuda_runtime": cupy.cuda.runtime.runtimeGetVersion(),
    }
    for mod in ("torch", "sklearn", "array_api_compat"):
        try:
            env[mod] = __import__(mod).__version__
        except Exception as exc:
            env[mod] = f"missing ({type(exc).__name__})"
    RESULTS["env"] = env
    for k, v in env.items():
        print(f"{k:>18}: {v}")


def main() -> int:
    """Every section, then the report; exit status 1 when a target is missed or a section failed."""
    t = time.perf_counter()
    environment()
    parity()
    speed()
    peak()
    RESULTS["total_seconds"] = round(time.perf_counter() - t, 1)
    write_results()
    failed = [r["what"] for r in RESULTS["rows"] if r["pass"] is False]
    print(f"total {RESULTS['total_seconds']} s; {len(failed)} target(s) missed; {len(RESULTS['errors'])} error(s)")
    return 1 if failed or RESULTS["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Download the wheels bench/gpu.py and tests/test_gpu.py need on a borrowed GPU machine that lacks them,
# into .whl/ at the repository root (Python 3.12, manylinux x86_64; pure-Python wheels where possible).
#
# The GPU image already has CuPy, PyTorch, NumPy, SciPy, threadpoolctl, safetensors, tqdm, pytest and
# hypothesis; it lacks array-api-compat, and its scikit-learn may be older than the 1.6 we need, so we
# bring 1.9.1. Run from the repository root:  bash bench/gpu_wheels.sh
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.whl/' .git/info/exclude 2>/dev/null || echo '/.whl/' >> "$(git rev-parse --git-path info/exclude)"
PY=${PYTHON:-python3}
mkdir -p .whl
"$PY" -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
    --platform manylinux2014_x86_64 --platform manylinux1_x86_64 -d .whl \
    array-api-compat==1.16.0 scikit-learn==1.9.1
ls -la .whl
du -sh .whl

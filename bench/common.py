"""What every benchmark case shares: interleaved timing, result rows, FLOP counts, data, machine facts.

The targets on the user's path (``train``, ``predict``) run each contender in fresh processes
(``fresh.py``). The older in-process cases (``wide``, ``deep``, ``vectorization``) use ``interleaved``:
the contenders run in the same process, round by round (the order rotates every round), one warm-up
round is discarded, and each contender's figure is the median of the remaining rounds. A lone absolute
time on these shared machines is noise; ratios measured side by side are the signal.
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass, field

import numpy as np


@dataclass
class Row:
    """One line of the table: one contender of one case."""

    key: str  # stable case id the targets look up: "mlp-sgd", "wide", "deep-f64", "vec", "memory", ...
    case: str  # what the table shows, e.g. "784-256-256-10 sgd b256"
    impl: str  # "layerwise" | "pytorch" | "sklearn" | "numpy" | ...
    seconds: float  # median over the timed rounds
    runs: list = field(default_factory=list)  # every timed round, seconds
    examples: int | None = None  # examples processed per timed call (for examples/s)
    flop: float | None = None  # floating-point operations per timed call (products actually executed)
    peak_key: str | None = None  # which measured peak the GFLOP/s are compared with ("f32" | "f64")
    note: str = ""
    extra: dict = field(default_factory=dict)  # filled by the report: ratios, fractions, RSS

    @property
    def examples_per_s(self):
        return self.examples / self.seconds if self.examples else None

    @property
    def gflops(self):
        return self.flop / self.seconds / 1e9 if self.flop else None

    def as_dict(self):
        d = asdict(self)
        d["examples_per_s"], d["gflops"] = self.examples_per_s, self.gflops
        d["best_seconds"] = min(self.runs) if self.runs else None  # the least disturbed round
        return d


def timing_rows(rows):
    """In-process ``Row``s as diagnostic report rows (``bench.rows``): median seconds, spread, GFLOP/s."""
    from .rows import row

    return [
        row(
            f"{r.case}: {r.impl}",
            r.seconds,
            "s",
            min=min(r.runs),
            median=r.seconds,
            max=max(r.runs),
            runs=r.runs,
            gflops=r.gflops,
            note=r.note,
        )
        for r in rows
    ]


def ratio(rows, key, impl, other):
    """seconds of (key, impl) / seconds of (key, other) among ``Row``s, or None when one is missing."""
    a = next((r for r in rows if r.key == key and r.impl == impl), None)
    b = next((r for r in rows if r.key == key and r.impl == other), None)
    return a.seconds / b.seconds if a and b else None


def interleaved(contenders, repeats=5, warmup=1):
    """Time each callable of ``contenders`` ({name: fn}) ``warmup + repeats`` times, round-robin.

    Returns {name: [seconds of each timed round]}; the warm-up rounds are discarded. The order of the
    contenders rotates each round so that a slow phase of the machine does not hit one of them only.
    """
    names = list(contenders)
    times = {name: [] for name in names}
    for r in range(warmup + repeats):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            t0 = time.perf_counter()
            contenders[name]()
            dt = time.perf_counter() - t0
            if r >= warmup:
                times[name].append(dt)
    return times


def median(xs):
    return statistics.median(xs)


def mlp_flop(layer_dims, m):
    """FLOPs of one training step on a batch of m: the matrix products actually executed.

    Forward 2 m n[l-1] n[l] per layer (Z = W A); backward dW for every layer (2 m n[l-1] n[l]) and dA
    for layers 2..L only (dA[0] is never computed). Elementwise work is not counted.
    """
    per_layer = [2.0 * m * a * b for a, b in itertools.pairwise(layer_dims)]
    return 2 * sum(per_layer) + sum(per_layer[1:])


def epoch_flop(layer_dims, m, batch_size):
    """FLOPs of one epoch over m examples in batches of ``batch_size`` (the last one may be short)."""
    full, rest = divmod(m, batch_size)
    return full * mlp_flop(layer_dims, batch_size) + (mlp_flop(layer_dims, rest) if rest else 0.0)


def teacher_data(m, n_x=784, n_classes=10, hidden=64, seed=0, dtype=np.float32, chunk=8192):
    """Synthetic learnable data: X (m, n_x) standard normal, y (m,) int64 = argmax of a random
    ReLU teacher network n_x-hidden-n_classes. Made in chunks, so no float64 copy of X ever exists."""
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((n_x, hidden)).astype(dtype) / np.sqrt(n_x).astype(dtype)
    W2 = rng.standard_normal((hidden, n_classes)).astype(dtype)
    X = np.empty((m, n_x), dtype=dtype)
    y = np.empty(m, dtype=np.int64)
    for i in range(0, m, chunk):
        block = X[i : i + chunk]
        if dtype == np.float32 or dtype == np.float64:
            rng.standard_normal(out=block, dtype=dtype)
        H = np.maximum(block @ W1, 0)  # (chunk, hidden)
        y[i : i + chunk] = np.argmax(H @ W2, axis=1)
    return X, y


def blas_info():
    """threadpoolctl's description of the BLAS and OpenMP libraries loaded in this process."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return [{"error": "threadpoolctl not installed (pip install threadpoolctl, or pip install --group bench)"}]
    keep = ("user_api", "internal_api", "version", "num_threads", "architecture", "threading_layer", "prefix")
    libs = []
    for lib in threadpool_info():
        d = {k: lib.get(k) for k in keep if k in lib}
        d["shipped_with"] = os.path.basename(os.path.dirname(lib.get("filepath", "")))  # numpy.libs, scipy.libs, ...
        libs.append(d)
    return libs


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info():
    """CPU, core count, library versions and the OpenBLAS environment, for the record."""
    import sklearn

    info = {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "sklearn": sklearn.__version__,
        "env": {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS_", "OMP_", "MKL_"))},
    }
    from importlib.metadata import PackageNotFoundError, version

    for name in ("torch", "jax", "jaxlib"):  # versions only: the libraries are imported in the workers
        try:
            info[name] = version(name)
        except PackageNotFoundError:
            info[name] = None
    info["blas"] = blas_info()
    return info


def write_text_atomic(path, text):
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_json_atomic(path, obj):
    """Write ``obj`` as JSON to ``path``, atomically."""
    write_text_atomic(path, json.dumps(obj, indent=2, default=float))

"""``python -m bench.worker '{"kind": "fit", ...}'``: one measurement in this fresh process, as JSON.

Kinds (``JOBS``):

- ``fit``: impl (layerwise | layerwise-engine | pytorch | sklearn | jax-step | jax-scan), solver, dtype,
  m, dims, batch, epochs, lr. Makes the teacher data (``common.teacher_data``), then times the
  contender's training of ``epochs`` epochs (its ``fit_job``); JAX reports its compile time apart.
- ``peak``: dtype, n. The float GEMM peak: C = A B on n x n through NumPy, the median of 3 after one
  warm-up, as GFLOP/s.
- ``products``: impl (numpy | pytorch), dtype, dims, batch. The matrix products of one training step
  alone (``bench.products``), the median of 30 after 5 warm-ups, as GFLOP/s.
- ``predict``: impl (layerwise | layerwise-engine | sklearn), m_train, m_test, dims, singles. A model trained one epoch,
  then predict_proba on m_test rows (median of 5) and predict on one row (median of ``singles`` calls).

Each result carries ``rss_imports_mb`` (resident set after the library's imports, before any data)
and ``peak_mb`` (the process's peak resident set, VmHWM, which exec resets).
"""

from __future__ import annotations

import importlib
import json
import statistics
import sys
import time

SIDES = {
    "layerwise": "bench.layerwise_side",
    "layerwise-engine": "bench.layerwise_side",
    "pytorch": "bench.torch_side",
    "sklearn": "bench.sklearn_side",
    "jax-step": "bench.jax_side",
    "jax-scan": "bench.jax_side",
}


def status_mb(field):
    """A line of /proc/self/status in MB (VmRSS: now; VmHWM: the peak since exec); None elsewhere."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _side(impl, threads):
    side = importlib.import_module(SIDES[impl])
    side.setup(threads)  # imports the library and sets its thread count
    return side


def fit(job):
    import numpy as np

    from .common import teacher_data

    side = _side(job["impl"], job["threads"])
    rss_imports = status_mb("VmRSS")
    dims = job["dims"]
    X, y = teacher_data(job["m"], dims[0], dims[-1], dtype=np.dtype(job["dtype"]).type)
    data_mb = (X.nbytes + y.nbytes) / 2**20
    res = side.fit_job(X, y, dims, job["solver"], job["lr"], job["batch"], job["epochs"], impl=job["impl"])
    return dict(res, rss_imports_mb=rss_imports, data_mb=data_mb)


def peak(job):
    import numpy as np

    rss_imports = status_mb("VmRSS")
    n, dtype = job["n"], np.dtype(job["dtype"])
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((n, n)).astype(dtype), rng.standard_normal((n, n)).astype(dtype)
    C = np.empty((n, n), dtype)
    times = []
    for _ in range(4):
        t0 = time.perf_counter()
        np.matmul(A, B, out=C)
        times.append(time.perf_counter() - t0)
    seconds = statistics.median(times[1:])
    return {"seconds": seconds, "gflops": 2.0 * n**3 / seconds / 1e9, "rss_imports_mb": rss_imports}


def products(job):
    from .products import step_products

    if job["impl"] == "pytorch":
        _side("pytorch", job["threads"])  # its thread count
    rss_imports = status_mb("VmRSS")
    run, flop = step_products(job["impl"], job["dims"], job["batch"], job["dtype"])
    for _ in range(5):
        run()
    times = []
    for _ in range(30):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    seconds = statistics.median(times)
    return {"seconds": seconds, "gflops": flop / seconds / 1e9, "rss_imports_mb": rss_imports}


def predict(job):
    import numpy as np

    from .common import teacher_data

    side = _side(job["impl"], job["threads"])
    rss_imports = status_mb("VmRSS")
    dims = job["dims"]
    X, y = teacher_data(job["m_train"] + job["m_test"], dims[0], dims[-1], dtype=np.float32)
    model = side.trained_model(X[: job["m_train"]], y[: job["m_train"]], dims, impl=job["impl"])
    X_test = X[job["m_train"] :]  # (m_test, n_x)
    times = []
    for _ in range(6):
        t0 = time.perf_counter()
        model.predict_proba(X_test)
        times.append(time.perf_counter() - t0)
    one = X_test[:1]
    model.predict(one)
    singles = []
    for i in range(job["singles"]):
        row = X_test[i % len(X_test)][None, :]
        t0 = time.perf_counter()
        model.predict(row)
        singles.append(time.perf_counter() - t0)
    return {
        "seconds": statistics.median(times[1:]),
        "one_row_seconds": statistics.median(singles),
        "rss_imports_mb": rss_imports,
    }


JOBS = {"fit": fit, "peak": peak, "products": products, "predict": predict}


def main(argv):
    job = json.loads(argv[0])
    res = JOBS[job["kind"]](job)
    res["peak_mb"] = status_mb("VmHWM")
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

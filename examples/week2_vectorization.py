"""Week 2: vectorization. One gradient step of logistic regression three ways, timed, same result.

1. two explicit loops, over the m examples and the n_x features (``core.reference.propagate_loops``);
2. one loop over the examples, each example's features as a vector (``core.reference.propagate_example_loop``);
3. no loop: dw = X (A - Y)^T / m, db = sum(A - Y) / m (``layerwise.course.week2.propagate``).

All three give the same cost and gradients (to rounding); only the time differs. The lecture's
warm-up, the dot product of two vectors of a million numbers by a for loop and by ``np.dot``, comes first.

    python examples/week2_vectorization.py [--quick] [--out-dir DIR]
"""

from __future__ import annotations

import time

import _common
import numpy as np


def timed(fn, *args, repeat=1):
    """(result of fn(*args), best wall time in seconds over ``repeat`` runs)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - start)
    return out, best


def dot_loop(a, b):
    c = 0.0
    for i in range(len(a)):
        c += a[i] * b[i]
    return c


def main(argv=None):
    from layerwise.core import reference
    from layerwise.course import week2

    args = _common.parser("week2_vectorization", __doc__.splitlines()[0]).parse_args(argv)
    rng = np.random.RandomState(0)

    n = 100_000 if args.quick else 1_000_000
    a, b = rng.rand(n), rng.rand(n)
    c_loop, t_loop = timed(dot_loop, a.tolist(), b.tolist())
    c_vec, t_vec = timed(np.dot, a, b, repeat=5)
    print(
        f"dot product of two vectors of {n} numbers: for loop {1e3 * t_loop:.2f} ms, np.dot "
        f"{1e3 * t_vec:.3f} ms; |difference| = {abs(c_loop - c_vec):.2e}"
    )

    n_x, m = (200, 100) if args.quick else (2000, 500)
    X = rng.rand(n_x, m)  # (n_x, m): one column per example
    Y = (rng.rand(1, m) > 0.5).astype(float)  # (1, m)
    w, b0 = rng.randn(n_x, 1) * 0.01, 0.1  # (n_x, 1), scalar
    print(f"one gradient step of logistic regression, n_x = {n_x} features, m = {m} examples:")

    versions = {
        "two loops (examples, features)": lambda: reference.propagate_loops(w, b0, X, Y),
        "one loop (examples)": lambda: reference.propagate_example_loop(w, b0, X, Y),
        "vectorized": lambda: _vectorized(week2, w, b0, X, Y),
    }
    results, times = {}, {}
    for name, fn in versions.items():
        results[name], times[name] = timed(fn, repeat=1 if "loop" in name else 20)
    dw_ref, db_ref, J_ref = results["vectorized"]
    for name in versions:
        dw, db, J = results[name]
        diff = max(float(np.max(np.abs(dw - dw_ref))), abs(db - db_ref), abs(J - J_ref))
        print(
            f"  {name:<31} {1e3 * times[name]:10.3f} ms   x{times[name] / times['vectorized']:8.1f}   "
            f"max |difference from vectorized| = {diff:.2e}"
        )
    print(f"cost J = {J_ref:.12f}, db = {db_ref:.12f}, |dw| = {float(np.linalg.norm(dw_ref)):.12f}")

    fig, ax = _common.new_figure(figsize=(6.4, 3.2))
    names = list(versions)
    ax.barh(names, [1e3 * times[k] for k in names], color=["tab:red", "tab:orange", "tab:green"])
    ax.set_xscale("log")
    ax.set(xlabel="time of one gradient step (ms, log scale)", title=f"n_x = {n_x}, m = {m}")
    _common.save(fig, args, "vectorization.png")
    return 0


def _vectorized(week2, w, b, X, Y):
    grads, cost = week2.propagate(w, b, X, Y)
    return grads["dw"], float(grads["db"]), float(cost)


if __name__ == "__main__":
    raise SystemExit(main())

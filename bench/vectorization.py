"""The course's vectorization demonstration: one logistic-regression gradient step on
X (n_x = 1,000, m = 10,000), three ways.

- double loop:  over examples and over features, pure Python (``core.reference.propagate_loops``)
- example loop: over examples, each example's features vectorized (``propagate_example_loop``)
- vectorized:   the core's network with L = 1 (``model_forward`` / ``model_backward``)

Each computes the cost and the gradients and takes the step w -= alpha dw, b -= alpha db. The three
gradients are checked to agree before anything is timed. When the double loop would take more than
``LOOP_BUDGET_S`` over all its rounds it is timed on the first m' examples and its time scaled by
m / m' (its cost is linear in m); the row's note says so.
"""

from __future__ import annotations

import time

import numpy as np

from layerwise.core import network, reference

from .common import Row, interleaved, median, ratio, timing_rows
from .rows import at_least

LOOP_BUDGET_S = 20.0
ALPHA = 0.01


def make_data(n_x, m, seed=0):
    """X (n_x, m) float64, Y (1, m) in {0, 1} from a random teacher, w (n_x, 1) small, b = 0."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))
    Y = (rng.standard_normal((1, n_x)) @ X > 0).astype(np.float64)
    w = 0.01 * rng.standard_normal((n_x, 1))
    return X, Y, w, 0.0


def vectorized_step(w, b, X, Y):
    """(w, b) -> (w, b, cost) after one step, through the core with L = 1 (W = w^T (1, n_x))."""
    params = (network.LayerParams(w.T, np.full((1, 1), b)),)
    AL, caches = network.model_forward(X, params, "relu", "binary_crossentropy")
    cost = network.compute_cost(caches, Y, "binary_crossentropy")
    (g,) = network.model_backward(AL, Y, caches, "relu", "binary_crossentropy")
    return w - ALPHA * g.dW.T, b - ALPHA * float(g.db[0, 0]), float(cost)


def loop_step(propagate):
    def step(w, b, X, Y):
        dw, db, cost = propagate(w, b, X, Y)
        return w - ALPHA * dw, b - ALPHA * db, cost

    return step


def check_agree(w, b, X, Y):
    """The three versions give the same step on a slice of the data; AssertionError otherwise."""
    Xs, Ys = X[:, :50], Y[:, :50]
    ref = loop_step(reference.propagate_loops)(w, b, Xs, Ys)
    for step in (loop_step(reference.propagate_example_loop), vectorized_step):
        got = step(w, b, Xs, Ys)
        assert np.allclose(got[0], ref[0], rtol=1e-10, atol=1e-14), "w after one step differs"
        assert abs(got[1] - ref[1]) < 1e-12 and abs(got[2] - ref[2]) < 1e-10, "b or cost differs"


def loop_subset(m, rounds, w, b, X, Y):
    """How many examples to time the double loop on so that ``rounds`` runs fit the budget."""
    probe = min(m, 100)
    t0 = time.perf_counter()
    loop_step(reference.propagate_loops)(w, b, X[:, :probe], Y[:, :probe])
    estimate = (time.perf_counter() - t0) * m / probe * rounds
    if estimate <= LOOP_BUDGET_S:
        return m
    return max(probe, int(m * LOOP_BUDGET_S / estimate))


def measure(quick=False, repeats=5):
    n_x, m = (50, 500) if quick else (1_000, 10_000)
    X, Y, w, b = make_data(n_x, m)
    check_agree(w, b, X, Y)
    m_loop = loop_subset(m, repeats + 1, w, b, X, Y)
    Xl, Yl = np.ascontiguousarray(X[:, :m_loop]), Y[:, :m_loop]
    double, single = loop_step(reference.propagate_loops), loop_step(reference.propagate_example_loop)
    c = {
        "double loop": lambda: double(w, b, Xl, Yl),
        "example loop": lambda: single(w, b, X, Y),
        "vectorized": lambda: vectorized_step(w, b, X, Y),
    }
    times = interleaved(c, repeats=repeats)
    scale = m / m_loop
    times["double loop"] = [t * scale for t in times["double loop"]]
    name = f"logistic step {n_x}x{m}"
    flop = 4.0 * n_x * m  # w^T X and X dz^T
    rows = []
    for impl, ts in times.items():
        note = f"timed on {m_loop} examples, scaled x{scale:.1f}" if impl == "double loop" and scale > 1 else ""
        rows.append(Row("vec", name, impl, median(ts), ts, examples=m, flop=flop, peak_key="f64", note=note))
    return rows


def run(quick=False, repeats=5):
    """The section's rows: timings, then the vectorized step >= 300x faster than the double loop."""
    rows = measure(quick, repeats)
    return timing_rows(rows) + [
        at_least(
            "vectorized logistic step: speed-up over the double loop",
            ratio(rows, "vec", "double loop", "vectorized"),
            300,
        )
    ]

"""The course's deep model: (12288, 20, 7, 5, 1), 100 full-batch gradient-descent iterations on the
209 training images of the cat / non-cat set, learning rate 0.0075, float64 and float32,
layerwise vs PyTorch. Both start from the course's initialization (randn / sqrt(n[l-1]), seed 1).

The images are found by layerwise.datasets.find_cat_dir's one rule ($LAYERWISE_CAT_DIR, then
../shared/datasets/catvnoncat beside the checkout); when absent, synthetic data of the same shape
(209 x 12288 in [0, 1], labels of a random teacher) stand in, and the row says so.
"""

from __future__ import annotations

import numpy as np

from . import layerwise_side, torch_side
from .common import Row, interleaved, median, mlp_flop, ratio, teacher_data, timing_rows
from .rows import at_most

DIMS = [12288, 20, 7, 5, 1]
ITERATIONS = 100
LEARNING_RATE = 0.0075
LIMITS = {"f64": 0.85, "f32": 1.0}  # layerwise / PyTorch: issue 27 keeps float64 at the 0.83x measured before


def cat_dir():
    """The folder holding the cat images (layerwise's one rule), or None."""
    from layerwise.datasets import find_cat_dir

    try:
        return find_cat_dir()
    except FileNotFoundError:
        return None


def load_data():
    """X (209, 12288) float64 in [0, 1], y (209,) int, and where they came from."""
    folder = cat_dir()
    if folder is not None:
        try:
            from layerwise.datasets import load_catvnoncat

            data = load_catvnoncat(str(folder))
            return np.ascontiguousarray(data[0], dtype=np.float64), data[1], "cat images"
        except (ImportError, ValueError) as exc:  # h5py missing or an unreadable file
            source = f"synthetic ({exc.__class__.__name__} loading the cat images)"
    else:
        source = "synthetic (cat images not found)"
    X, _ = teacher_data(209, DIMS[0], 2, dtype=np.float64)
    X = (X - X.min()) / (X.max() - X.min())
    y = (X @ np.random.default_rng(3).standard_normal(DIMS[0]) > 0).astype(np.int64)
    return X, y, source


def measure(quick=False, repeats=5):
    dims, iterations = ([512, 20, 7, 5, 1], 5) if quick else (DIMS, ITERATIONS)
    X64, y, source = load_data()
    X64 = np.ascontiguousarray(X64[:, : dims[0]])
    m = X64.shape[0]
    rows = []
    for dtype, key in ((np.float64, "f64"), (np.float32, "f32")):
        X = X64.astype(dtype)
        params = layerwise_side.init_params(dims, seed=1, dtype=dtype, init="xavier")
        c = {
            "layerwise": layerwise_side.fullbatch_train(X, y, params, iterations, LEARNING_RATE),
            "pytorch": torch_side.fullbatch_train(X, y, params, iterations, LEARNING_RATE),
        }
        times = interleaved(c, repeats=repeats)
        name = f"course deep {'-'.join(map(str, dims))} {key} x{iterations}"
        for impl, ts in times.items():
            note = source + ("; engine.run_epoch" if impl == "layerwise" else "")
            rows.append(
                Row(
                    f"deep-{key}",
                    name,
                    impl,
                    median(ts),
                    ts,
                    examples=m * iterations,
                    flop=iterations * mlp_flop(dims, m),
                    peak_key=key,
                    note=note,
                )
            )
    return rows


def run(quick=False, repeats=5):
    """The section's rows: timings, then layerwise / PyTorch <= LIMITS[k] in float64 and float32 (in-process)."""
    rows = measure(quick, repeats)
    return timing_rows(rows) + [
        at_most(
            f"course deep model {k}: layerwise engine / PyTorch (in-process)",
            ratio(rows, f"deep-{k}", "layerwise", "pytorch"),
            LIMITS[k],
        )
        for k in ("f64", "f32")
    ]

"""What an estimator refuses before training, because it cannot work: each check one short function.

- features of datetime or timedelta type (NumPy would turn them into nanosecond counts silently);
- class labels of mixed Python types (NumPy's sort would fail with a raw TypeError);
- an output layer far larger than the data can teach, or than the machine can hold: more than
  ``WIDE_OUTPUT`` classes with fewer than 2 examples a class is refused (the environment variable
  ``LAYERWISE_ALLOW_WIDE_OUTPUT=1`` lets it through), and one whose one-hot targets and parameters
  would not fit in memory always is, before anything of that size is allocated;
- target statistics that overflow (a regressor's standardization of y * 1e300 gives an infinite scale).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

WIDE_OUTPUT = 1000  # classes beyond which "fewer than 2 examples a class" is refused


def check_features(X: Any) -> None:
    """TypeError for datetime64 or timedelta64 features (an array, or a DataFrame's columns)."""
    dtypes = getattr(X, "dtypes", None)
    dtype = getattr(X, "dtype", None)
    kinds = [np.dtype(object) if dtype is None else dtype] if dtypes is None else list(dtypes)
    names = [None] if dtypes is None else list(getattr(X, "columns", [None] * len(kinds)))
    for name, dt in zip(names, kinds):
        kind = getattr(dt, "kind", "O")
        if kind in "mM":
            where = "" if name is None else f" (column {name!r})"
            raise TypeError(
                f"X has {dt} values{where}; a network needs numbers. Convert them first, for example to "
                "seconds since a reference date, or to calendar features (day of week, month)"
            )


def check_labels(y: np.ndarray) -> None:
    """TypeError unless the labels (n_samples,) are uniformly strings or numbers (scikit-learn's wording)."""
    if y.dtype != object:
        return
    kinds = sorted(
        {
            "str" if isinstance(v, str) else "number" if isinstance(v, (int, float, np.number)) else type(v).__name__
            for v in y.tolist()
        }
    )
    if len(kinds) > 1:
        raise TypeError(
            f"Labels must be uniformly strings or numbers. Got a mix of {kinds}; convert them to one "
            "type first (for example y.astype(str))"
        )


def check_output_layer(n_classes: int, m: int, n_prev: int, itemsize: int) -> None:
    """ValueError when an output layer of ``n_classes`` units cannot be learned from m rows or held in memory.

    ``n_prev``: units of the last hidden layer (or the features). Counted: the one-hot targets (m, K),
    and W[L] (K, n_prev) with its gradient and two optimizer moments.
    """
    need = itemsize * (m * n_classes + 4 * n_classes * (n_prev + 1))
    have = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    if need > have:
        raise ValueError(
            f"{n_classes:,} classes on {m:,} samples need about {need / 2**30:,.1f} GiB for the one-hot "
            f"targets and the output layer; this machine has {have / 2**30:,.1f} GiB. Merge rare classes, "
            "or train on fewer classes"
        )
    if n_classes > WIDE_OUTPUT and 2 * n_classes > m and os.environ.get("LAYERWISE_ALLOW_WIDE_OUTPUT") != "1":
        raise ValueError(
            f"{n_classes:,} classes on {m:,} samples: fewer than 2 examples a class, which an output layer "
            f"of {n_classes:,} units cannot learn (it costs {need / 2**20:,.0f} MiB). Merge rare classes, or "
            "set the environment variable LAYERWISE_ALLOW_WIDE_OUTPUT=1 to train anyway"
        )


def check_target_statistics(mean: np.ndarray, scale: np.ndarray) -> None:
    """ValueError when the target's mean or standard deviation is not finite (values near the float limit)."""
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(scale))):
        raise ValueError(
            "the target's mean or standard deviation overflows (target values up to "
            f"{np.max(np.abs(mean)):.3g} on average): rescale y first (divide it by a power of 10), "
            "then multiply the predictions back"
        )


__all__ = ["check_features", "check_labels", "check_output_layer", "check_target_statistics", "WIDE_OUTPUT"]

"""What a training run is, so that a checkpoint continues only the run that wrote it.

``fingerprint`` is the run in JSON: the architecture, every training option but the ones a resumed run
may change (verbose, max_iter, warm_start), the number of rows and a digest of the training data.
``data_digest`` is that digest for one process's rows, built so that the sums of all processes' digests
agree however the rows are split; ``check`` names each option that differs between two fingerprints.
The checkpoint file itself is distributed/checkpoint.py's.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def data_digest(X: np.ndarray, Y: np.ndarray, w: np.ndarray | None, start: int) -> int:
    """A digest of rows ``start...`` of the training data (X (m_r, n_x), Y (m_r, n[L]), w), mod 2^64.

    Each value's bits times a constant drawn from its global position (splitmix64), summed: the sums of
    all processes' rows add up to the same number however the rows are split, so ``sum(allgather) % 2**64``
    is one fingerprint of the whole data set. Any change of a value (another scaling) changes it.
    """
    total = 0
    for k, A in enumerate((X, Y, w)):
        if A is None:
            continue
        A = np.ascontiguousarray(A).reshape(A.shape[0], -1)
        n = A.shape[1]
        step = max(1, (1 << 20) // max(n, 1))  # rows a block: the temporaries stay near 8 MB each
        for r in range(0, A.shape[0], step):
            block = A[r : r + step]
            bits = block.view(np.uint64 if block.dtype.itemsize == 8 else np.uint32).astype(np.uint64)
            rows = np.arange(start + r, start + r + len(block), dtype=np.uint64)[:, None]
            pos = rows * np.uint64(n) + np.arange(n, dtype=np.uint64) + np.uint64(k << 60)
            total += int(np.sum(bits * _splitmix(pos), dtype=np.uint64))
    return total % 2**64


def _splitmix(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # arithmetic mod 2^64 is the point
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def fingerprint(est: Any, m: int, processes: int, data: int | None = None) -> dict[str, Any]:
    """What must match for a checkpoint to continue this run (JSON-able); ``data``: ``data_digest``'s sum."""
    params = {
        k: (v if isinstance(v, (int, float, str, bool, type(None))) else repr(v))
        for k, v in sorted(est.get_params().items())
        if k not in ("verbose", "max_iter", "warm_start")
    }
    return {
        "estimator": type(est).__name__,
        "layer_dims": [int(n) for n in est.layer_dims_],
        "activations": list(est.activations_),
        "loss": est.loss_,
        "rows": int(m),
        "dtype": np.dtype(est.params_[0].W.dtype).name,
        **params,
        # dropout masks are drawn per process, so only with dropout does the process count change the run
        "processes": int(processes) if est.dropout else "any",
        "data": None if data is None else f"{data:016x}",
    }


def check(path: Any, saved: dict[str, Any], current: dict[str, Any]) -> None:
    """ValueError in one line naming each option that differs between the checkpoint and this run."""
    keys = [k for k in dict.fromkeys([*saved, *current]) if saved.get(k) != current.get(k)]
    if keys:
        diffs = "; ".join(
            "the training data or its scaling (--scale) differ"
            if k == "data"
            else f"{k} {saved.get(k)!r} there, {current.get(k)!r} here"
            for k in keys
        )
        raise ValueError(
            f"{path} was written by a different run ({diffs}): rerun with the same options, "
            "or without --resume to start afresh (its checkpoints then replace this one)"
        )


__all__ = ["data_digest", "fingerprint", "check"]

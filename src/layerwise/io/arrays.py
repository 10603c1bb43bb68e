"""Array files: .npy (memory-mapped), .npz and HDF5 image sets -> (X (m, n_x), y, feature names)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .columns import Loaded, check_finite, need, select, target_names


def _numeric_array(path: str, A: np.ndarray, what: str) -> np.ndarray:
    if A.dtype.kind not in "biuf" or A.ndim not in (1, 2) or A.shape[0] == 0:
        raise ValueError(f"{path}: expected a non-empty numeric array (m, n) for {what}, got {A.dtype}{list(A.shape)}")
    return A if A.ndim == 2 else A.reshape(-1, 1)


def read_npy(path: str, target: Any, features: Sequence[str] | None) -> Loaded:
    """A 2-D array; columns are named x0, x1, ...; memory-mapped, so X stays a view when it can."""
    try:
        A = np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError as exc:
        raise ValueError(f"{path}: not a readable .npy array ({exc})") from None
    A = _numeric_array(path, A, "the data")
    names = [f"x{j}" for j in range(A.shape[1])]
    targets = [f"x{int(t) % A.shape[1]}" if t.lstrip("-").isdigit() else t for t in target_names(target)]
    if targets in ([], [names[-1]]) and features is None and A.dtype in (np.float32, np.float64):
        check_finite(path, names, A, allow_nan=False)  # block by block: the map is not copied
        if not targets:
            return A, None, names  # the memory map itself
        return A[:, :-1], np.asarray(A[:, -1]), names[:-1]  # a view of the map
    return select(path, {n: A[:, j] for j, n in enumerate(names)}, targets, features)


def read_npz(path: str, target: Any, features: Sequence[str] | None) -> Loaded:
    """Arrays X (m, n) and, optionally, y (or the array named by ``target``)."""
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except (ValueError, OSError) as exc:
        raise ValueError(f"{path}: not a readable .npz archive ({exc})") from None
    key = target or ("y" if "y" in arrays else None)
    for k in ("X", key):
        if k is not None and k not in arrays:
            raise ValueError(f"{path}: no array {k!r}; the arrays are: {', '.join(arrays)}")
    X = _numeric_array(path, arrays["X"], "X")
    y = None if key is None else arrays[key]
    if y is not None and y.shape[0] != X.shape[0]:
        raise ValueError(f"{path}: X has {X.shape[0]} rows but {key} has {y.shape[0]}")
    names = [f"x{j}" for j in range(X.shape[1])]
    check_finite(path, names, X, allow_nan=False)
    if features is not None:
        X, _, names = select(path, {n: X[:, j] for j, n in enumerate(names)}, None, features)
    return (X if X.dtype.kind == "f" else X.astype(np.float64)), y, names


def read_hdf5(path: str, target: Any, features: Sequence[str] | None) -> Loaded:
    """An image set like the course's: images (m, ...) flattened to (m, n); uint8 pixels / 255."""
    h5py = need("h5py", "HDF5")
    try:
        with h5py.File(path, "r") as f:
            sets = {k: f[k] for k in f if isinstance(f[k], h5py.Dataset)}
            m = None if target is None or target not in sets else sets[target].shape[:1]
            images = [k for k, d in sets.items() if d.ndim >= 2 and (m is None or d.shape[:1] == m)]
            key = (
                features[0]
                if features
                else next((k for k in images if target and k == _twin(target)), images[0] if len(images) == 1 else None)
            )
            if target is not None and target not in sets:
                raise ValueError(f"{path}: no dataset {target!r}; the datasets are: {', '.join(sets)}")
            if key not in sets:
                raise ValueError(
                    f"{path}: cannot tell which dataset holds the images: name one of "
                    f"{images or list(sets)} as the features"
                )
            X, y = np.asarray(sets[key]), None if target is None else np.asarray(sets[target])
    except OSError as exc:
        raise ValueError(f"{path}: not a readable HDF5 file ({exc})") from None
    X = _numeric_array(path, X.reshape(X.shape[0], -1), str(key))
    X = X / 255.0 if X.dtype == np.uint8 else X.astype(np.float64) if X.dtype.kind != "f" else X
    return X, y, [f"x{j}" for j in range(X.shape[1])]


def _twin(target: str) -> str | None:
    """The image dataset's name for a label dataset's: train_set_y -> train_set_x, y -> X."""
    return "X" if target == "y" else target[:-1] + "x" if target.endswith("y") else None


__all__ = ["read_hdf5", "read_npy", "read_npz"]

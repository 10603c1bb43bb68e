"""Table loaders: CSV, Parquet (pyarrow), .npy, .npz and HDF5 files -> (X (m, n_x), y, feature names)."""

from __future__ import annotations

import os

import numpy as np


def _need(module, what):
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        raise ImportError(f"reading {what} needs {module.split('.')[0]}: pip install 'layerwise[io]'") from None


def target_names(target):
    """None, one column name, or several (a list, or one string with commas) -> list of names."""
    if target is None:
        return []
    names = target.split(",") if isinstance(target, str) else [str(t) for t in target]
    return [n.strip() for n in names if n.strip()]


def _columns(path, columns, target, features):
    """{name: 1-D array} -> (X, y, feature_names), checking names, emptiness and feature types."""
    names, targets = list(columns), target_names(target)
    for name in targets + list(features or []):
        if name not in columns:
            raise ValueError(f"{path}: no column {name!r}; the columns are: {', '.join(names)}")
    feats = list(features) if features is not None else [n for n in names if n not in targets]
    if not feats:
        raise ValueError(f"{path}: no feature columns left besides the target {targets}")
    bad = [f"{n} ({columns[n].dtype})" for n in feats if columns[n].dtype.kind not in "biuf"]
    if bad:
        raise ValueError(
            f"{path}: feature columns must be numeric, but {', '.join(bad)} are not; "
            "encode them as numbers or drop them"
        )
    X = np.column_stack([columns[n] for n in feats])
    X = X if X.dtype in (np.float32, np.float64) else X.astype(np.float64)
    y = (
        None
        if not targets
        else columns[targets[0]]
        if len(targets) == 1
        else np.column_stack([columns[t] for t in targets])
    )
    return X, y, feats


def read_arrow(path, target, features, read):
    """(X, y, feature names) from the Arrow table ``read(path)`` gives (CSV, Parquet, or a slice of one)."""
    pa = _need("pyarrow", "CSV and Parquet")
    try:
        table = read(path)
    except (pa.ArrowInvalid, OSError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"{path}: cannot be read as a table ({first})") from None
    if table.num_rows == 0:
        raise ValueError(f"{path}: the file has no rows of data")
    nulls = [n for n, c in zip(table.column_names, table.columns) if c.null_count]
    if nulls:
        raise ValueError(f"{path}: column(s) {', '.join(nulls)} have missing values; fill or drop them first")
    columns = {}
    for name, col in zip(table.column_names, table.columns):
        a = col.to_numpy()
        columns[name] = a if a.dtype != object else a.astype(str)
    return _columns(path, columns, target, features)


def _read_csv(path, target, features):
    return read_arrow(path, target, features, lambda p: _need("pyarrow.csv", "CSV").read_csv(p))


def _read_parquet(path, target, features):
    return read_arrow(path, target, features, lambda p: _need("pyarrow.parquet", "Parquet").read_table(p))


def _numeric_array(path, A, what):
    if A.dtype.kind not in "biuf" or A.ndim not in (1, 2) or A.shape[0] == 0:
        raise ValueError(f"{path}: expected a non-empty numeric array (m, n) for {what}, got {A.dtype}{list(A.shape)}")
    return A if A.ndim == 2 else A.reshape(-1, 1)


def _read_npy(path, target, features):
    """A 2-D array; columns are named x0, x1, ...; memory-mapped, so X stays a view when it can."""
    try:
        A = np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError as exc:
        raise ValueError(f"{path}: not a readable .npy array ({exc})") from None
    A = _numeric_array(path, A, "the data")
    names = [f"x{j}" for j in range(A.shape[1])]
    targets = [f"x{int(t) % A.shape[1]}" if t.lstrip("-").isdigit() else t for t in target_names(target)]
    if not targets and features is None and A.dtype in (np.float32, np.float64):
        return A, None, names  # the memory map itself: nothing is read until it is used
    if targets == [names[-1]] and features is None and A.dtype in (np.float32, np.float64):
        return A[:, :-1], np.asarray(A[:, -1]), names[:-1]  # a view of the map
    return _columns(path, {n: A[:, j] for j, n in enumerate(names)}, targets, features)


def _read_npz(path, target, features):
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
    if features is not None:
        X, _, names = _columns(path, {n: X[:, j] for j, n in enumerate(names)}, None, features)
    return (X if X.dtype.kind == "f" else X.astype(np.float64)), y, names


def _read_hdf5(path, target, features):
    """An image set like the course's: images (m, ...) flattened to (m, n); uint8 pixels / 255."""
    h5py = _need("h5py", "HDF5")
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
    X = _numeric_array(path, X.reshape(X.shape[0], -1), key)
    X = X / 255.0 if X.dtype == np.uint8 else X.astype(np.float64) if X.dtype.kind != "f" else X
    return X, y, [f"x{j}" for j in range(X.shape[1])]


def _twin(target):
    """The image dataset's name for a label dataset's: train_set_y -> train_set_x, y -> X."""
    return "X" if target == "y" else target[:-1] + "x" if target.endswith("y") else None


_READERS = {
    ".csv": _read_csv,
    ".parquet": _read_parquet,
    ".pq": _read_parquet,
    ".npy": _read_npy,
    ".npz": _read_npz,
    ".h5": _read_hdf5,
    ".hdf5": _read_hdf5,
}


def load_table(path, target=None, features=None):
    """Read a data file -> (X (m, n_x) float, y (m,) or (m, k) or None, feature_names).

    The format comes from the suffix: .csv, .parquet (pyarrow), .npy (memory-mapped; columns x0, x1,
    ..., ``target`` a name or a column number), .npz (arrays X and y), .h5/.hdf5 (an image set like
    the course's: ``target`` names the label dataset; images are flattened, uint8 divided by 255).
    ``target`` may name several columns (a list, or "a,b") for multi-output data; ``features``
    selects and orders the feature columns (by default all but the target).
    """
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in _READERS:
        raise ValueError(
            f"{path}: unknown data format {suffix or '(no suffix)'!r}; expected one of {', '.join(_READERS)}"
        )
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such data file")
    return _READERS[suffix](path, target, features)


__all__ = ["load_table", "target_names"]

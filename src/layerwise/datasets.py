"""Data sets: the course's planar "flower" data and cat images, and loaders for data files.

Public functions return scikit-learn's layout, X (m, n_x) and y (m,); ``layout="course"`` gives the
course's columns, X (n_x, m) and Y (1, m). ``load_table`` reads CSV, Parquet, .npy, .npz and HDF5.
"""
from __future__ import annotations

import os
from typing import NamedTuple

import numpy as np
from sklearn.utils import check_random_state


def _layout(X, y, layout):
    if layout == "samples":
        return X, y
    if layout == "course":
        return X.T, y.reshape(1, -1)
    raise ValueError(f"layout must be 'samples' (X (m, n_x)) or 'course' (X (n_x, m)), got {layout!r}")


def make_flower(m=400, noise=0.2, random_state=1, layout="samples"):
    """The course's planar flower: two classes of m/2 points on the petals r = 4 sin(4t).

    With a legacy ``RandomState(random_state)``, for class j = 0 then 1: t = linspace(3.12 j,
    3.12 (j + 1), N) + noise * randn(N), r = 4 sin(4t) + noise * randn(N); the point is (r sin t, r cos t).
    Rows 0..N-1 are class 0. Returns X (m, 2), y (m,) (or (2, m), (1, m) with ``layout="course"``).
    """
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 2 or m % 2:
        raise ValueError(f"m must be an even integer of at least 2 (two classes of m/2 points), got {m!r}")
    rng = check_random_state(random_state)
    N = m // 2
    X = np.zeros((m, 2))
    y = np.zeros(m, dtype=np.int64)
    for j in range(2):
        t = np.linspace(3.12 * j, 3.12 * (j + 1), N) + rng.standard_normal(N) * noise  # angle
        r = 4 * np.sin(4 * t) + rng.standard_normal(N) * noise  # radius
        X[N * j:N * (j + 1)] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[N * j:N * (j + 1)] = j
    return _layout(X, y, layout)


class CatData(NamedTuple):
    X_train: np.ndarray  # (209, 12288) in [0, 1], or (12288, 209) in the course's layout
    y_train: np.ndarray  # (209,) of 0/1, or (1, 209)
    X_test: np.ndarray  # (50, 12288), or (12288, 50)
    y_test: np.ndarray  # (50,), or (1, 50)
    classes: list  # ["non-cat", "cat"]


def _read_h5(path, x_key, y_key):
    try:
        import h5py
    except ImportError:
        raise ImportError("reading HDF5 needs h5py: pip install 'layerwise[io]'") from None
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such file; expected the course's HDF5 file there")
    try:
        with h5py.File(path, "r") as f:
            missing = [k for k in (x_key, y_key, "list_classes") if k not in f]
            if missing:
                raise ValueError(f"{path}: missing dataset(s) {missing}; found {sorted(f.keys())}")
            X, y = np.asarray(f[x_key]), np.asarray(f[y_key])
            classes = [c.decode() if isinstance(c, bytes) else str(c) for c in f["list_classes"][:]]
    except OSError as exc:
        raise ValueError(f"{path}: not a readable HDF5 file ({exc})") from None
    if X.ndim < 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(f"{path}: expected images (m, ...) and labels (m,), got {X.shape} and {y.shape}")
    return X, y, classes


def load_catvnoncat(folder, layout="samples"):
    """The course's cat / non-cat images from ``folder`` (train_catvnoncat.h5, test_catvnoncat.h5).

    Each 64x64x3 image is flattened (row-major, as the course's reshape) to 12288 values and divided by
    255. Returns ``CatData(X_train (209, 12288), y_train (209,), X_test (50, 12288), y_test (50,), classes)``.
    """
    X_tr, y_tr, classes = _read_h5(os.path.join(folder, "train_catvnoncat.h5"), "train_set_x", "train_set_y")
    X_te, y_te, _ = _read_h5(os.path.join(folder, "test_catvnoncat.h5"), "test_set_x", "test_set_y")
    X_tr = X_tr.reshape(X_tr.shape[0], -1) / 255.0  # (m, 12288)
    X_te = X_te.reshape(X_te.shape[0], -1) / 255.0
    if X_tr.shape[1] != X_te.shape[1]:
        raise ValueError(f"train and test images differ in size: {X_tr.shape[1]} vs {X_te.shape[1]} values")
    tr, te = _layout(X_tr, y_tr.astype(np.int64), layout), _layout(X_te, y_te.astype(np.int64), layout)
    return CatData(tr[0], tr[1], te[0], te[1], classes)


# --- data files: load_table(path, target) -> (X (m, n_x), y (m,) / (m, k) / None, feature names)
def _need(module, what):
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        raise ImportError(f"reading {what} needs {module.split('.')[0]}: pip install 'layerwise[io]'") from None


def _targets(target):
    """None, one column name, or several (a list, or one string with commas) -> list of names."""
    if target is None:
        return []
    names = target.split(",") if isinstance(target, str) else [str(t) for t in target]
    return [n.strip() for n in names if n.strip()]


def _columns(path, columns, target, features):
    """{name: 1-D array} -> (X, y, feature_names), checking names, emptiness and feature types."""
    names, targets = list(columns), _targets(target)
    for name in targets + list(features or []):
        if name not in columns:
            raise ValueError(f"{path}: no column {name!r}; the columns are: {', '.join(names)}")
    feats = list(features) if features is not None else [n for n in names if n not in targets]
    if not feats:
        raise ValueError(f"{path}: no feature columns left besides the target {targets}")
    bad = [f"{n} ({columns[n].dtype})" for n in feats if columns[n].dtype.kind not in "biuf"]
    if bad:
        raise ValueError(f"{path}: feature columns must be numeric, but {', '.join(bad)} are not; "
                         "encode them as numbers or drop them")
    X = np.column_stack([columns[n] for n in feats])
    X = X if X.dtype in (np.float32, np.float64) else X.astype(np.float64)
    y = None if not targets else columns[targets[0]] if len(targets) == 1 else np.column_stack(
        [columns[t] for t in targets])
    return X, y, feats


def _read_arrow(path, target, features, read):
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
    return _read_arrow(path, target, features, lambda p: _need("pyarrow.csv", "CSV").read_csv(p))


def _read_parquet(path, target, features):
    return _read_arrow(path, target, features, lambda p: _need("pyarrow.parquet", "Parquet").read_table(p))


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
    targets = [f"x{int(t) % A.shape[1]}" if t.lstrip("-").isdigit() else t for t in _targets(target)]
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
            key = features[0] if features else next((k for k in images if target and k == _twin(target)),
                                                   images[0] if len(images) == 1 else None)
            if target is not None and target not in sets:
                raise ValueError(f"{path}: no dataset {target!r}; the datasets are: {', '.join(sets)}")
            if key not in sets:
                raise ValueError(f"{path}: cannot tell which dataset holds the images: name one of "
                                 f"{images or list(sets)} as the features")
            X, y = np.asarray(sets[key]), None if target is None else np.asarray(sets[target])
    except OSError as exc:
        raise ValueError(f"{path}: not a readable HDF5 file ({exc})") from None
    X = _numeric_array(path, X.reshape(X.shape[0], -1), key)
    X = X / 255.0 if X.dtype == np.uint8 else X.astype(np.float64) if X.dtype.kind != "f" else X
    return X, y, [f"x{j}" for j in range(X.shape[1])]


def _twin(target):
    """The image dataset's name for a label dataset's: train_set_y -> train_set_x, y -> X."""
    return "X" if target == "y" else target[:-1] + "x" if target.endswith("y") else None


_READERS = {".csv": _read_csv, ".parquet": _read_parquet, ".pq": _read_parquet, ".npy": _read_npy,
            ".npz": _read_npz, ".h5": _read_hdf5, ".hdf5": _read_hdf5}


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
        raise ValueError(f"{path}: unknown data format {suffix or '(no suffix)'!r}; "
                         f"expected one of {', '.join(_READERS)}")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such data file")
    return _READERS[suffix](path, target, features)

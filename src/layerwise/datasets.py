"""Data sets: the course's planar "flower" data and cat images; ``load_table`` (from layerwise.io) reads data files.

Public functions return scikit-learn's layout, X (m, n_x) and y (m,); ``layout="course"`` gives the
course's columns, X (n_x, m) and Y (1, m). ``load_table`` reads CSV, Parquet, .npy, .npz and HDF5.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import numpy as np
from sklearn.utils import check_random_state

from ._typing import Array, StrPath


def _layout(X: Array, y: Array, layout: str) -> tuple[Array, Array]:
    if layout == "samples":
        return X, y
    if layout == "course":
        return X.T, y.reshape(1, -1)
    raise ValueError(f"layout must be 'samples' (X (m, n_x)) or 'course' (X (n_x, m)), got {layout!r}")


def make_flower(
    m: int = 400, noise: float = 0.2, random_state: int | np.random.RandomState = 1, layout: str = "samples"
) -> tuple[Array, Array]:
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
        X[N * j : N * (j + 1)] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[N * j : N * (j + 1)] = j
    return _layout(X, y, layout)


class _CatArrays(NamedTuple):
    X_train: np.ndarray  # (209, 12288) in [0, 1], or (12288, 209) in the course's layout
    y_train: np.ndarray  # (209,) of 0/1, or (1, 209)
    X_test: np.ndarray  # (50, 12288), or (12288, 50)
    y_test: np.ndarray  # (50,), or (1, 50)
    classes: list[str]  # ["non-cat", "cat"]


class CatData(_CatArrays):
    """The five arrays (unpack as before), plus the raw images as attributes ``images_train``, ``images_test``
    (m, 64, 64, 3) uint8: a subclass without ``__slots__``, so it can carry them beside the tuple."""

    images_train: np.ndarray
    images_test: np.ndarray


def _read_h5(path: StrPath, x_key: str, y_key: str) -> tuple[Array, Array, Array]:
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


CAT_DIR_ENV = "LAYERWISE_CAT_DIR"
CAT_FILES = ("train_catvnoncat.h5", "test_catvnoncat.h5")


CAT_SOURCE = (
    "they come with the course's week 2 and week 4 (application) notebooks, in the notebook's datasets/ "
    "folder (in the course's Jupyter workspace: File > Open..., then datasets/)"
)


def cat_dir_candidates(folder: StrPath | None = None) -> list[Path]:
    """Where the cat images are looked for, in order: ``folder`` alone when given; else $LAYERWISE_CAT_DIR,
    then ``../shared/datasets/catvnoncat`` beside the checkout this layerwise runs from (if it is one), then
    ``datasets/`` in the current folder (where the course's notebooks keep them)."""
    if folder is not None:
        return [Path(folder)]
    out = [Path(os.environ[CAT_DIR_ENV])] if os.environ.get(CAT_DIR_ENV) else []
    checkout = Path(__file__).resolve().parents[2]  # src/layerwise/datasets.py -> the checkout
    if (checkout / "pyproject.toml").is_file():
        out.append(checkout.parent / "shared" / "datasets" / "catvnoncat")
    out.append(Path("datasets").resolve())
    return out


def find_cat_dir(folder: StrPath | None = None) -> Path:
    """The folder holding the course's cat images by the rule of ``cat_dir_candidates``; a clear
    FileNotFoundError naming every place tried otherwise."""
    if folder is not None:
        return Path(folder)  # the folder given is the answer; reading names a missing or broken file in it
    tried = cat_dir_candidates(folder)
    for place in tried:
        if all((place / name).is_file() for name in CAT_FILES):
            return place
    places = [f"${CAT_DIR_ENV} ({os.environ[CAT_DIR_ENV] if os.environ.get(CAT_DIR_ENV) else 'not set'})"]
    places += [str(p) for p in tried if str(p) != os.environ.get(CAT_DIR_ENV)]
    if len(places) < 3:  # not run from a checkout: say so, so that the three places are always named
        places.insert(1, "../shared/datasets/catvnoncat beside a layerwise checkout (this is an installed copy)")
    raise FileNotFoundError(
        f"the course's cat images ({' and '.join(CAT_FILES)}) are not in {', '.join(places)}; {CAT_SOURCE}. "
        f"Pass the folder that holds them, or set {CAT_DIR_ENV}=FOLDER"
    )


def load_catvnoncat(folder: StrPath | None = None, layout: str = "samples") -> CatData:
    """The course's cat / non-cat images (train_catvnoncat.h5, test_catvnoncat.h5) from ``folder``, or
    where ``find_cat_dir`` finds them: $LAYERWISE_CAT_DIR, then ../shared/datasets/catvnoncat beside the checkout.

    Each 64x64x3 image is flattened (row-major, as the course's reshape) to 12288 values and divided by
    255. Returns ``CatData(X_train (209, 12288), y_train (209,), X_test (50, 12288), y_test (50,), classes)``,
    with the raw images beside them as ``images_train`` (209, 64, 64, 3) and ``images_test`` (50, 64, 64,
    3), uint8 as stored (to show a picture, ``plt.imshow(data.images_train[i])``); ``classes`` are the
    class names, ``["non-cat", "cat"]``, ``classes[y]`` the name of label y.
    """
    folder = find_cat_dir(folder)
    X_tr, y_tr, classes = _read_h5(os.path.join(folder, "train_catvnoncat.h5"), "train_set_x", "train_set_y")
    X_te, y_te, _ = _read_h5(os.path.join(folder, "test_catvnoncat.h5"), "test_set_x", "test_set_y")
    images_train, images_test = X_tr, X_te  # (m, 64, 64, 3) uint8, as stored
    X_tr = X_tr.reshape(X_tr.shape[0], -1) / 255.0  # (m, 12288)
    X_te = X_te.reshape(X_te.shape[0], -1) / 255.0
    if X_tr.shape[1] != X_te.shape[1]:
        raise ValueError(f"train and test images differ in size: {X_tr.shape[1]} vs {X_te.shape[1]} values")
    tr, te = _layout(X_tr, y_tr.astype(np.int64), layout), _layout(X_te, y_te.astype(np.int64), layout)
    data = CatData(tr[0], tr[1], te[0], te[1], classes)
    data.images_train, data.images_test = images_train, images_test
    return data


from .io.tables import load_table  # noqa: E402  (the public name datasets.load_table)

__all__ = [
    "make_flower",
    "load_catvnoncat",
    "find_cat_dir",
    "cat_dir_candidates",
    "CatData",
    "load_table",
    "CAT_DIR_ENV",
    "CAT_SOURCE",
]

"""The playground's 2-D data sets, its input features, and the CSV a page uploads (parsed as numbers only).

Every set is a function ``(m, noise, rng) -> X (m, 2), y (m,)``: labels are 0/1 for classification,
real numbers for regression (``plane``, ``bump``). ``make_dataset`` draws one, splits it into train and
test and maps the two coordinates to the chosen features (x1, x2, x1^2, ...), so the network's
input is X_features (m, n[0]) in scikit-learn's layout, exactly what the exported snippet feeds the
estimator.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from typing import NamedTuple, TypeAlias

import numpy as np
from sklearn.datasets import make_moons
from sklearn.utils import check_random_state

from .._typing import FloatArray
from ..datasets import make_flower

MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_POINTS = 5000
MAX_ABS = 1e6  # a CSV's coordinates and labels: beyond this the features (x1^2) and losses leave float range
CsvData: TypeAlias = "tuple[FloatArray, FloatArray, str]"  # parse_csv's P (m, 2), y (m,), task


def _flower(m: int, noise: float, rng: np.random.RandomState) -> tuple[FloatArray, FloatArray]:
    return make_flower(m - m % 2, noise=noise, random_state=rng)  # the course's, exactly


def _circles(m: int, noise: float, rng: np.random.RandomState) -> tuple[FloatArray, FloatArray]:
    r = np.r_[rng.uniform(0, 2.5, m // 2), rng.uniform(3.5, 5, m - m // 2)]  # inner disc 1, outer ring 0
    t = rng.uniform(0, 2 * math.pi, m)
    X = np.c_[r * np.sin(t), r * np.cos(t)] + rng.uniform(-5, 5, (m, 2)) * noise
    return X, (np.arange(m) < m // 2).astype(np.int64)


def _xor(m: int, noise: float, rng: np.random.RandomState) -> tuple[FloatArray, FloatArray]:
    X = rng.uniform(-5, 5, (m, 2))
    X += np.sign(X) * 0.3  # a small gap along the axes
    y = (X[:, 0] * X[:, 1] >= 0).astype(np.int64)
    return X + rng.uniform(-5, 5, (m, 2)) * noise, y


def _blobs(m: int, noise: float, rng: np.random.RandomState) -> tuple[FloatArray, FloatArray]:
    y = (np.arange(m) < m // 2).astype(np.int64)
    centre = np.where(y[:, None] == 1, 2.0, -2.0)
    return centre + rng.standard_normal((m, 2)) * (0.5 + 3 * noise), y


def _spiral(m: int, noise: float, rng: np.random.RandomState) -> tuple[FloatArray, FloatArray]:
    n = m // 2
    X, y = [], []
    for label, delta in ((1, 0.0), (0, math.pi)):
        k = n if label else m - n
        r = np.arange(k) / k * 5
        t = 1.75 * np.arange(k) / k * 2 * math.pi + delta
        X.append(np.c_[r * np.sin(t), r * np.cos(t)] + rng.uniform(-1, 1, (k, 2)) * noise * 2)
        y.append(np.full(k, label))
    return np.concatenate(X), np.concatenate(y).astype(np.int64)


def _moons(m: int, noise: float, rng: np.random.RandomState) -> tuple[FloatArray, FloatArray]:
    X, y = make_moons(m, noise=noise * 0.5, random_state=rng)
    return (X - [0.5, 0.25]) * 2.5, y.astype(np.int64)


def _plane(m: int, noise: float, rng: np.random.RandomState) -> tuple[FloatArray, FloatArray]:
    X = rng.uniform(-5, 5, (m, 2))
    return X, (X[:, 0] + X[:, 1]) / 10 + rng.standard_normal(m) * noise * 0.5


def _bump(m: int, noise: float, rng: np.random.RandomState) -> tuple[FloatArray, FloatArray]:
    X = rng.uniform(-5, 5, (m, 2))
    return X, np.exp(-(X**2).sum(axis=1) / 8) + rng.standard_normal(m) * noise * 0.5


# name -> (generator, task)
DATASETS = {
    "flower": (_flower, "classification"),
    "circles": (_circles, "classification"),
    "xor": (_xor, "classification"),
    "blobs": (_blobs, "classification"),
    "spiral": (_spiral, "classification"),
    "moons": (_moons, "classification"),
    "plane": (_plane, "regression"),
    "bump": (_bump, "regression"),
}

# feature name -> function of the two coordinates x1, x2 (arrays)
FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sin_x1": lambda x1, x2: np.sin(x1),
    "sin_x2": lambda x1, x2: np.sin(x2),
}


def features(P: FloatArray, names: Sequence[str]) -> FloatArray:
    """Points P (m, 2) -> the features (m, len(names)), one column per name, in order."""
    return np.column_stack([FEATURES[f](P[:, 0], P[:, 1]) for f in names]).astype(np.float64)


class Data(NamedTuple):
    task: str  # "classification" (y 0/1) or "regression"
    P_train: np.ndarray  # (m_train, 2) the points, for drawing
    y_train: np.ndarray  # (m_train,)
    P_test: np.ndarray  # (m_test, 2), may be empty
    y_test: np.ndarray
    X_train: np.ndarray  # (m_train, n[0]) the network's input features
    X_test: np.ndarray
    extent: float  # the heatmap covers [-extent, extent]^2


def make_dataset(
    dataset: str = "flower",
    points: int = 400,
    noise: float = 0.2,
    train_ratio: float = 0.5,
    data_seed: int = 1,
    features_: Sequence[str] = ("x1", "x2"),
    csv_data: CsvData | None = None,
) -> Data:
    """The page's data: drawn with ``data_seed`` (NumPy's legacy RandomState), split, featurized.

    With ``train_ratio`` 1 every point trains, in the generator's order (the course's flower, exactly).
    ``csv_data`` is ``parse_csv``'s (P, y, task) and is used when ``dataset == "csv"``.
    """
    rng = check_random_state(data_seed)
    if dataset == "csv":
        if csv_data is None:
            raise ValueError("no CSV uploaded yet: choose a file first, or another data set")
        P, y, task = csv_data
    else:
        make, task = DATASETS[dataset]
        P, y = make(int(points), float(noise), rng)
    m = len(y)
    m_train = m if train_ratio >= 1 else max(1, min(m - 1, round(m * train_ratio)))
    order = np.arange(m) if m_train == m else rng.permutation(m)
    tr, te = order[:m_train], order[m_train:]
    extent = float(np.ceil(np.abs(P).max() * 1.1 * 2) / 2) if m else 1.0
    names = list(features_)
    return Data(task, P[tr], y[tr], P[te], y[te], features(P[tr], names), features(P[te], names), max(extent, 0.5))


def parse_csv(text: str) -> CsvData:
    """CSV text with two feature columns and a label -> (P (m, 2), y (m,), task). Numbers only.

    A first row that is not numeric is a header. Two distinct labels make a classification (the larger
    one is 1); more make a regression. Every value lies within ``MAX_ABS`` (so the picture's extent, the
    features and the losses stay finite). Raises ValueError saying what is wrong, with the line.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_CSV_BYTES:
        raise ValueError(f"the CSV is larger than {MAX_CSV_BYTES // 1024 // 1024} MB; upload a smaller file")
    try:
        rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    except csv.Error as exc:  # a field over the csv module's 131,072 characters, a NUL byte, ...
        raise ValueError(f"the CSV cannot be read ({exc}); expected lines of three numbers: x1, x2, label") from None
    values = []
    for i, row in enumerate(rows, start=1):
        if len(row) != 3:
            raise ValueError(f"CSV line {i} has {len(row)} columns; expected 3 (x1, x2, label)")
        try:
            values.append([float(c) for c in row])
        except ValueError:
            if i == 1:
                continue  # a header
            raise ValueError(f"CSV line {i} holds a value that is not a number: {row!r}"[:200]) from None
    if not 2 <= len(values) <= MAX_POINTS:
        raise ValueError(f"the CSV has {len(values)} data rows; expected 2 to {MAX_POINTS}")
    A = np.array(values)
    if not np.all(np.isfinite(A)):
        raise ValueError("the CSV holds NaN or infinite values; remove those rows")
    if np.abs(A).max() > MAX_ABS:
        i = int(np.argmax(np.abs(A).max(axis=1)))
        raise ValueError(
            f"CSV data row {i + 1} holds {np.abs(A[i]).max():.3g}; the playground takes values from "
            f"-{MAX_ABS:.0e} to {MAX_ABS:.0e}: rescale the data"
        )
    P, labels = A[:, :2], A[:, 2]
    classes = np.unique(labels)
    if len(classes) == 2:
        return P, (labels == classes[1]).astype(np.int64), "classification"
    return P, labels, "regression"

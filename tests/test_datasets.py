"""Data-file loaders: load_table on CSV, Parquet, .npy, .npz and HDF5, and its errors.

Every expected array is built here, independently, and written with a different tool than the one
that reads it (plain text for CSV, pyarrow's writer for Parquet, h5py for HDF5).
"""

import numpy as np
import pytest

from layerwise.datasets import load_table

pa = pytest.importorskip("pyarrow")


def _write_csv(path, header, rows):
    path.write_text(",".join(header) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


def test_csv_target_by_name(tmp_path):
    rows = [(1.5, 2, "cat", 0), (-0.25, 7, "dog", 1), (3.0, -1, "cat", 1)]
    path = _write_csv(tmp_path / "d.csv", ["a", "b", "label", "c"], [(r[0], r[1], r[2], r[3]) for r in rows])
    X, y, names = load_table(path, target="label")
    np.testing.assert_array_equal(X, [[1.5, 2, 0], [-0.25, 7, 1], [3.0, -1, 1]])
    assert X.dtype == np.float64
    assert names == ["a", "b", "c"]
    assert y.tolist() == ["cat", "dog", "cat"]


def test_csv_several_targets_and_feature_selection(tmp_path):
    path = _write_csv(tmp_path / "d.csv", ["x1", "x2", "t1", "t2"], [(1, 2, 0.5, 1.5), (3, 4, 2.5, 3.5)])
    X, y, names = load_table(path, target="t1,t2")
    np.testing.assert_array_equal(y, [[0.5, 1.5], [2.5, 3.5]])
    X, y, names = load_table(path, features=["x2", "x1"])  # selected and reordered by name
    np.testing.assert_array_equal(X, [[2, 1], [4, 3]])
    assert y is None and names == ["x2", "x1"]


def test_parquet_keeps_float32(tmp_path):
    import pyarrow.parquet as pq

    a = np.array([0.5, 1.25, -2.0], dtype=np.float32)
    b = np.array([1.0, 2.0, 4.0], dtype=np.float32)
    pq.write_table(pa.table({"a": a, "b": b, "y": np.array([0, 1, 0])}), tmp_path / "d.parquet")
    X, y, names = load_table(tmp_path / "d.parquet", target="y")
    assert X.dtype == np.float32
    np.testing.assert_array_equal(X, np.c_[a, b])
    np.testing.assert_array_equal(y, [0, 1, 0])


def test_npy_is_memory_mapped(tmp_path):
    A = np.arange(24, dtype=np.float64).reshape(6, 4) / 7
    np.save(tmp_path / "d.npy", A)
    X, y, names = load_table(tmp_path / "d.npy")
    assert isinstance(X, np.memmap) and y is None
    np.testing.assert_array_equal(X, A)
    X, y, names = load_table(tmp_path / "d.npy", target="-1")  # the last column, as the CLI passes it
    assert isinstance(X.base, np.memmap) or isinstance(X, np.memmap)  # a view of the map, not a copy
    np.testing.assert_array_equal(X, A[:, :3])
    np.testing.assert_array_equal(y, A[:, 3])
    assert names == ["x0", "x1", "x2"]
    X, y, _ = load_table(tmp_path / "d.npy", target="x1")
    np.testing.assert_array_equal(X, A[:, [0, 2, 3]])
    np.testing.assert_array_equal(y, A[:, 1])


def test_npz(tmp_path):
    X0, y0 = np.arange(6).reshape(3, 2), np.array(["a", "b", "a"])
    np.savez(tmp_path / "d.npz", X=X0, y=y0)
    X, y, names = load_table(tmp_path / "d.npz")
    np.testing.assert_array_equal(X, X0)
    assert X.dtype == np.float64 and y.tolist() == ["a", "b", "a"] and names == ["x0", "x1"]


def test_hdf5_image_set_like_the_course(tmp_path):
    h5py = pytest.importorskip("h5py")
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 4, 4, 3), dtype=np.uint8)
    labels = np.array([0, 1, 1, 0, 1])
    with h5py.File(tmp_path / "train.h5", "w") as f:
        f["train_set_x"], f["train_set_y"] = images, labels
        f["list_classes"] = np.array([b"non-cat", b"cat"])
    X, y, names = load_table(tmp_path / "train.h5", target="train_set_y")
    expected = np.array([[v / 255 for v in img.flatten()] for img in images])  # row-major, as the course
    np.testing.assert_allclose(X, expected, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(y, labels)
    assert X.shape == (5, 48) and len(names) == 48


def test_hdf5_course_cat_file(cat_dir):  # cat_dir: the lead's fixture in conftest.py (skips when absent)
    h5py = pytest.importorskip("h5py")
    X, y, _ = load_table(cat_dir / "test_catvnoncat.h5", target="test_set_y")
    with h5py.File(cat_dir / "test_catvnoncat.h5", "r") as f:
        raw, labels = f["test_set_x"][:], f["test_set_y"][:]
    assert X.shape == (50, 12288)
    np.testing.assert_array_equal(X, raw.reshape(50, -1) / 255.0)
    np.testing.assert_array_equal(y, labels)


@pytest.mark.parametrize(
    "content, target, message",
    [
        ("a,b,y\n1,2,0\n", "label", "no column 'label'; the columns are: a, b, y"),
        ("a,color,y\n1,red,0\n2,blue,1\n", "y", "feature columns must be numeric, but color"),
        ("", "y", "cannot be read as a table"),
        ("a,b,y\n", "y", "no rows"),
        ("a,b,y\n1,,0\n2,3,1\n", "y", "column(s) b have missing values"),
    ],
)
def test_csv_errors(tmp_path, content, target, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(ValueError, match=None) as info:
        load_table(path, target=target)
    assert message in str(info.value) and str(path) in str(info.value)


def test_other_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such data file"):
        load_table(tmp_path / "missing.csv")
    (tmp_path / "d.xlsx").write_text("x")
    with pytest.raises(ValueError, match="unknown data format '.xlsx'"):
        load_table(tmp_path / "d.xlsx")
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="not a readable .npy"):  # loading never unpickles
        load_table(tmp_path / "obj.npy")
    np.save(tmp_path / "empty.npy", np.zeros((0, 3)))
    with pytest.raises(ValueError, match="non-empty numeric array"):
        load_table(tmp_path / "empty.npy")
    np.savez(tmp_path / "d.npz", X=np.ones((3, 2)), labels=np.ones(3))
    with pytest.raises(ValueError, match="no array 'target'"):
        load_table(tmp_path / "d.npz", target="target")

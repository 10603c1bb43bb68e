"""Reading tables right (issue 23): CSV without pyarrow, raw mixed columns, delimiters, encodings, names, paths;
and the command line's input/output frictions (--out/--plot checked first, predict's formats, evaluate's unseen labels)."""

import io
import os
import shlex
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from userland import digits_files, python

from layerwise.cli import main
from layerwise.io.tables import load_table, read_columns

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# the first rows of the Palmer penguins table, as the palmerpenguins package ships it (NA for missing)
PENGUINS = """species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year
Adelie,Torgersen,39.1,18.7,181,3750,male,2007
Adelie,Torgersen,39.5,17.4,186,3800,female,2007
Adelie,Torgersen,40.3,18,195,3250,female,2007
Adelie,Torgersen,NA,NA,NA,NA,NA,2007
Adelie,Torgersen,36.7,19.3,193,3450,female,2007
Gentoo,Biscoe,46.1,13.2,211,4500,,2007
Chinstrap,Dream,46.5,17.9,192,3500,female,2007
"""


def _error(capsys, argv):
    """The one error line ``main(argv)`` prints (exit code 2)."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("layerwise: error: "), err
    return err[0]


def _two_class_csv(path, m=40, sep=",", seed=0):
    rng = np.random.default_rng(seed)
    lines = [sep.join(["a", "b", "label"])]
    lines += [sep.join([f"{rng.normal():.4f}", f"{rng.normal():.4f}", "yes" if i % 2 else "no"]) for i in range(m)]
    path.write_text("\n".join(lines) + "\n")
    return path


TRAIN = ["--hidden", "4", "--epochs", "3", "--seed", "0", "--verbose", "0"]


# 1. CSV on a plain install ------------------------------------------------------------------------------
def test_csv_is_read_and_trained_on_without_pyarrow(tmp_path):
    data = _two_class_csv(tmp_path / "data.csv")
    code = f"""
import sys
class NoPyarrow:  # a plain `pip install layerwise`: the io extra's pyarrow is not there
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "pyarrow":
            raise ImportError("No module named 'pyarrow'")
sys.meta_path.insert(0, NoPyarrow())
from layerwise.cli import main
from layerwise.io.tables import load_table
X, y, names = load_table({str(data)!r}, target="label")
assert X.shape == (40, 2) and names == ["a", "b"] and set(y) == {{"yes", "no"}}
argv = ["train", {str(data)!r}, "--target", "label", "--out", "m.safetensors", *{TRAIN!r}]
assert main(argv) == 0 and main(["predict", "m.safetensors", {str(data)!r}, "--out", "p.csv"]) == 0
assert "pyarrow" not in sys.modules
"""
    r = python(code, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "p.csv").read_text().startswith("prediction\n")


def test_raw_columns_of_a_mixed_table_match_pandas(tmp_path):
    path = tmp_path / "penguins.csv"
    path.write_text(PENGUINS)
    columns = read_columns(path)
    expected = pd.read_csv(path)  # an independent reader: pandas' default missing markers are ours
    assert list(columns) == list(expected.columns)
    for name, A in columns.items():
        if not pd.api.types.is_numeric_dtype(expected[name]):
            assert A.dtype == object
            assert list(A) == [None if pd.isna(v) else v for v in expected[name]]
        else:
            assert A.dtype.kind in "if"
            np.testing.assert_array_equal(A, expected[name].to_numpy())
    assert columns["year"].dtype == np.int64 and columns["body_mass_g"].dtype == np.float64
    assert columns["sex"][5] is None and np.isnan(columns["body_mass_g"][3])


def test_parquet_gives_the_same_raw_columns_as_csv(tmp_path):
    pytest.importorskip("pyarrow")
    (tmp_path / "p.csv").write_text(PENGUINS)
    pd.read_csv(tmp_path / "p.csv").to_parquet(tmp_path / "p.parquet")
    a, b = read_columns(tmp_path / "p.csv"), read_columns(tmp_path / "p.parquet")
    assert list(a) == list(b)
    for name in a:
        assert a[name].dtype == b[name].dtype, name
        np.testing.assert_array_equal(a[name], b[name])


def test_the_numeric_view_is_unchanged(tmp_path):
    rng = np.random.default_rng(1)
    A = rng.normal(size=(30, 3))
    path = tmp_path / "n.csv"
    path.write_text(
        "x,y,z,label\n" + "".join(f"{float(r[0])!r},{float(r[1])!r},{float(r[2])!r},{i % 3}\n" for i, r in enumerate(A))
    )
    X, y, names = load_table(path, target="label")
    np.testing.assert_array_equal(X, A)  # repr round-trips every float64 exactly
    assert y.dtype == np.int64 and list(y[:4]) == [0, 1, 2, 0] and names == ["x", "y", "z"]


def test_a_text_target_with_missing_values_is_refused_with_the_count(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(PENGUINS.replace("NA,NA,NA,NA,NA", "39,18,190,3700,"))  # only sex missing, written empty
    with pytest.raises(ValueError, match=r"sex .*2 rows"):  # before: a class called ''
        load_table(path, target="sex", features=["bill_length_mm"])


# 2. delimiters and encodings ----------------------------------------------------------------------------
@pytest.mark.parametrize("sep, suffix", [(";", ".csv"), ("\t", ".csv"), ("\t", ".tsv"), (",", ".csv")])
def test_the_delimiter_is_sniffed_and_tsv_read(tmp_path, sep, suffix, capsys):
    data = _two_class_csv(tmp_path / f"data{suffix}", sep=sep)
    X, y, names = load_table(data, target="label")
    assert X.shape == (40, 2) and names == ["a", "b"]
    assert main(["train", str(data), "--target", "label", "--out", str(tmp_path / "m.safetensors"), *TRAIN]) == 0


def test_sep_forces_the_delimiter(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("a,b;c\n1,2;3\n4,5;6\n")  # sniffed: commas; forced: semicolons
    assert list(read_columns(path)) == ["a", "b;c"]
    assert list(read_columns(path, sep=";")) == ["a,b", "c"]
    assert main(["predict", "m.safetensors", str(path), "--sep", "xx"]) == 2


def test_a_semicolon_file_may_use_decimal_commas(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("x;y;label\n1,5;2;a\n-0,25;3;b\n")
    columns = read_columns(path)
    np.testing.assert_array_equal(columns["x"], [1.5, -0.25])


def test_utf8_with_bom_and_other_encodings(tmp_path, capsys):
    (tmp_path / "bom.csv").write_bytes("\ufeffa,b\n1,x\n".encode())
    assert list(read_columns(tmp_path / "bom.csv")) == ["a", "b"]
    latin = tmp_path / "latin.csv"
    latin.write_bytes("a,b\n1,x\n2,caf\xe9\n".encode("latin-1"))
    with pytest.raises(ValueError) as info:  # before: a bare codec error, no file, no line
        read_columns(latin)
    assert str(latin) in str(info.value) and "line 3" in str(info.value) and "--encoding" in str(info.value)
    assert list(read_columns(latin, encoding="latin-1")["b"]) == ["x", "café"]
    (tmp_path / "excel.txt.csv").write_bytes("a\tb\n1\tné\n".encode("utf-16"))  # BOM, then UTF-16 LE or BE
    assert list(read_columns(tmp_path / "excel.txt.csv")["b"]) == ["né"]
    assert "line 3" in _error(capsys, ["train", str(latin), "--target", "a", "--out", str(tmp_path / "m.st")])


def test_a_ragged_row_is_named_by_its_line(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('a,b\n1,"x\ny"\n\n3,4,5\n')  # a quoted newline and a blank line before the bad row
    with pytest.raises(ValueError, match="line 5: 3 fields but the header has 2"):
        read_columns(path)


# 3. names and refused values ----------------------------------------------------------------------------
def test_duplicate_column_names_are_an_error_naming_them(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("a,b,a,label\n1,2,3,x\n4,5,6,y\n")
    line = _error(capsys, ["train", str(path), "--target", "label", "--out", str(tmp_path / "m.safetensors")])
    assert "duplicate column names: 'a' (columns 1, 3)" in line  # before: one of the two columns silently lost


def test_an_infinite_value_names_its_column_and_line(tmp_path, capsys):
    path = _two_class_csv(tmp_path / "d.csv")
    text = path.read_text().splitlines()
    text[5] = "inf," + text[5].split(",", 1)[1]
    path.write_text("\n".join(text) + "\n")
    line = _error(capsys, ["train", str(path), "--target", "label", "--out", str(tmp_path / "m.safetensors")])
    assert "column 'a' holds inf (line 6)" in line
    np.save(tmp_path / "d.npy", np.array([[1.0, 2.0], [np.nan, 1.0]]))
    with pytest.raises(ValueError, match="column 'x0' holds nan"):
        load_table(tmp_path / "d.npy", target="-1")


# 5. paths that are not files ----------------------------------------------------------------------------
def test_a_folder_or_fifo_given_as_data_says_what_it_is(tmp_path, capsys):
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "plain").mkdir()
    os.mkfifo(tmp_path / "pipe.parquet")
    out = ["--target", "y", "--out", str(tmp_path / "m.safetensors")]
    assert "folder.csv is a folder, not a data file" in _error(capsys, ["train", str(tmp_path / "folder.csv"), *out])
    assert "plain is a folder" in _error(capsys, ["train", str(tmp_path / "plain"), *out])
    assert "is a named pipe (FIFO)" in _error(capsys, ["train", str(tmp_path / "pipe.parquet"), *out])


def test_a_folder_or_fifo_given_as_the_model_says_what_it_is(tmp_path, capsys):
    (tmp_path / "m.safetensors").mkdir()
    os.mkfifo(tmp_path / "pipe.safetensors")
    assert "m.safetensors: is a folder, not a model file" in _error(capsys, ["info", str(tmp_path / "m.safetensors")])
    line = _error(capsys, ["predict", str(tmp_path / "pipe.safetensors"), str(tmp_path / "d.csv")])
    assert "is a FIFO (named pipe), not a regular model file" in line  # before: "no such model file"


def test_a_csv_fifo_is_read_as_a_stream(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text("a,b\n1,2\n3,4\n"))
    writer.start()
    try:
        columns = read_columns(fifo)
    finally:
        writer.join(timeout=10)
    np.testing.assert_array_equal(columns["b"], [2, 4])


# 4. outputs checked before any work; predict's formats; evaluate's unseen labels -------------------------
def test_out_and_plot_are_checked_before_reading_or_training(tmp_path, capsys, monkeypatch):
    data = _two_class_csv(tmp_path / "d.csv")
    import layerwise.io.tables as tables

    monkeypatch.setattr(tables, "load_table", lambda *a, **k: pytest.fail("the data was read before --out was checked"))
    base = ["train", str(data), "--target", "label"]
    line = _error(capsys, [*base, "--out", str(tmp_path / "missing" / "m.safetensors")])
    assert "the folder" in line and "missing" in line and "does not exist" in line and ".tmp" not in line
    assert "a model file is written in safetensors" in _error(capsys, [*base, "--out", str(tmp_path / "m.csv")])
    ok = ["--out", str(tmp_path / "m.safetensors")]
    assert "unknown format '.xyz'" in _error(capsys, [*base, *ok, "--plot", str(tmp_path / "c.xyz")])
    assert "does not exist" in _error(capsys, [*base, *ok, "--plot", str(tmp_path / "no" / "c.png")])
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert "pip install 'layerwise[plot]'" in _error(capsys, [*base, *ok, "--plot", str(tmp_path / "c.png")])


@pytest.fixture
def model(tmp_path, capsys):
    data = _two_class_csv(tmp_path / "train.csv")
    assert main(["train", str(data), "--target", "label", "--out", str(tmp_path / "m.safetensors"), *TRAIN]) == 0
    capsys.readouterr()
    return tmp_path / "m.safetensors", data


def test_predict_out_writes_the_format_its_suffix_names(model, tmp_path, capsys):
    path, data = model
    assert main(["predict", str(path), str(data)]) == 0
    expected = pd.read_csv(io.StringIO(capsys.readouterr().out))["prediction"].tolist()
    pytest.importorskip("pyarrow")
    for name, read in [
        ("p.parquet", pd.read_parquet),
        ("p.jsonl", lambda p: pd.read_json(p, lines=True)),
        ("p.tsv", lambda p: pd.read_csv(p, sep="\t")),
    ]:
        assert main(["predict", str(path), str(data), "--out", str(tmp_path / name)]) == 0
        assert read(tmp_path / name)["prediction"].tolist() == expected, name  # before: CSV text in a .parquet
    assert "unknown format '.txt'" in _error(
        capsys, ["predict", str(path), str(data), "--out", str(tmp_path / "p.txt")]
    )
    assert not (tmp_path / "p.txt").exists()


def test_evaluate_counts_rows_with_labels_the_model_never_saw(model, tmp_path, capsys):
    path, _ = model
    test = _two_class_csv(tmp_path / "test.csv", m=10, seed=3)
    test.write_text(test.read_text().replace("yes\n", "maybe\n", 2))  # 2 rows with a label unseen in training
    assert main(["evaluate", str(path), str(test)]) == 0
    out = capsys.readouterr().out
    assert "on 10 examples" in out and "2 of 10 rows have a label the model never saw in training ('maybe')" in out
    matrix = out[out.index("Confusion matrix") :].splitlines()[2:]
    counts = [int(n) for row in matrix for n in row.split()[-2:]]
    assert sum(counts) == 10  # before: the matrix summed to 8 while the header said 10
    assert any(row.split()[0] == "maybe" for row in matrix)


def test_the_readmes_command_line_example_runs_on_a_plain_install(tmp_path):
    """The README's first command-line block, each line in a fresh interpreter without pyarrow or matplotlib."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = readme[readme.index("## Command line") :].split("```sh\n", 1)[1].split("```", 1)[0]
    digits_files(tmp_path)
    blocker = (
        "import sys\n"
        "class Plain:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('pyarrow', 'matplotlib'):\n"
        "            raise ImportError(f'No module named {name!r}')\n"
        "sys.meta_path.insert(0, Plain())\n"
        "from layerwise.cli import main\n"
    )
    for line in block.splitlines():
        argv = shlex.split(line, comments=True)
        assert argv[0] == "layerwise"
        r = python(blocker + f"sys.exit(main({argv[1:]!r}))", cwd=tmp_path)
        assert r.returncode == 0, (line, r.stderr)


@settings(max_examples=200)
@given(st.binary(max_size=300) | st.text(alphabet=',;\t"\n\r aNA1.5e-x\u00e9\ufeff\x00', max_size=200))
def test_a_fuzzed_csv_reads_or_raises_only_our_clear_error(data):
    """Whatever the bytes, read_columns returns columns by the contract or raises ValueError naming the file."""
    folder = Path(tempfile.mkdtemp())
    path = folder / "f.csv"
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    try:
        columns = read_columns(path)
    except ValueError as exc:
        assert str(path) in str(exc)
        return
    finally:
        path.unlink()
        folder.rmdir()
    lengths = {len(A) for A in columns.values()}
    assert len(lengths) == 1 and lengths.pop() > 0
    for A in columns.values():
        assert A.dtype.kind in "bif" or (A.dtype == object and all(v is None or isinstance(v, (str, bool)) for v in A))
        assert not (A.dtype.kind == "f" and np.isinf(A).any())

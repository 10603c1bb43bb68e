"""What a notebook shows: plots as pictures through IPython's own display formatter (no pyplot, no magic),
the notebooks' call forms, summary() as an HTML table, the progress bar in Jupyter (issue 25)."""

from __future__ import annotations

import pickle
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from layerwise import plotting, progress


@pytest.fixture
def shell():
    """A real IPython shell (the kernel's display machinery, in process)."""
    interactive = pytest.importorskip("IPython.core.interactiveshell")
    ip = interactive.InteractiveShell.instance()
    yield ip
    interactive.InteractiveShell.clear_instance()


def test_every_plot_shows_as_a_png_in_ipython(shell):
    X = np.random.default_rng(0).standard_normal((30, 2))
    y = (X[:, 0] > 0).astype(int)
    axes = [
        plotting.plot_cost([0.7, 0.5, 0.4]),
        plotting.plot_decision_boundary(lambda Z: (Z[:, 0] > 0).astype(int), X, y, resolution=20),
        plotting.plot_confusion_matrix(y, y[::-1]),
        plotting.plot_activations(),
        plotting.plot_search_results([{"alpha": 0.1, "score": 0.5}, {"alpha": 1.0, "score": 0.7}], "alpha"),
    ]
    for ax in [*axes, axes[0].figure]:
        data, _ = shell.display_formatter.format(ax)
        assert data["image/png"].startswith(b"\x89PNG")
    from matplotlib.figure import Figure

    foreign = Figure().add_subplot()  # a user's own Axes: left to the user's backend
    assert "image/png" not in shell.display_formatter.format(foreign)[0]


def test_plotting_does_not_import_pyplot():
    import subprocess

    code = (
        "import layerwise.plotting as p; p.plot_cost([1.0, 0.5]); import sys; print('matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_users_title_stays():
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    ax.set_title("Logistic regression")
    plotting.plot_decision_boundary(lambda Z: Z[:, 0] > 0, np.eye(3)[:, :2], np.array([0, 1, 0]), ax=ax, resolution=5)
    assert ax.get_title() == "Logistic regression"
    assert plotting.plot_cost([1.0]).get_title() == "Learning curve"  # a new Axes gets the default


def test_decision_boundary_takes_the_notebooks_form():
    from layerwise.course import week3
    from layerwise.datasets import make_flower

    X, Y = make_flower(m=40, layout="course")  # (2, m), (1, m)
    np.random.seed(2)
    parameters = week3.initialize_parameters(2, 4, 1)
    course = plotting.plot_decision_boundary(lambda x: week3.predict(parameters, x.T), X, Y, resolution=30)
    samples = plotting.plot_decision_boundary(
        lambda x: week3.predict(parameters, x.T).ravel().astype(int), X.T, Y.ravel(), resolution=30
    )
    a, b = course.collections[-1], samples.collections[-1]
    np.testing.assert_array_equal(a.get_offsets(), X.T)
    np.testing.assert_array_equal(a.get_offsets(), b.get_offsets())
    np.testing.assert_array_equal(a.get_array(), b.get_array())


def test_plot_cost_labels_the_recording_interval():
    ax = plotting.plot_cost([0.69, 0.58, 0.47], every=100)
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [0, 100, 200])
    with pytest.raises(ValueError, match="positive integer"):
        plotting.plot_cost([0.69], every=0)


def test_mislabeled_images_one_panel_per_mistake():
    rng = np.random.default_rng(1)
    X = rng.random((12288, 6))  # the course's columns
    y, p = np.array([[1, 0, 1, 0, 1, 1]]), np.array([[1.0, 1.0, 0.0, 0.0, 1.0, 0.0]])
    fig = plotting.plot_mislabeled_images(np.array([b"non-cat", b"cat"]), X, y, p)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["Prediction: cat\nClass: non-cat", "Prediction: non-cat\nClass: cat"] + [
        "Prediction: non-cat\nClass: cat"
    ]
    raw = (X.T.reshape(6, 64, 64, 3) * 255).astype(np.uint8)
    assert len(plotting.plot_mislabeled_images(["non-cat", "cat"], raw, y, p).axes) == 3


def test_summary_is_a_str_that_jupyter_shows_as_a_table():
    from layerwise import NeuralNetClassifier

    X = np.random.default_rng(0).standard_normal((20, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = NeuralNetClassifier(hidden_layer_sizes=(4,), max_iter=3).fit(X, X[:, 0] > 0)
    s = model.summary()
    assert isinstance(s, str) and repr(s) == str(s) and "\\n" not in repr(s)
    html = s._repr_html_()
    assert html.count("<tr>") == 1 + 3 and "<th>W[l]</th>" in html and "(4, 3)" in html  # header + 3 layers
    assert pickle.loads(pickle.dumps(s)) == s


class _State:
    def __init__(self, n, stopped=False):
        self.n_iter, self.stopped, self.history = n, stopped, {"cost": [0.5] * n}


def test_the_bar_without_ipywidgets_is_text_and_never_warns(monkeypatch, capsys):
    monkeypatch.setattr(progress, "_in_notebook", lambda: True)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # not installed
    from tqdm.std import tqdm

    assert progress._tqdm() is tqdm
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bar = progress.Progress(verbose=1, total=200, tol=1e-4, patience=2)
        for n in range(1, 6):
            bar(_State(n, stopped=n == 5))
        assert bar._bar.total == 5 and bar._bar.n == 5  # filled at the epoch it stopped
        bar.close()
    assert "Stopped at epoch 5 (tol)" in capsys.readouterr().err


def test_the_notebook_widget_fills_when_training_stops_early(monkeypatch):
    pytest.importorskip("ipywidgets")
    monkeypatch.setattr(progress, "_in_notebook", lambda: True)
    from tqdm.notebook import tqdm as notebook_tqdm

    assert progress._tqdm() is notebook_tqdm
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # outside a kernel the widget has no front end to talk to
        bar = progress.Progress(verbose=1, total=200, tol=1e-4, patience=2)
        for n in range(1, 6):
            bar(_State(n, stopped=n == 5))
        widget = bar._bar.container.children[1]
        assert widget.value == widget.max == 5  # full, not 2.5 % (5 of 200)
        bar.close()


def test_a_missing_cat_folder_names_three_places_and_the_source(tmp_path, monkeypatch):
    from layerwise import datasets

    checkout = tmp_path / "checkout"
    (checkout / "src" / "layerwise").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("")
    monkeypatch.setattr(datasets, "__file__", str(checkout / "src" / "layerwise" / "datasets.py"))
    monkeypatch.setenv("LAYERWISE_CAT_DIR", str(tmp_path / "env"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError) as info:
        datasets.find_cat_dir()
    message = str(info.value)
    for place in (
        str(tmp_path / "env"),
        str(tmp_path / "shared" / "datasets" / "catvnoncat"),
        str(tmp_path / "datasets"),
    ):
        assert place in message
    assert "nowhere" not in message and "come with the course's week 2 and week 4" in message
    monkeypatch.delenv("LAYERWISE_CAT_DIR")
    monkeypatch.setattr(datasets, "__file__", str(tmp_path / "site-packages" / "layerwise" / "datasets.py"))
    with pytest.raises(
        FileNotFoundError, match=r"LAYERWISE_CAT_DIR \(not set\), \.\./shared.*installed copy.*datasets"
    ):
        datasets.find_cat_dir()  # an installed copy, no variable: still three places named
    (tmp_path / "datasets").mkdir()
    for name in datasets.CAT_FILES:
        (tmp_path / "datasets" / name).write_bytes(b"")
    assert datasets.find_cat_dir() == tmp_path / "datasets"  # the notebooks' own folder is the third place

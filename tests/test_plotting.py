"""Plots, checked by inspecting the artists matplotlib drew (Agg, no pyplot)."""

import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")
import matplotlib

matplotlib.use("Agg")

from layerwise import plotting


def _legend(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_cost_curve_training_and_validation():
    history = {"cost": [0.7, 0.5, 0.4], "val_cost": [0.8, 0.6, 0.55], "val_score": [0.5, 0.6, 0.7]}
    ax = plotting.plot_cost(history)
    train, val = ax.get_lines()
    np.testing.assert_array_equal(train.get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(train.get_ydata(), history["cost"])
    np.testing.assert_array_equal(val.get_ydata(), history["val_cost"])
    assert _legend(ax) == ["training cost", "validation cost"]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "cost J"


def test_cost_curve_from_model_and_from_course_costs():
    class Fitted:
        history_ = {"cost": [3.0, 2.0]}

    ax = plotting.plot_cost(Fitted())
    assert len(ax.get_lines()) == 1 and list(ax.get_lines()[0].get_ydata()) == [3.0, 2.0]
    ax = plotting.plot_cost([0.69, 0.5, 0.3, 0.2])  # the course's list of costs: iterations
    assert ax.get_xlabel() == "iteration" and list(ax.get_lines()[0].get_ydata()) == [0.69, 0.5, 0.3, 0.2]
    with pytest.raises(ValueError, match="'cost'"):
        plotting.plot_cost({"loss": [1.0]})


def test_decision_boundary_has_contours_and_points():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 2))
    y = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")  # string classes

    class Linear:
        def predict(self, X):
            return np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")

    ax = plotting.plot_decision_boundary(Linear(), X, y, resolution=50)
    from matplotlib.collections import PathCollection

    assert len(ax.collections) >= 2  # the filled contour set and the scatter
    scatter = [c for c in ax.collections if isinstance(c, PathCollection)][-1]
    np.testing.assert_array_equal(scatter.get_offsets(), X)
    np.testing.assert_array_equal(scatter.get_array(), (y == "yes").astype(int))  # "no" -> 0, "yes" -> 1
    contour = next(c for c in ax.collections if c is not scatter)
    assert len(contour.get_paths()) >= 1
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    np.testing.assert_allclose(ax.get_xlim(), (lo[0], hi[0]))
    with pytest.raises(ValueError, match=r"X \(m, 2\)"):
        plotting.plot_decision_boundary(Linear(), np.ones((3, 3)), np.ones(3))


def test_confusion_matrix_values():
    y_true = ["a", "b", "b", "c", "c", "c"]
    y_pred = ["a", "b", "c", "c", "c", "a"]
    ax = plotting.plot_confusion_matrix(y_true, y_pred)
    expected = np.zeros((3, 3), dtype=int)  # counted by hand: rows true, columns predicted
    for t, p in zip(y_true, y_pred):
        expected["abc".index(t), "abc".index(p)] += 1
    np.testing.assert_array_equal(ax.get_images()[0].get_array(), expected)
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): int(t.get_text()) for t in ax.texts}
    assert cells == {(i, j): expected[i, j] for i in range(3) for j in range(3)}
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"


def test_activations_and_derivatives():
    z = np.linspace(-3, 3, 13)
    ax = plotting.plot_activations(["tanh", "sigmoid"], z=z)
    tanh, dtanh, sig, dsig = ax.get_lines()[:4]
    np.testing.assert_allclose(tanh.get_ydata(), np.tanh(z), rtol=1e-12)
    np.testing.assert_allclose(dtanh.get_ydata(), 1 - np.tanh(z) ** 2, rtol=1e-12)
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(sig.get_ydata(), s, rtol=1e-12)
    np.testing.assert_allclose(dsig.get_ydata(), s * (1 - s), rtol=1e-12)
    assert dtanh.get_linestyle() == "--" and dtanh.get_color() == tanh.get_color()
    assert _legend(ax) == ["tanh", "tanh'", "sigmoid", "sigmoid'"]
    with pytest.raises(ValueError, match="unknown element-wise activation 'softmax'"):
        plotting.plot_activations(["softmax"])


def test_search_results_numeric_and_categorical():
    results = [
        {"learning_rate": 1e-4, "activation": "relu", "score": 0.6},
        {"learning_rate": 1e-2, "activation": "tanh", "score": 0.8},
        {"learning_rate": 1e-2, "activation": "relu", "score": 0.7},
        {"learning_rate": 1.0, "activation": "tanh", "score": 0.5},
    ]
    ax = plotting.plot_search_results(results, "learning_rate")
    assert ax.get_xscale() == "log"
    np.testing.assert_array_equal(ax.collections[0].get_offsets(), [[r["learning_rate"], r["score"]] for r in results])
    best = ax.get_lines()[0]
    np.testing.assert_array_equal(best.get_xdata(), [1e-4, 1e-2, 1.0])
    np.testing.assert_array_equal(best.get_ydata(), [0.6, 0.8, 0.5])  # the best score at each value
    pd = pytest.importorskip("pandas")
    ax = plotting.plot_search_results(pd.DataFrame(results), "activation")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["relu", "tanh"]
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), [0.7, 0.8])
    with pytest.raises(ValueError, match="score"):
        plotting.plot_search_results([{"a": 1}], "a")


def test_draws_on_given_axes_and_saves_without_pyplot(tmp_path):
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert plotting.plot_cost([1.0, 0.5], ax=ax) is ax
    fig.savefig(tmp_path / "cost.png")
    assert (tmp_path / "cost.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "matplotlib.pyplot" not in sys.modules


def test_matplotlib_is_imported_only_when_plotting():
    code = "import sys, layerwise.plotting, layerwise.cli; assert 'matplotlib' not in sys.modules, 'imported too early'"
    subprocess.run([sys.executable, "-c", code], check=True, env=_env())


def test_missing_matplotlib_names_the_extra():
    code = (
        "import sys; sys.modules['matplotlib'] = None; sys.modules['matplotlib.figure'] = None\n"
        "from layerwise.plotting import plot_cost\n"
        "try:\n    plot_cost([1.0])\nexcept ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, env=_env(), capture_output=True, text=True)
    assert "pip install 'layerwise[plot]'" in out.stdout


def _env():
    import os
    from pathlib import Path

    src = str(Path(__file__).resolve().parents[1] / "src")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env

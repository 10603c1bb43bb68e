"""Pictures of training: cost curves, decision boundaries, confusion matrices, activations, search scores.

Every function draws on ``ax`` (a matplotlib Axes) or, when ``ax`` is None, on a new
``matplotlib.figure.Figure`` (no pyplot, so no global state and no GUI), and returns the Axes.
Save with ``ax.figure.savefig("cost.png")``. matplotlib is imported only when a plot is asked for.
In Jupyter the Axes (or its figure) that a function returns shows as a picture when it is a cell's value,
with no ``%matplotlib`` magic and no pyplot: the first plot registers a PNG formatter with the kernel
for the figures made here (an Axes you pass in belongs to your figure, shown as your backend shows it).
A title is set only on an Axes that has none, so yours stays.
"""

from __future__ import annotations

import io
import sys
from typing import Any

import numpy as np

from ._typing import Array


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("plotting needs matplotlib: pip install 'layerwise[plot]'") from None
    fig = Figure(figsize=(6.4, 4.8), layout="constrained")
    fig._layerwise_display = True  # type: ignore[attr-defined]  # ours: the notebook's formatter draws it (see _show_in_notebooks)
    _show_in_notebooks()
    return fig.add_subplot()


def _png(obj: Any) -> bytes | None:
    """PNG bytes of a figure made here (or of its Axes), None for any other (IPython then falls back)."""
    fig = getattr(obj, "figure", obj)
    if not getattr(fig, "_layerwise_display", False):
        return None
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


def _show_in_notebooks() -> None:
    """In an IPython kernel, show Axes and Figures made here as pictures when they are a cell's value."""
    get = getattr(sys.modules.get("IPython"), "get_ipython", None)
    ip = get() if get else None
    if ip is None or not hasattr(ip, "display_formatter"):
        return
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    formatter = ip.display_formatter.formatters["image/png"]
    for cls in (Axes, Figure):
        formatter.for_type(cls, _png)


def _title(ax: Any, text: str) -> None:
    """Set the default title only where the Axes has none: a user's own title stays."""
    if not ax.get_title():
        ax.set_title(text)


def _history(model_or_history: Any) -> dict[str, Any]:
    """A fitted model (``history_``), a history dict, or the course's list of costs -> dict of lists."""
    history = getattr(model_or_history, "history_", model_or_history)
    if isinstance(history, dict):
        if "cost" not in history:
            raise ValueError(f"a history needs a 'cost' list, got keys {sorted(history)}")
        return history
    if isinstance(history, (list, tuple, np.ndarray)):
        return {"cost": list(history)}
    raise TypeError(f"expected a fitted model, a history dict or a list of costs, got {type(history).__name__}")


def plot_cost(model_or_history: Any, ax: Any = None, xlabel: str | None = None, every: int = 1) -> Any:
    """The cost after each epoch (or iteration, for a list of costs), training and validation.

    ``every``: the recording interval, so the x axis says which iteration each cost is from; the course's
    lists hold the cost every 100 iterations: ``plot_cost(costs, every=100)`` labels them 0, 100, 200, ...
    """
    if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
        raise ValueError(f"every must be a positive integer (iterations between recorded costs), got {every!r}")
    history = _history(model_or_history)
    ax = _axes(ax)
    ax.plot(
        every * np.arange(len(history["cost"])), np.ravel(np.asarray(history["cost"], float)), label="training cost"
    )
    if history.get("val_cost"):
        ax.plot(every * np.arange(len(history["val_cost"])), history["val_cost"], label="validation cost")
    is_list = not isinstance(getattr(model_or_history, "history_", model_or_history), dict)
    ax.set_xlabel(xlabel or ("iteration" if is_list else "epoch"))
    ax.set_ylabel("cost J")
    _title(ax, "Learning curve")
    ax.legend()
    return ax


def plot_decision_boundary(
    model: Any, X: Array, y: Array, ax: Any = None, resolution: int = 200, margin: float = 0.5
) -> Any:
    """The regions a fitted 2-feature model predicts (filled contours), with the points (X, y) on top.

    X (m, 2), y (m,). ``model`` has ``predict`` (or is a function X (k, 2) -> (k,)). The course's form is
    taken too: X (2, m), Y (1, m) and a function of grid points (k, 2), as the notebooks call it:
    ``plot_decision_boundary(lambda x: predict(parameters, x.T), X, Y)``; its (1, k) output is flattened.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if X.ndim == 2 and X.shape[0] == 2 and X.shape[1] != 2 and y.size == X.shape[1]:
        X = X.T  # the course's columns (2, m) -> rows (m, 2)
    y = y.ravel()
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] != y.shape[0]:
        raise ValueError(f"expected X (m, 2) and y (m,) for a 2-feature model, got {X.shape} and {y.shape}")
    predict = model if callable(model) and not hasattr(model, "predict") else model.predict
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    x1, x2 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    Z = np.asarray(predict(np.c_[x1.ravel(), x2.ravel()])).ravel()  # (resolution**2,)
    labels = np.unique(np.concatenate([y, Z])) if Z.dtype.kind not in "f" or y.dtype.kind not in "f" else None
    code = (lambda v: np.searchsorted(labels, v)) if labels is not None else (lambda v: v)
    ax = _axes(ax)
    ax.contourf(x1, x2, code(Z).reshape(x1.shape), alpha=0.35, cmap="Spectral")
    ax.scatter(X[:, 0], X[:, 1], c=code(y), cmap="Spectral", edgecolors="k", linewidths=0.3, s=18)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    _title(ax, "Decision boundary")
    return ax


def plot_confusion_matrix(y_true: Array, y_pred: Array, labels: Any = None, ax: Any = None) -> Any:
    """Counts of (true class i, predicted class j): rows true, columns predicted, numbers in the cells."""
    from sklearn.metrics import confusion_matrix

    labels = (
        np.unique(np.concatenate([np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()]))
        if labels is None
        else np.asarray(labels)
    )
    C = confusion_matrix(y_true, y_pred, labels=labels)  # (n_classes, n_classes)
    ax = _axes(ax)
    ax.imshow(C, cmap="Blues")
    for (i, j), count in np.ndenumerate(C):
        ax.text(j, i, str(count), ha="center", va="center", color="white" if count > C.max() / 2 else "black")
    ticks = np.arange(len(labels))
    ax.set_xticks(ticks, [str(c) for c in labels])
    ax.set_yticks(ticks, [str(c) for c in labels])
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    _title(ax, "Confusion matrix")
    return ax


def plot_activations(names: list[str] | tuple[str, ...] | None = None, ax: Any = None, z: Array | None = None) -> Any:
    """Each activation g(z) (solid) and its derivative g'(z) (dashed, same color)."""
    from .core.activations import ACTIVATIONS

    names = names or ["sigmoid", "tanh", "relu", "leaky_relu"]
    z = np.linspace(-4, 4, 401) if z is None else np.asarray(z, dtype=float)
    Z = z.reshape(1, -1)  # (1, k): one unit, k values
    ax = _axes(ax)
    for name in names:
        g = ACTIVATIONS.get(name)
        if g is None or name == "softmax":
            raise ValueError(
                f"unknown element-wise activation {name!r}; expected some of "
                f"{sorted(k for k in ACTIVATIONS if k != 'softmax')}"
            )
        (line,) = ax.plot(z, g.forward(Z).ravel(), label=f"{name}")
        ax.plot(z, g.backward(np.ones_like(Z), Z).ravel(), linestyle="--", color=line.get_color(), label=f"{name}'")
    ax.axhline(0, color="0.8", linewidth=0.8, zorder=0)
    ax.set_xlabel("z")
    ax.set_ylabel("g(z), g'(z)")
    _title(ax, "Activation functions and their derivatives")
    ax.legend(fontsize="small", ncol=2)
    return ax


def plot_search_results(results: Any, param: str, score: str = "score", ax: Any = None) -> Any:
    """Score against one hyperparameter: every trial a point, the best score per value a line.

    ``results``: a pandas DataFrame or a list of dicts, one column per hyperparameter and ``score``.
    Numbers are placed on their axis (log scale when they span over two decades); other values
    (strings, tuples) are categories in order of first appearance.
    """
    rows = results.to_dict("records") if hasattr(results, "to_dict") else list(results)
    missing = [k for k in (param, score) if not rows or k not in rows[0]]
    if missing:
        raise ValueError(f"results need columns {missing}; got {sorted(rows[0]) if rows else 'no rows'}")
    values, scores = [r[param] for r in rows], np.array([float(r[score]) for r in rows])
    numeric = all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in values)
    ax = _axes(ax)
    if numeric:
        x = np.array(values, dtype=float)
        if x.min() > 0 and x.max() / x.min() > 100:
            ax.set_xscale("log")
    else:
        cats = list(dict.fromkeys(str(v) for v in values))
        x = np.array([cats.index(str(v)) for v in values], dtype=float)
        ax.set_xticks(np.arange(len(cats)), cats)
    ax.scatter(x, scores, alpha=0.6, label="trials")
    ux = np.unique(x)
    ax.plot(ux, [scores[x == u].max() for u in ux], color="C1", label=f"best {score}")
    ax.set_xlabel(param)
    ax.set_ylabel(score)
    _title(ax, f"{score} against {param}")
    ax.legend()
    return ax


def plot_mislabeled_images(classes: Any, X: Any, y: Any, p: Any, max_images: int = 20, per_row: int = 5) -> Any:
    """The notebooks' "mislabeled images": every picture whose prediction ``p`` is not its label ``y``,
    titled "Prediction: cat / Class: non-cat". Returns the Figure (a picture as a Jupyter cell's value).

    ``classes``: the class names (str or the course's bytes); y, p: (1, m) or (m,) of 0/1; X: the course's
    columns (12288, m), rows (m, 12288), or raw images (m, 64, 64, 3), in [0, 1] or uint8 0..255.
    """
    y, p = np.asarray(y).ravel().astype(int), np.asarray(p).ravel().astype(int)
    X = np.asarray(X)
    if X.ndim == 2 and X.shape[1] == y.size and X.shape[0] != y.size:
        X = X.T  # the course's columns (n_x, m) -> rows (m, n_x)
    if X.shape[0] != y.size or y.size != p.size:
        raise ValueError(f"expected X with one image per label and prediction, got {X.shape}, {y.shape}, {p.shape}")
    side = round(float(np.sqrt(X[0].size / 3)))
    images = X.reshape(X.shape[0], side, side, 3)  # (m, 64, 64, 3)
    names = [c.decode() if isinstance(c, bytes) else str(c) for c in np.ravel(classes)]
    wrong = np.flatnonzero(y != p)[:max_images]
    ax = _axes(None)
    fig = ax.figure
    fig.delaxes(ax)
    rows = max(1, -(-len(wrong) // per_row))
    fig.set_size_inches(2.4 * per_row, 2.6 * rows)
    for k, i in enumerate(wrong):
        ax = fig.add_subplot(rows, per_row, k + 1)
        ax.imshow(images[i] if images.dtype == np.uint8 else np.clip(images[i], 0, 1), interpolation="nearest")
        ax.set_axis_off()
        ax.set_title(f"Prediction: {names[p[i]]}\nClass: {names[y[i]]}", fontsize=9)
    if not len(wrong):
        fig.text(0.5, 0.5, "no mislabeled image", ha="center")
    return fig


__all__ = [
    "plot_mislabeled_images",
    "plot_cost",
    "plot_decision_boundary",
    "plot_confusion_matrix",
    "plot_activations",
    "plot_search_results",
]

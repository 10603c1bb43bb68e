"""Pictures of training: cost curves, decision boundaries, confusion matrices, activations, search scores.

Every function draws on ``ax`` (a matplotlib Axes) or, when ``ax`` is None, on a new
``matplotlib.figure.Figure`` (no pyplot, so no global state and no GUI), and returns the Axes.
Save with ``ax.figure.savefig("cost.png")``. matplotlib is imported only when a plot is asked for.
"""

from __future__ import annotations

import numpy as np


def _axes(ax):
    if ax is not None:
        return ax
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("plotting needs matplotlib: pip install 'layerwise[plot]'") from None
    return Figure(figsize=(6.4, 4.8), layout="constrained").add_subplot()


def _history(model_or_history):
    """A fitted model (``history_``), a history dict, or the course's list of costs -> dict of lists."""
    history = getattr(model_or_history, "history_", model_or_history)
    if isinstance(history, dict):
        if "cost" not in history:
            raise ValueError(f"a history needs a 'cost' list, got keys {sorted(history)}")
        return history
    if isinstance(history, (list, tuple, np.ndarray)):
        return {"cost": list(history)}
    raise TypeError(f"expected a fitted model, a history dict or a list of costs, got {type(history).__name__}")


def plot_cost(model_or_history, ax=None, xlabel=None):
    """The cost after each epoch (or iteration, for a list of costs), training and validation."""
    history = _history(model_or_history)
    ax = _axes(ax)
    ax.plot(np.arange(len(history["cost"])), history["cost"], label="training cost")
    if history.get("val_cost"):
        ax.plot(np.arange(len(history["val_cost"])), history["val_cost"], label="validation cost")
    is_list = not isinstance(getattr(model_or_history, "history_", model_or_history), dict)
    ax.set_xlabel(xlabel or ("iteration" if is_list else "epoch"))
    ax.set_ylabel("cost J")
    ax.set_title("Learning curve")
    ax.legend()
    return ax


def plot_decision_boundary(model, X, y, ax=None, resolution=200, margin=0.5):
    """The regions a fitted 2-feature model predicts (filled contours), with the points (X, y) on top.

    X (m, 2), y (m,). ``model`` has ``predict`` (or is a function X (k, 2) -> (k,)).
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y).ravel()
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
    ax.set_title("Decision boundary")
    return ax


def plot_confusion_matrix(y_true, y_pred, labels=None, ax=None):
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
    ax.set_title("Confusion matrix")
    return ax


def plot_activations(names=None, ax=None, z=None):
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
    ax.set_title("Activation functions and their derivatives")
    ax.legend(fontsize="small", ncol=2)
    return ax


def plot_search_results(results, param, score="score", ax=None):
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
    ax.set_title(f"{score} against {param}")
    ax.legend()
    return ax


__all__ = ["plot_cost", "plot_decision_boundary", "plot_confusion_matrix", "plot_activations", "plot_search_results"]

"""``layerwise demo``: the course's flower network, then a deep network on handwritten digits, with pictures.

Prints what it trains and how well, and writes pictures and a model file into one folder.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import numpy as np

from .._typing import Array, StrPath


def _save(ax: Any, folder: StrPath, name: str) -> None:
    path = os.path.join(folder, name)
    ax.figure.savefig(path, dpi=100)
    print(f"  wrote {path}")


def flower(folder: StrPath) -> tuple[float, float]:
    """The course's planar data: a 4-unit tanh hidden layer against logistic regression."""
    from .. import core
    from ..datasets import make_flower
    from ..plotting import plot_decision_boundary

    X, Y = make_flower(layout="course")  # X (2, 400), Y (1, 400)
    print("The planar flower data: 400 points, 2 features, 2 classes.")
    print("One hidden layer of 4 tanh units, learning rate 1.2, 10000 iterations:")
    params, _ = core.train(X, Y, [2, 4, 1], "tanh", "binary_crossentropy", 1.2, 10000, "random", 2, print_every=1000)
    accuracy = float(np.mean(core.predict(X, params, "tanh") == Y))
    print(f"Accuracy of the hidden-layer network: {accuracy:.1%}")
    params_lr, _ = core.train(X, Y, [2, 1], (), "binary_crossentropy", 1.2, 10000, "zeros", None)
    accuracy_lr = float(np.mean(core.predict(X, params_lr) == Y))
    print(f"Accuracy of logistic regression:      {accuracy_lr:.1%} (a straight line cannot separate the petals)")

    def predict(X_rows: Array) -> Array:  # (k, 2) rows -> (k,) labels
        return core.predict(X_rows.T, params, "tanh").ravel()

    ax = plot_decision_boundary(predict, X.T, Y.ravel())
    ax.set_title(f"Flower: 4 tanh hidden units, accuracy {accuracy:.1%}")
    _save(ax, folder, "flower_decision_boundary.png")
    return accuracy, accuracy_lr


def digits(folder: StrPath) -> bool:
    """scikit-learn's 8x8 digits: a 64-64-32-10 ReLU network with Adam, saved, reloaded, used."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from ..estimators import NeuralNetClassifier
    from ..io.modelfile import load, save
    from ..plotting import plot_confusion_matrix, plot_cost

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.25, random_state=0, stratify=y)
    print(f"\nHandwritten digits: {len(X_train)} training and {len(X_test)} test images of 8x8 pixels, 10 classes.")
    model = NeuralNetClassifier(
        hidden_layer_sizes=(64, 32),
        activation="relu",
        solver="adam",
        learning_rate=0.003,
        batch_size=64,
        max_iter=60,
        early_stopping=True,
        random_state=0,
        verbose=0,
    )
    model.fit(X_train, y_train)
    print(model.summary())
    print(
        f"Trained for {model.n_iter_} epochs; training accuracy {model.score(X_train, y_train):.1%}, "
        f"test accuracy {model.score(X_test, y_test):.1%}"
    )
    path = os.path.join(folder, "digits.safetensors")
    save(model, path)
    reloaded = load(path)
    same = bool(np.array_equal(reloaded.predict(X_test), model.predict(X_test)))
    print(
        f"Saved to {path}, reloaded: the reloaded model's test predictions are "
        f"{'identical' if same else 'DIFFERENT'}; first ten: {reloaded.predict(X_test[:10]).tolist()} "
        f"(true: {y_test[:10].tolist()})"
    )
    ax = plot_confusion_matrix(y_test, reloaded.predict(X_test), labels=model.classes_)
    ax.set_title("Digits: confusion matrix on the test images")
    _save(ax, folder, "digits_confusion_matrix.png")
    _save(plot_cost(model), folder, "digits_cost.png")
    return same


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--out-dir",
        default="layerwise-demo",
        metavar="DIR",
        help="folder for the pictures and the model file (default ./layerwise-demo)",
    )


def run(args: argparse.Namespace) -> int:
    from .errors import require

    require(("matplotlib",), "plot", "layerwise demo draws pictures and")  # before five seconds of training
    return demo(args.out_dir)


def demo(folder: StrPath = "layerwise-demo") -> int:
    """Both demonstrations into ``folder``; 0 when the reloaded model predicts as the trained one."""
    os.makedirs(folder, exist_ok=True)
    flower(folder)
    same = digits(folder)
    print(f"\nPictures and the model file are in {os.path.abspath(folder)}")
    return 0 if same else 1


__all__ = ["configure", "run", "demo", "flower", "digits"]

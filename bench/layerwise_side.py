"""The layerwise contenders: what a user calls (``NeuralNetClassifier.fit``, ``predict_proba``,
``predict``), and the engine's own epoch (``engine.run_epoch``, no input validation) as a diagnostic.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from layerwise import engine
from layerwise.core import network

LOSS = "categorical_crossentropy"
NAME = "NeuralNetClassifier.fit"


def setup(threads):
    """Import the library (the worker's memory baseline); NumPy's threads come from the environment."""
    from layerwise import NeuralNetClassifier  # noqa: F401


def init_params(layer_dims, seed=0, dtype=np.float32, init="he"):
    """[(W[l] (n[l], n[l-1]), b[l] (n[l], 1)) for l = 1..L] as host NumPy arrays of ``dtype``."""
    return [(p.W, p.b) for p in network.init_params(layer_dims, init, seed, dtype)]


def classifier(hidden, solver, learning_rate, batch_size, epochs, seed=0):
    """A NeuralNetClassifier that trains exactly ``epochs`` epochs (no stopping on tol), no L2.
    Plain SGD is solver="sgd" with momentum 0."""
    from layerwise import NeuralNetClassifier

    extra = {"momentum": 0.0, "nesterovs_momentum": False} if solver == "sgd" else {}
    return NeuralNetClassifier(
        hidden_layer_sizes=tuple(hidden),
        activation="relu",
        solver=solver,
        learning_rate=learning_rate,
        batch_size=batch_size,
        max_iter=epochs,
        alpha=0.0,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        random_state=seed,
        **extra,
    )


def fit_job(X, y, dims, solver, learning_rate, batch_size, epochs, impl="layerwise"):
    """{"seconds": ...} of ``epochs`` epochs: through ``fit`` (impl layerwise) or the engine's loop."""
    if impl == "layerwise-engine":
        epoch = engine_epoch(X, y, init_params(dims, 1, X.dtype), solver, learning_rate, batch_size)
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(epochs):
            epoch()
        return {"seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0}
    clf = classifier(dims[1:-1], solver, learning_rate, batch_size, epochs)
    t0, c0 = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning after a few epochs
        clf.fit(X, y)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert clf.n_iter_ == epochs, (clf.n_iter_, epochs)
    return {"seconds": seconds, "cpu_seconds": cpu, "dtype": str(clf.params_[0].W.dtype)}


def trained_model(X, y, dims, impl="layerwise"):
    """A NeuralNetClassifier trained one Adam epoch on X (m, n_x), y (m,): the model predictions are timed
    on; for impl ``layerwise-engine`` its parameters behind ``engine.predict_forward`` (no validation)."""
    clf = classifier(dims[1:-1], "adam", 1e-3, 256, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    return EnginePredictor(clf) if impl == "layerwise-engine" else clf


class EnginePredictor:
    """A fitted classifier's parameters behind the engine's forward pass: the diagnostic of the predict section."""

    def __init__(self, clf):
        self.params = [(p.W, p.b) for p in clf.params_]
        self.hidden, self.classes = list(clf.activations_), clf.classes_

    def predict_proba(self, X):
        return engine.predict_forward(X, self.params, self.hidden, LOSS)[0]

    def predict(self, X):
        return self.classes[np.argmax(self.predict_proba(X), axis=1)]


def _trainer(X, Y, params, solver, learning_rate, batch_size, shuffle, loss):
    """A callable running one epoch through the engine: Network, in-place optimizer, run_epoch.

    X (m, n_x) rows, Y (m, n[L]) rows; returns the epoch's cost. ReLU hidden layers, no L2.
    """
    dims = [X.shape[1]] + [W.shape[0] for W, _ in params]
    net = engine.Network(dims, ["relu"] * (len(dims) - 2), loss, dtype=X.dtype)
    net.set_params(tuple(network.LayerParams(W, b) for W, b in params))  # copied into theta
    opt = engine.make_optimizer({"sgd": "gd", "gd": "gd", "adam": "adam"}[solver], net.size, net.dtype)
    cfg = engine.FitConfig(
        batch_size=batch_size, max_iter=1, learning_rate=learning_rate, shuffle=shuffle, alpha=0.0, use_tol=False
    )
    state = engine.TrainState(learning_rate=learning_rate)
    rng = np.random.default_rng(0)
    order = np.arange(X.shape[0])

    def epoch():
        return engine.run_epoch(net, opt, X, Y, None, cfg, state, rng, order)

    epoch.net = net
    return epoch


def engine_epoch(X, y, params, solver, learning_rate, batch_size):
    """A callable running one epoch of minibatch training (softmax cross-entropy) on X (m, n_x), y (m,)."""
    n_classes = params[-1][0].shape[0]
    Y = np.eye(n_classes, dtype=X.dtype)[y]  # (m, n_y) one-hot rows, as the estimator passes them
    return _trainer(X, Y, params, solver, learning_rate, batch_size, True, LOSS)


def fullbatch_train(X, y, params, iterations, learning_rate):
    """A callable running ``iterations`` full-batch gradient-descent steps (sigmoid output, binary
    cross-entropy) on X (m, n_x), y (m,); each is one engine epoch of one batch, which computes the
    cost of its forward pass before the update, as the course records it."""
    Y = y.reshape(-1, 1).astype(X.dtype)  # (m, 1)

    def run():
        epoch = _trainer(X, Y, params, "gd", learning_rate, X.shape[0], False, "binary_crossentropy")
        return [epoch() for _ in range(iterations)]

    return run

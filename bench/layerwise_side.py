"""The layerwise contenders, timed through the engine's own epoch (``layerwise.engine.run_epoch``):
the loop the estimators run, without their input validation, so that it compares with the PyTorch
loop. The estimator's ``fit`` is timed as a separate contender (``estimator_epoch``), the like-for-like
comparison with scikit-learn's ``fit``.
"""
from __future__ import annotations

import warnings

import numpy as np

from layerwise import engine
from layerwise.core import network

IMPLEMENTATION = "engine.run_epoch"
LOSS = "categorical_crossentropy"


def init_params(layer_dims, seed=0, dtype=np.float32, init="he"):
    """[(W[l] (n[l], n[l-1]), b[l] (n[l], 1)) for l = 1..L] as host NumPy arrays of ``dtype``."""
    return [(p.W, p.b) for p in network.init_params(layer_dims, init, seed, dtype)]


def _trainer(X, Y, params, solver, learning_rate, batch_size, shuffle, loss):
    """A callable running one epoch through the engine: Network, in-place optimizer, run_epoch.

    X (m, n_x) rows, Y (m, n[L]) rows; returns the epoch's cost. ReLU hidden layers, no L2.
    """
    dims = [X.shape[1]] + [W.shape[0] for W, _ in params]
    net = engine.Network(dims, ["relu"] * (len(dims) - 2), loss, dtype=X.dtype)
    net.set_params(tuple(network.LayerParams(W, b) for W, b in params))  # copied into theta
    opt = engine.make_optimizer({"sgd": "gd", "gd": "gd", "adam": "adam"}[solver], net.size, net.dtype)
    cfg = engine.FitConfig(batch_size=batch_size, max_iter=1, learning_rate=learning_rate, shuffle=shuffle,
                           alpha=0.0, use_tol=False)
    state = engine.TrainState(learning_rate=learning_rate)
    rng = np.random.default_rng(0)
    order = np.arange(X.shape[0])

    def epoch():
        return engine.run_epoch(net, opt, X, Y, None, cfg, state, rng, order)

    return epoch


def mlp_epoch(X, y, params, solver, learning_rate, batch_size, seed=0):
    """A callable running one epoch of minibatch training (softmax cross-entropy) on X (m, n_x), y (m,)."""
    n_classes = params[-1][0].shape[0]
    Y = np.eye(n_classes, dtype=X.dtype)[y]  # (m, n_y) one-hot rows, as the estimator passes them
    return _trainer(X, Y, params, solver, learning_rate, batch_size, True, LOSS)


def estimator_epoch(X, y, hidden, solver, learning_rate, batch_size, seed=0):
    """A callable fitting a fresh NeuralNetClassifier for one epoch (``max_iter=1``).
    Plain SGD is solver="sgd" with momentum 0."""
    from layerwise.estimators import NeuralNetClassifier

    extra = {"momentum": 0.0, "nesterovs_momentum": False} if solver == "sgd" else {}

    def epoch():
        clf = NeuralNetClassifier(hidden_layer_sizes=tuple(hidden), activation="relu", solver=solver,
                                  learning_rate=learning_rate, batch_size=batch_size, max_iter=1, alpha=0.0,
                                  random_state=seed, **extra)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning after one epoch
            clf.fit(X, y)

    return epoch


def fullbatch_train(X, y, params, iterations, learning_rate):
    """A callable running ``iterations`` full-batch gradient-descent steps (sigmoid output, binary
    cross-entropy) on X (m, n_x), y (m,); each is one engine epoch of one batch, which computes the
    cost of its forward pass before the update, as the course records it."""
    Y = y.reshape(-1, 1).astype(X.dtype)  # (m, 1)

    def run():
        epoch = _trainer(X, Y, params, "gd", learning_rate, X.shape[0], False, "binary_crossentropy")
        return [epoch() for _ in range(iterations)]

    return run

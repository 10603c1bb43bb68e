"""The layerwise contenders, timed through the engine's own epoch (``layerwise.engine.run_epoch``):
the same loop the estimators run, without their input validation, so that it compares with the
PyTorch loop. The estimator's ``fit`` is timed as a separate contender (``estimator_epoch``), the
like-for-like comparison with scikit-learn's ``fit``.

Before the engine exists (``import layerwise.engine`` fails) the core's pure functions stand in:
the untuned reference path, and ``IMPLEMENTATION`` says so in every row.
"""
from __future__ import annotations

import warnings

import numpy as np

from layerwise.core import network, optimizers

try:
    from layerwise import engine
except ImportError:  # the engine has not landed on this branch
    engine = None

IMPLEMENTATION = "engine.run_epoch" if engine is not None else "core (pure functions, placeholder)"
LOSS = "categorical_crossentropy"


def init_params(layer_dims, seed=0, dtype=np.float32, init="he"):
    """[(W[l] (n[l], n[l-1]), b[l] (n[l], 1)) for l = 1..L] as host NumPy arrays of ``dtype``."""
    return [(p.W, p.b) for p in network.init_params(layer_dims, init, seed, dtype)]


def _params(params):
    return tuple(network.LayerParams(W.copy(), b.copy()) for W, b in params)


def _engine_trainer(X, Y, params, solver, learning_rate, batch_size, shuffle, loss):
    """(epoch callable, state) over the engine: Network, in-place optimizer, FitConfig, run_epoch."""
    dims = [X.shape[1]] + [W.shape[0] for W, _ in params]
    net = engine.Network(dims, ["relu"] * (len(dims) - 2), loss, dtype=X.dtype)
    net.set_params(_params(params))
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
    if engine is not None:
        Y = np.eye(n_classes, dtype=X.dtype)[y]  # (m, n_y) one-hot rows, as the estimator passes them
        return _engine_trainer(X, Y, params, solver, learning_rate, batch_size, True, LOSS)
    Y = np.eye(n_classes, dtype=X.dtype)[y].T  # (n_y, m) one-hot
    opt = optimizers.get_optimizer({"sgd": "gd", "adam": "adam"}[solver])
    state = {"params": _params(params)}
    state["opt"] = opt.init(state["params"])
    rng = np.random.default_rng(seed)
    m = X.shape[0]

    def epoch():
        p, s = state["params"], state["opt"]
        perm = rng.permutation(m)
        for i in range(0, m, batch_size):
            idx = perm[i:i + batch_size]
            Xb, Yb = X[idx].T, Y[:, idx]  # (n_x, B), (n_y, B)
            AL, caches = network.model_forward(Xb, p, "relu", LOSS)
            grads = network.model_backward(AL, Yb, caches, "relu", LOSS)
            p, s = opt.update(p, grads, s, learning_rate)
        state["params"], state["opt"] = p, s

    return epoch


def estimator_epoch(X, y, hidden, solver, learning_rate, batch_size, seed=0):
    """A callable fitting a fresh NeuralNetClassifier for one epoch (``max_iter=1``), or None before
    the estimators exist. Plain SGD is solver="sgd" with momentum 0."""
    try:
        from layerwise.estimators import NeuralNetClassifier
    except ImportError:
        return None
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
    cross-entropy) on X (m, n_x), y (m,), recording the cost every iteration as the course does."""
    if engine is not None:
        Y = y.reshape(-1, 1).astype(X.dtype)  # (m, 1)

        def run():
            epoch = _engine_trainer(X, Y, params, "gd", learning_rate, X.shape[0], False, "binary_crossentropy")
            return [epoch() for _ in range(iterations)]  # each epoch is one iteration; its cost is returned

        return run
    from layerwise.core.training import train

    Xc, Yc = X.T, y.reshape(1, -1).astype(X.dtype)  # (n_x, m), (1, m): the one transpose, a view
    dims = [X.shape[1]] + [W.shape[0] for W, _ in params]

    def run():
        return train(Xc, Yc, dims, "relu", "binary_crossentropy", learning_rate, iterations,
                     params=_params(params))[1]

    return run

"""The layerwise contenders.

PLACEHOLDER until the engine lands: the epoch is the core's pure functions (model_forward,
model_backward, optimizers) on fancy-indexed minibatches, i.e. the untuned reference path.
"""
from __future__ import annotations

import numpy as np

from layerwise.core import network, optimizers

IMPLEMENTATION = "core (pure functions, placeholder)"


def init_params(layer_dims, seed=0, dtype=np.float32, init="he"):
    """[(W[l] (n[l], n[l-1]), b[l] (n[l], 1)) for l = 1..L] as host NumPy arrays of ``dtype``."""
    return [(p.W, p.b) for p in network.init_params(layer_dims, init, seed, dtype)]


def _params(params):
    return tuple(network.LayerParams(W.copy(), b.copy()) for W, b in params)


def _optimizer(solver):
    return optimizers.get_optimizer({"sgd": "gd", "adam": "adam"}[solver])


def mlp_epoch(X, y, params, solver, learning_rate, batch_size, seed=0):
    """A callable running one epoch of minibatch training (softmax cross-entropy) on X (m, n_x), y (m,)."""
    n_classes = params[-1][0].shape[0]
    Y = np.eye(n_classes, dtype=X.dtype)[y].T  # (n_y, m) one-hot
    opt = _optimizer(solver)
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
            AL, caches = network.model_forward(Xb, p, "relu", "categorical_crossentropy")
            grads = network.model_backward(AL, Yb, caches, "relu", "categorical_crossentropy")
            p, s = opt.update(p, grads, s, learning_rate)
        state["params"], state["opt"] = p, s

    return epoch


def fullbatch_train(X, y, params, iterations, learning_rate):
    """A callable running ``iterations`` full-batch gradient-descent steps (sigmoid output, binary
    cross-entropy) on X (m, n_x), y (m,), recording the cost every iteration as the course does."""
    from layerwise.core.training import train

    Xc = X.T  # (n_x, m): the one transpose, a view
    Y = y.reshape(1, -1).astype(X.dtype)
    dims = [X.shape[1]] + [W.shape[0] for W, _ in params]

    def run():
        return train(Xc, Y, dims, "relu", "binary_crossentropy", learning_rate, iterations,
                     params=_params(params))[1]

    return run

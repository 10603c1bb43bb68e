"""The course's function names, as thin wrappers over ``layerwise.core``.

Each function takes and returns what the course's notebooks do (dicts such as ``{"W1": ..., "b1": ...}``,
caches ``((A_prev, W, b), Z)``), so a learner can check a notebook line by line. Each docstring names
the core function it wraps. Where the course seeds NumPy's global generator inside a function, these
take ``random_state`` instead (same draws, nothing global is touched); the defaults are the course's seeds.
"""
from __future__ import annotations

import numpy as np

from . import core
from .core import LayerParams


# ---------------------------------------------------------------- conversion between dicts and params
def to_params(parameters):
    """{"W1", "b1", ..., "WL", "bL"} -> tuple of LayerParams, in layer order 1..L."""
    L = sum(1 for key in parameters if key.startswith("W"))
    return tuple(LayerParams(parameters[f"W{l}"], parameters[f"b{l}"]) for l in range(1, L + 1))


def to_dict(params):
    """tuple of LayerParams -> {"W1", "b1", ...} (1-based keys, as the course)."""
    out = {}
    for l, p in enumerate(params, start=1):
        out[f"W{l}"], out[f"b{l}"] = p.W, p.b
    return out


def _grads_dict(grads):
    out = {}
    for l, g in enumerate(grads, start=1):
        out[f"dW{l}"], out[f"db{l}"] = g.dW, g.db
    return out


# ---------------------------------------------------------------- week 2: logistic regression
def sigmoid(z):
    """sigma(z) = 1 / (1 + e^-z), elementwise. Wraps ``core.sigmoid`` (overflow-free)."""
    return core.sigmoid(np.asarray(z, dtype=np.float64))


def initialize_with_zeros(dim):
    """w (dim, 1) of zeros and b = 0.0. Wraps ``core.init_params([dim, 1], "zeros")``."""
    (p,) = core.init_params([dim, 1], "zeros")
    return p.W.T, 0.0  # w is a column; the core's W[1] = w^T is a row


def _lr_params(w, b):
    return (LayerParams(np.asarray(w, dtype=np.float64).T, np.full((1, 1), float(b))),)


def propagate(w, b, X, Y):
    """Forward and backward pass of logistic regression.  w (n_x, 1), X (n_x, m), Y (1, m) ->
    ({"dw": (n_x, 1), "db": float}, cost). Wraps ``core.model_forward`` / ``core.model_backward``
    with L = 1 (a single sigmoid unit) and ``core.compute_cost``."""
    params = _lr_params(w, b)
    AL, caches = core.model_forward(X, params, loss="binary_crossentropy")
    cost = float(core.compute_cost(caches, Y))
    (g,) = core.model_backward(AL, Y, caches)
    return {"dw": g.dW.T, "db": float(g.db[0, 0])}, cost


def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    """Gradient descent on logistic regression; costs recorded every 100 iterations (as the course).
    Returns ({"w", "b"}, {"dw", "db"} of the last step, costs). Wraps ``propagate`` and
    ``core.update_parameters``."""
    core.check_learning_rate(learning_rate)
    params, costs, grads = _lr_params(w, b), [], None
    for i in range(num_iterations):
        grads, cost = propagate(params[0].W.T, params[0].b[0, 0], X, Y)
        params = core.update_parameters(
            params, (core.LayerGrads(grads["dw"].T, np.full((1, 1), grads["db"])),), learning_rate)
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print(f"Cost after iteration {i}: {cost:f}")
    return {"w": params[0].W.T, "b": float(params[0].b[0, 0])}, grads, costs


# ---------------------------------------------------------------- weeks 3 and 4: deeper networks
def initialize_parameters(n_x, n_h, n_y, random_state=1):
    """Two-layer parameters, W = randn * 0.01, b = 0. Wraps ``core.init_params([n_x, n_h, n_y], "random")``."""
    return to_dict(core.init_params([n_x, n_h, n_y], "random", random_state))


def layer_sizes(X, Y, n_h=4):
    """Week 3's (n_x, n_h, n_y): rows of X, the hidden units, rows of Y."""
    return X.shape[0], n_h, Y.shape[0]


def forward_propagation(X, parameters):
    """Week 3's LINEAR->TANH->LINEAR->SIGMOID: (A2, cache {"Z1", "A1", "Z2", "A2"}).
    Wraps ``core.model_forward`` with ``activations="tanh"``."""
    A2, caches = core.model_forward(X, to_params(parameters), "tanh", "binary_crossentropy")
    return A2, {"Z1": caches[0].Z, "A1": caches[1].linear.A_prev, "Z2": caches[1].Z, "A2": A2}


def backward_propagation(parameters, cache, X, Y):
    """Week 3's gradients {"dW1", "db1", "dW2", "db2"} from ``forward_propagation``'s cache.
    Wraps ``core.model_backward`` with ``activations="tanh"``."""
    (p1, p2) = to_params(parameters)
    caches = [core.LayerCache(core.LinearCache(X, p1.W, p1.b), cache["Z1"]),
              core.LayerCache(core.LinearCache(cache["A1"], p2.W, p2.b), cache["Z2"])]
    return _grads_dict(core.model_backward(cache["A2"], Y, caches, "tanh", "binary_crossentropy"))


def initialize_parameters_deep(layer_dims, random_state=3, init="random"):
    """L-layer parameters. ``init="random"`` is the Step-by-Step notebook (x 0.01); ``"xavier"`` the
    application notebook (/ sqrt(n[l-1])). Wraps ``core.init_params``."""
    return to_dict(core.init_params(layer_dims, init, random_state))


def linear_forward(A, W, b):
    """Z = W A + b -> (Z, cache (A, W, b)). Wraps ``core.linear_forward``."""
    return core.linear_forward(A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    """A = g(W A_prev + b) -> (A, cache ((A_prev, W, b), Z)). Wraps ``core.linear_activation_forward``."""
    return core.linear_activation_forward(A_prev, W, b, activation)


def L_model_forward(X, parameters):
    """[LINEAR->RELU] x (L-1) -> LINEAR->SIGMOID: (AL, caches). Wraps ``core.model_forward``."""
    return core.model_forward(X, to_params(parameters), "relu", "binary_crossentropy")


def compute_cost(AL, Y):
    """Cross-entropy -1/m sum(Y log AL + (1 - Y) log(1 - AL)) from the probabilities AL, as the course
    writes it (``core.compute_cost`` takes the logits instead, and is what training uses)."""
    AL, Y = np.asarray(AL, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    core.network.check_output_shape(AL, Y)
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)


def linear_backward(dZ, cache):
    """dZ -> (dA_prev, dW, db). Wraps ``core.linear_backward``."""
    return core.linear_backward(dZ, core.LinearCache(*cache))


def linear_activation_backward(dA, cache, activation):
    """dA -> (dA_prev, dW, db) through g'. Wraps ``core.linear_activation_backward``."""
    linear_cache, Z = cache
    return core.linear_activation_backward(dA, core.LayerCache(core.LinearCache(*linear_cache), Z), activation)


def L_model_backward(AL, Y, caches):
    """Gradients {"dW1", "db1", ...} of the relu/sigmoid network. Wraps ``core.model_backward``, which
    starts from the fused dZ[L] = AL - Y (the course's dAL through sigmoid' gives the same) and, since
    dA[0] is never used, does not return the "dA" entries."""
    return _grads_dict(core.model_backward(AL, Y, caches, "relu", "binary_crossentropy"))


def update_parameters(parameters, grads, learning_rate):
    """W[l] -= alpha dW[l], b[l] -= alpha db[l]. Wraps ``core.update_parameters``."""
    params = to_params(parameters)
    g = tuple(core.LayerGrads(grads[f"dW{l}"], grads[f"db{l}"]) for l in range(1, len(params) + 1))
    return to_dict(core.update_parameters(params, g, learning_rate))


def _train(X, Y, layer_dims, activation, learning_rate, num_iterations, print_cost, random_state, init):
    params, costs = core.train(X, Y, layer_dims, activation, "binary_crossentropy", learning_rate,
                               num_iterations, init, random_state, print_every=100 if print_cost else None)
    return to_dict(params), costs[::100]


def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False,
                  random_state=1, init="xavier"):
    """The application notebook's deep model (relu hidden layers, sigmoid output, init / sqrt(n[l-1])).
    Returns (parameters, costs every 100 iterations). Wraps ``core.train``."""
    return _train(X, Y, layers_dims, "relu", learning_rate, num_iterations, print_cost, random_state, init)


def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False,
                    random_state=1):
    """LINEAR->RELU->LINEAR->SIGMOID with ``initialize_parameters`` (x 0.01).
    ``layers_dims`` is (n_x, n_h, n_y). Returns (parameters, costs every 100). Wraps ``core.train``."""
    return _train(X, Y, layers_dims, "relu", learning_rate, num_iterations, print_cost, random_state, "random")


def nn_model(X, Y, n_h, num_iterations=10000, learning_rate=1.2, print_cost=False, random_state=2):
    """Week 3's planar classifier: one tanh hidden layer of n_h units, sigmoid output, x 0.01 init.
    Returns parameters. Prints every 1000 iterations. Wraps ``core.train``."""
    params, _ = core.train(X, Y, [X.shape[0], n_h, Y.shape[0]], "tanh", "binary_crossentropy", learning_rate,
                           num_iterations, "random", random_state, print_every=1000 if print_cost else None)
    return to_dict(params)


def predict(*args):
    """The course's three ``predict`` functions, told apart by their arguments:

    - week 2 ``predict(w, b, X)`` -> Y_prediction (1, m) of logistic regression;
    - week 3 ``predict(parameters, X)`` -> predictions (1, m) of the tanh network;
    - week 4 ``predict(X, y, parameters)`` -> p (1, m) of the relu network, printing the accuracy.
    All threshold the sigmoid output at 0.5. Wraps ``core.predict``.
    """
    if len(args) == 2 and isinstance(args[0], dict):
        parameters, X = args
        return core.predict(X, to_params(parameters), "tanh")
    if len(args) == 3 and isinstance(args[2], dict):
        X, y, parameters = args
        p = core.predict(X, to_params(parameters), "relu")
        print(f"Accuracy: {np.mean(p == y)}")
        return p
    if len(args) == 3:
        w, b, X = args
        return core.predict(X, _lr_params(w, b))
    raise TypeError("predict takes (w, b, X), (parameters, X) or (X, y, parameters), as in the course")

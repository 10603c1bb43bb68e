"""An L-layer network from the per-layer blocks: parameters, forward, backward, cost, predict.

Parameters are an immutable tuple of ``LayerParams(W, b)``, l = 1..L; gradients a tuple of
``LayerGrads(dW, db)`` of the same structure. ``activations`` names the hidden layers' g[l] (one
name for all, or L-1 names); the output layer belongs to the loss (sigmoid, softmax or linear).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .._backend import like, namespace, policy_dtype
from .._typing import Array
from .activations import Activation, get_activation
from .initializers import check_layer_dims, draw_weights
from .layers import LayerCache, linear_activation_backward, linear_activation_forward, linear_backward
from .losses import Loss, get_loss


class LayerParams(NamedTuple):
    W: Array  # (n[l], n[l-1])
    b: Array  # (n[l], 1)


class LayerGrads(NamedTuple):
    dW: Array  # (n[l], n[l-1])
    db: Array  # (n[l], 1)


def init_params(
    layer_dims: Sequence[int],
    init: Any = "random",
    random_state: Any = None,
    dtype: Any = np.float64,
    like_array: Array | None = None,
) -> tuple[LayerParams, ...]:
    """Weights drawn on the host, layer by layer (see ``initializers``), biases zero.

    layer_dims [n[0], ..., n[L]] -> (LayerParams(W[l] (n[l], n[l-1]), b[l] (n[l], 1)), ...) for l = 1..L.
    ``like_array`` puts them in that array's namespace and device, with ``dtype`` from the policy.
    """
    if like_array is not None:
        dtype = policy_dtype(like_array)
    layers = draw_weights(layer_dims, init, random_state, dtype)
    if like_array is None:
        return tuple(LayerParams(W, b) for W, b in layers)
    return tuple(LayerParams(like(W, like_array), like(b, like_array)) for W, b in layers)


def hidden_activations(activations: Any, L: int) -> list[Activation]:
    """One activation per hidden layer, l = 1..L-1, from one name or a sequence of L-1 names."""
    if isinstance(activations, str) or not hasattr(activations, "__len__"):
        return [get_activation(activations)] * (L - 1)
    acts = [get_activation(a) for a in activations]
    if len(acts) != L - 1:
        raise ValueError(
            f"expected one activation or {L - 1} (one per hidden layer of an L = {L} network), got {len(acts)}"
        )
    return acts


def check_finite(name: str, A: Array) -> None:
    """ValueError if ``A`` holds NaN or infinity."""
    xp = namespace(A)
    if not bool(xp.all(xp.isfinite(A))):
        raise ValueError(f"{name} contains NaN or infinity; remove or impute those values before training")


def model_forward(
    X: Array, params: Sequence[LayerParams], activations: Any = "relu", loss: str | Loss = "binary_crossentropy"
) -> tuple[Array, list[LayerCache]]:
    """X (n[0], m) -> AL (n[L], m), caches (one LayerCache per layer, l = 1..L)."""
    L = len(params)
    acts = hidden_activations(activations, L) + [get_activation(get_loss(loss).output)]
    A, caches = X, []
    for l, (p, g) in enumerate(zip(params, acts), start=1):
        A, cache = linear_activation_forward(A, p.W, p.b, g, layer=l)  # (n[l], m)
        caches.append(cache)
    return A, caches


def check_output_shape(AL: Array, Y: Array) -> None:
    if tuple(AL.shape) != tuple(Y.shape):
        raise ValueError(
            f"output layer: AL has shape {tuple(AL.shape)} (n[L], m) but Y has shape {tuple(Y.shape)}; "
            "Y must have one row per output unit and one column per example"
        )


def compute_cost(caches: Sequence[LayerCache], Y: Array, loss: str | Loss = "binary_crossentropy") -> Array:
    """The cost J from the output layer's logits Z[L] (the last cache), stably."""
    ZL = caches[-1].Z
    check_output_shape(ZL, Y)
    return get_loss(loss).cost(ZL, Y)


def model_backward(
    AL: Array,
    Y: Array,
    caches: Sequence[LayerCache],
    activations: Any = "relu",
    loss: str | Loss = "binary_crossentropy",
) -> tuple[LayerGrads, ...]:
    """AL (n[L], m), Y (n[L], m) -> (LayerGrads(dW[l], db[l]), ...) for l = 1..L.

    dZ[L] = AL - Y comes from the loss; dA[0] is never computed.
    """
    check_output_shape(AL, Y)
    L = len(caches)
    acts = hidden_activations(activations, L)
    dZ = get_loss(loss).delta(AL, Y)  # (n[L], m)
    dA, dW, db = linear_backward(dZ, caches[-1].linear, need_dA_prev=L > 1)
    grads = [LayerGrads(dW, db)]
    for l in range(L - 1, 0, -1):  # l = L-1 .. 1
        dA, dW, db = linear_activation_backward(dA, caches[l - 1], acts[l - 1], need_dA_prev=l > 1)
        grads.append(LayerGrads(dW, db))
    return tuple(reversed(grads))


def predict_proba(
    X: Array, params: Sequence[LayerParams], activations: Any = "relu", loss: str | Loss = "binary_crossentropy"
) -> Array:
    """X (n[0], m) -> AL (n[L], m): probabilities (or values, for mse)."""
    AL, _ = model_forward(X, params, activations, loss)
    return AL


def predict(
    X: Array, params: Sequence[LayerParams], activations: Any = "relu", loss: str | Loss = "binary_crossentropy"
) -> Array:
    """X (n[0], m) -> predictions (1, m): 0/1 for sigmoid (threshold 0.5, as the course),
    the class index for softmax, AL itself (n[L], m) for mse."""
    xp = namespace(X)
    AL = predict_proba(X, params, activations, loss)
    name = get_loss(loss).output
    if name == "sigmoid":
        return xp.astype(AL > 0.5, AL.dtype)
    if name == "softmax":
        return xp.reshape(xp.argmax(AL, axis=0), (1, AL.shape[1]))
    return AL


__all__ = [
    "LayerParams",
    "LayerGrads",
    "init_params",
    "hidden_activations",
    "check_finite",
    "model_forward",
    "model_backward",
    "compute_cost",
    "predict",
    "predict_proba",
    "check_layer_dims",
]

"""Losses that own the output layer: the cost J from the logits Z[L], and dZ[L] = A[L] - Y.

Every loss is a ``Loss(name, output, cost, delta, check_targets)``:

    J  = cost(ZL, Y)           ZL (n[L], m), Y (n[L], m) -> J, a 0-d array (mean over the m examples)
    dZ = delta(AL, Y)          AL (n[L], m), Y (n[L], m) -> dZ[L] = dJ/dZ[L] * m = AL - Y (n[L], m)

``output`` names the output activation whose derivative the loss fuses: sigmoid with binary
cross-entropy, softmax with categorical cross-entropy, linear with (half) mean squared error. For each
pair dJ/dZ[L] = (A[L] - Y) / m; like the course we keep the 1/m in the linear block's dW and db.

Costs are computed from logits (softplus, log-sum-exp), so no finite input overflows or gives inf.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from .._backend import namespace
from .._typing import Array
from .registry import lookup


class Loss(NamedTuple):
    name: str
    output: str  # name of the output activation in ACTIVATIONS
    cost: Callable[[Array, Array], Array]  # (ZL, Y) -> J
    delta: Callable[[Array, Array], Array]  # (AL, Y) -> dZL
    check_targets: Callable[[Array], None]  # Y -> None, raises ValueError


def softplus(Z: Array) -> Array:
    """log(1 + e^z) = max(z, 0) + log1p(e^-|z|), finite for every finite z."""
    xp = namespace(Z)
    return xp.maximum(Z, xp.zeros_like(Z)) + xp.log1p(xp.exp(-xp.abs(Z)))


def log_softmax(Z: Array) -> Array:
    """Column-wise log softmax by log-sum-exp, Z (n, m) -> (n, m)."""
    xp = namespace(Z)
    Zs = Z - xp.max(Z, axis=0, keepdims=True)
    return Zs - xp.log(xp.sum(xp.exp(Zs), axis=0, keepdims=True))


def _m(Y: Array) -> int:
    found: int = Y.shape[1]
    return found


def _bce_cost(ZL: Array, Y: Array) -> Array:
    # -[y log a + (1-y) log(1-a)] with a = sigmoid(z) equals softplus(z) - y z.
    xp = namespace(ZL)
    return xp.sum(softplus(ZL) - Y * ZL) / _m(Y)


def _cce_cost(ZL: Array, Y: Array) -> Array:
    xp = namespace(ZL)
    return -xp.sum(Y * log_softmax(ZL)) / _m(Y)


def _mse_cost(ZL: Array, Y: Array) -> Array:
    # J = 1/(2m) sum (a - y)^2, so that dJ/dZ[L] = (A[L] - Y) / m like the other two.
    xp = namespace(ZL)
    D = ZL - Y
    return xp.sum(D * D) / (2 * _m(Y))


def _delta(AL: Array, Y: Array) -> Array:
    return AL - Y


def _check_binary(Y: Array) -> None:
    xp = namespace(Y)
    if not bool(xp.all((Y == 0) | (Y == 1))):
        raise ValueError(
            "binary cross-entropy expects labels in {0, 1}; got other values. "
            "Encode the positive class as 1 and the negative as 0."
        )


def _check_one_hot(Y: Array) -> None:
    xp = namespace(Y)
    ok = bool(xp.all((Y == 0) | (Y == 1))) and bool(xp.all(xp.sum(Y, axis=0) == 1))
    if not ok:
        raise ValueError(
            "categorical cross-entropy expects one-hot columns of Y (n_classes, m), "
            "each with a single 1; got other values. One-hot encode the labels first."
        )


def _check_real(Y: Array) -> None:
    xp = namespace(Y)
    if not bool(xp.all(xp.isfinite(Y))):
        raise ValueError("mean squared error expects finite targets; got NaN or infinity. Remove or impute them.")


LOSSES: dict[str, Loss] = {
    "binary_crossentropy": Loss("binary_crossentropy", "sigmoid", _bce_cost, _delta, _check_binary),
    "categorical_crossentropy": Loss("categorical_crossentropy", "softmax", _cce_cost, _delta, _check_one_hot),
    "mse": Loss("mse", "linear", _mse_cost, _delta, _check_real),
}


def get_loss(loss: str | Loss) -> Loss:
    """The ``Loss`` named ``loss`` (or ``loss`` itself if it is one)."""
    found: Loss = lookup(LOSSES, loss, "loss", Loss)
    return found

"""Activation functions g and their derivatives, side by side, found by name.

Every activation is an ``Activation(name, forward, backward)``:

    A  = forward(Z)            Z (n[l], m) -> A (n[l], m)
    dZ = backward(dA, Z)       dA (n[l], m), Z (n[l], m) -> dZ = dA * g'(Z) (n[l], m)

``backward`` never changes ``dA`` or ``Z``. Adding an activation is one entry in ``ACTIVATIONS``.
Only array-API operations are used, so the functions run on any namespace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from .._backend import namespace
from .._typing import Array
from .registry import lookup


class Activation(NamedTuple):
    name: str
    forward: Callable[[Array], Array]  # Z -> A
    backward: Callable[[Array, Array], Array]  # (dA, Z) -> dZ = dA * g'(Z)

    def derivative(self, Z: Array) -> Array:
        """g'(Z), elementwise (the backward pass with dA = 1)."""
        return self.backward(_ones_like(Z), Z)


def _ones_like(Z: Array) -> Array:
    return namespace(Z).ones_like(Z)


def _sigmoid(Z: Array) -> Array:
    # 1 / (1 + e^-z) for z >= 0 and e^z / (1 + e^z) for z < 0, both from e^-|z| <= 1: never overflows.
    xp = namespace(Z)
    E = xp.exp(-xp.abs(Z))
    return xp.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E))


def _sigmoid_backward(dA: Array, Z: Array) -> Array:
    S = _sigmoid(Z)
    return dA * (S * (1.0 - S))  # g'(z) = a (1 - a)


def _tanh(Z: Array) -> Array:
    return namespace(Z).tanh(Z)


def _tanh_backward(dA: Array, Z: Array) -> Array:
    T = namespace(Z).tanh(Z)
    return dA * (1.0 - T * T)  # g'(z) = 1 - a^2


def _relu(Z: Array) -> Array:
    xp = namespace(Z)
    return xp.where(Z > 0, Z, xp.zeros_like(Z))


def _relu_backward(dA: Array, Z: Array) -> Array:
    xp = namespace(Z)
    return xp.where(Z > 0, dA, xp.zeros_like(dA))  # g'(z) = 1 if z > 0 else 0 (0 at the kink)


def leaky_relu(slope: float = 0.01) -> Activation:
    """Leaky ReLU with the given slope for z < 0 (0.01 by default, as in the course)."""
    if not 0.0 <= slope < 1.0:
        raise ValueError(f"leaky_relu slope must be in [0, 1), got {slope!r}; use a small value such as 0.01")

    def forward(Z: Array) -> Array:
        xp = namespace(Z)
        return xp.where(Z > 0, Z, slope * Z)

    def backward(dA: Array, Z: Array) -> Array:
        xp = namespace(Z)
        return xp.where(Z > 0, dA, slope * dA)  # g'(z) = 1 if z > 0 else slope

    name = "leaky_relu" if slope == 0.01 else f"leaky_relu({slope!r})"
    return Activation(name, forward, backward)


def _linear(Z: Array) -> Array:
    return Z


def _linear_backward(dA: Array, Z: Array) -> Array:
    return dA  # g'(z) = 1


def softmax(Z: Array) -> Array:
    """Column-wise softmax, Z (n[L], m) -> A (n[L], m), shifted by the column max (no overflow)."""
    xp = namespace(Z)
    E = xp.exp(Z - xp.max(Z, axis=0, keepdims=True))
    return E / xp.sum(E, axis=0, keepdims=True)


def _softmax_backward(dA: Array, Z: Array) -> Array:
    # Jacobian-vector product of softmax: dZ = A * (dA - sum_k dA_k A_k); the CE loss fuses it to A - Y.
    xp = namespace(Z)
    A = softmax(Z)
    return A * (dA - xp.sum(dA * A, axis=0, keepdims=True))


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_backward),
    "tanh": Activation("tanh", _tanh, _tanh_backward),
    "relu": Activation("relu", _relu, _relu_backward),
    "leaky_relu": leaky_relu(0.01),
    "linear": Activation("linear", _linear, _linear_backward),
    "softmax": Activation("softmax", softmax, _softmax_backward),
}
ALIASES = {"identity": "linear", "logistic": "sigmoid"}  # the one table of other names (engine and ONNX read it)
ACTIVATIONS.update({alias: ACTIVATIONS[name] for alias, name in ALIASES.items()})  # scikit-learn's names
HIDDEN_ACTIVATIONS = tuple(n for n in ACTIVATIONS if n != "softmax")  # softmax belongs to a loss's output layer

sigmoid = ACTIVATIONS["sigmoid"].forward


def get_activation(activation: str | Activation) -> Activation:
    """The ``Activation`` named ``activation`` (or ``activation`` itself if it is one)."""
    found: Activation = lookup(ACTIVATIONS, activation, "activation", Activation)
    return found

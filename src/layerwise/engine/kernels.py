"""In-place kernels of the hidden layers: activations g and g', on owned buffers.

The engine keeps every per-layer array in the row layout, a C-ordered (m, n[l]) buffer whose
transpose is the course's (n[l], m) ``Z[l]`` / ``A[l]`` (a free view). All kernels work in place:

    forward(Z, zero, S)              Z (m, n[l]) is overwritten by A = g(Z); S (m, n[l]) scratch (or None)
    backward(dA, A, scratch)         dA (m, n[l]) is overwritten by dZ = dA * g'(Z), g' read off A = g(Z)

Every hidden activation here has a derivative that is a function of its output A, so Z never needs
to be kept. ``scratch`` is a buffer of dA's shape the kernel may clobber; ``zero`` is 0, or a read-only
array of zeros of Z's shape, which the engine passes: NumPy's ``maximum(Z, 0)`` runs a loop 7x slower
than ``maximum(Z, zeros)`` (256 x 256 float32: 20 us against 2.8 us). The formulas are the ones of
``layerwise.core.activations`` (tested to agree; the sigmoid is ``formulas.sigmoid``, the one kernel
training and prediction share, bitwise the core's); every call goes through the ``Ops`` table ``o``
(``ops.py``), so another array module plugs in there.

The output layers (``OUTPUTS``, by loss name: activation, cost and dZ[L]) are in ``outputs.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from .._typing import Array
from ..core.activations import ALIASES
from ..core.registry import lookup
from .formulas import sigmoid
from .ops import Ops
from .outputs import OUTPUTS, Output, get_output  # noqa: F401 (the output layers, by loss name)


class InPlaceActivation(NamedTuple):
    name: str
    forward: Callable[..., Any]  # (o, Z, zero=0, S=None) -> None, Z := g(Z); S scratch of Z's shape
    backward: Callable[..., Any]  # (o, dA, A, scratch) -> None, dA := dA * g'(Z)


def _relu_forward(o: Ops, Z: Array, zero: int = 0, S: Array | None = None) -> None:
    o.maximum(Z, zero, out=Z)


def _relu_backward(o: Ops, dA: Array, A: Array, scratch: Array) -> None:
    # 1.0 where A > 0 (that is z > 0), else 0.0 (0 at the kink, as core). A comparison with the scalar 0
    # into a float buffer, then one product: 2x faster than NumPy's sign(A) (not vectorized) and the product.
    o.greater(A, 0, out=scratch)
    o.multiply(dA, scratch, out=dA)


def _leaky_relu_forward(o: Ops, Z: Array, zero: int = 0, S: Array | None = None, slope: float = 0.01) -> None:
    # max(z, slope z) equals z for z > 0 and slope z for z < 0 (slope < 1): core's where(Z > 0, Z, slope Z).
    o.maximum(Z, Z * slope, out=Z)


def _leaky_relu_backward(o: Ops, dA: Array, A: Array, scratch: Array, slope: float = 0.01) -> None:
    o.greater(A, 0, out=scratch)  # 1.0 where z > 0 (A > 0 exactly then), else 0.0
    o.multiply(scratch, 1.0 - slope, out=scratch)
    o.add(scratch, slope, out=scratch)  # g'(z) = 1 or slope
    o.multiply(dA, scratch, out=dA)


def _tanh_forward(o: Ops, Z: Array, zero: int = 0, S: Array | None = None) -> None:
    o.tanh(Z, out=Z)


def _tanh_backward(o: Ops, dA: Array, A: Array, scratch: Array) -> None:
    o.multiply(A, A, out=scratch)
    o.subtract(1, scratch, out=scratch)  # g'(z) = 1 - a^2
    o.multiply(dA, scratch, out=dA)


def _sigmoid_forward(o: Ops, Z: Array, zero: int = 0, S: Array | None = None) -> None:
    sigmoid(o, Z, Z, o.empty(Z.shape, Z.dtype) if S is None else S)  # the core's form, never overflows


def _sigmoid_backward(o: Ops, dA: Array, A: Array, scratch: Array) -> None:
    o.subtract(1, A, out=scratch)
    o.multiply(scratch, A, out=scratch)  # g'(z) = a (1 - a)
    o.multiply(dA, scratch, out=dA)


def _identity_forward(o: Ops, Z: Array, zero: int = 0, S: Array | None = None) -> None:
    pass


def _identity_backward(o: Ops, dA: Array, A: Array, scratch: Array) -> None:
    pass  # g'(z) = 1


ACTIVATIONS: dict[str, InPlaceActivation] = {
    "relu": InPlaceActivation("relu", _relu_forward, _relu_backward),
    "leaky_relu": InPlaceActivation("leaky_relu", _leaky_relu_forward, _leaky_relu_backward),
    "tanh": InPlaceActivation("tanh", _tanh_forward, _tanh_backward),
    "sigmoid": InPlaceActivation("sigmoid", _sigmoid_forward, _sigmoid_backward),
    "linear": InPlaceActivation("linear", _identity_forward, _identity_backward),
}
ACTIVATIONS.update({alias: ACTIVATIONS[name] for alias, name in ALIASES.items()})  # the core's one alias table


def get_activation(name: str | InPlaceActivation) -> InPlaceActivation:
    found: InPlaceActivation = lookup(ACTIVATIONS, name, "activation", InPlaceActivation)
    return found

"""The output layer in place: activation of the logits, the cost and dZ[L], on the engine's row layout.

``OUTPUTS`` maps a loss name to an ``Output`` of three kernels on (m, n[L]) C-ordered buffers (the
transposes of the course's (n[L], m) arrays; n[L] is small, 1 to a few dozen columns):

    activate(o, Z, A, ws=None)       A := output activation of the logits Z (``formulas``: the kernels
                                     prediction runs too)
    cost_sum(o, Z, Y, w, ws=None)    sum_i w_i J_i, a 0-d array (w None: all ones)
    delta(o, A, Y, scale, dZ)        dZ := (A - Y) * scale (scale 1/m, or the column w_i / sum(w) (m, 1))

With ``ws`` (the ``Workspace`` of the batch, duck-typed: ``ZT`` (n[L], m), row vectors ``r[k]`` (m,)
with their (m, 1) column views ``rc[k]`` and the output scratch ``S[-1]``) the kernels allocate
nothing, and the softmax keeps its row max and row sum for the cost of the same logits (``cost_sum``
must then follow ``activate`` on the same Z and ``ws``). Without ``ws`` they allocate temporaries
(tests and one-off calls).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from .._typing import Array
from ..core.registry import lookup
from .formulas import sigmoid, softmax
from .ops import Ops


class Output(NamedTuple):
    name: str  # the loss
    activate: Callable[..., Any]  # (o, Z, A, ws=None) -> None: A := output activation of the logits Z
    cost_sum: Callable[..., Any]  # (o, Z, Y, w, ws=None) -> sum_i w_i J_i, a 0-d array (w None: all ones)
    delta: Callable[..., Any]  # (o, A, Y, scale, dZ) -> None: dZ := (A - Y) * scale


def _weighted_sum(o: Ops, per_example: Array, w: Array | None) -> Any:
    # per_example (m,) -> sum_i w_i c_i
    return o.sum(per_example) if w is None else o.dot(per_example, w)


def _bce_cost(o: Ops, Z: Array, Y: Array, w: Array | None, ws: Any = None) -> Any:
    # -[y log a + (1-y) log(1-a)] with a = sigmoid(z) is softplus(z) - y z (core.losses)
    C = o.logaddexp(0, Z)
    C -= Y * Z
    return _weighted_sum(o, o.sum(C, axis=1), w)


def _cce_cost(o: Ops, Z: Array, Y: Array, w: Array | None, ws: Any = None) -> Any:
    if ws is None:
        Zs = Z - o.max(Z, axis=1, keepdims=True)
        Zs -= o.log(o.sum(o.exp(Zs), axis=1, keepdims=True))  # log softmax, by log-sum-exp
        Zs *= Y
        return -_weighted_sum(o, o.sum(Zs, axis=1), w)
    # the row max rc[0] and the row sum of exp(Z - max) r[1] of the softmax of these logits
    T = ws.S[-1]  # (m, n[L])
    o.subtract(Z, ws.rc[0], out=T)
    o.log(ws.r[1], out=ws.r[2])
    o.subtract(T, ws.rc[2], out=T)  # log softmax = Z - max - log sum exp(Z - max)
    o.multiply(T, Y, out=T)
    if w is None:
        return -o.sum(T)
    return -o.dot(o.sum(T, axis=1, out=ws.r[2]), w)


def _mse_cost(o: Ops, Z: Array, Y: Array, w: Array | None, ws: Any = None) -> Any:
    D = Z - Y
    D *= D
    return _weighted_sum(o, o.sum(D, axis=1), w) / 2


def _sigmoid_out(o: Ops, Z: Array, A: Array, ws: Any = None) -> None:
    sigmoid(o, Z, A, o.empty(Z.shape, Z.dtype) if ws is None else ws.S[-1])


def _softmax_out(o: Ops, Z: Array, A: Array, ws: Any = None) -> None:
    if ws is None:
        m, n = Z.shape
        softmax(o, Z, A, o.empty((n, m), Z.dtype), o.empty(m, Z.dtype), o.empty(m, Z.dtype))
        return
    softmax(o, Z, A, ws.ZT, ws.r[0], ws.r[1])  # keeps the row max r[0] and the row sum r[1] for the cost


def _linear_out(o: Ops, Z: Array, A: Array, ws: Any = None) -> None:
    o.copyto(A, Z)


def _delta(o: Ops, A: Array, Y: Array, scale: float, dZ: Array) -> None:
    o.subtract(A, Y, out=dZ)
    o.multiply(dZ, scale, out=dZ)  # scale: 1/m, or the column w_i / sum(w) (m, 1)


OUTPUTS: dict[str, Output] = {
    "binary_crossentropy": Output("binary_crossentropy", _sigmoid_out, _bce_cost, _delta),
    "categorical_crossentropy": Output("categorical_crossentropy", _softmax_out, _cce_cost, _delta),
    "mse": Output("mse", _linear_out, _mse_cost, _delta),
}


def get_output(loss: str | Output) -> Output:
    found: Output = lookup(OUTPUTS, loss, "loss", Output)
    return found

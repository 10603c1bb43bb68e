"""In-place update rules on the flat parameter vector, the formulas of ``layerwise.core.optimizers``.

    gd         theta -= alpha g
    momentum   v = beta v + (1 - beta) g;                   theta -= alpha v
    nesterov   v = beta v + (1 - beta) g;                   theta -= alpha (beta v + (1 - beta) g)
    rmsprop    s = beta s + (1 - beta) g^2;                 theta -= alpha g / (sqrt(s) + eps)
    adam       v = b1 v + (1 - b1) g;  s = b2 s + (1 - b2) g^2;  t += 1
               theta -= alpha (v / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps)
                      = (alpha sqrt(c2) / c1) v / (sqrt(s) + eps sqrt(c2)),  c1 = 1 - b1^t, c2 = 1 - b2^t

``theta`` and ``g`` are the engine's flat vectors (all layers at once); ``step`` may overwrite ``g``.
Each operation is one ufunc pass into a preallocated buffer, in the order the core writes it, so the
engine's steps round as the core's; Adam folds its bias corrections into two scalars (the second form
above, three passes fewer), which changes the rounding at the 1e-16 level. (NumPy ufuncs only:
SciPy's BLAS would bring a second OpenBLAS thread pool that fights NumPy's for the cores.)

``step(theta, g, lr, gain)`` takes ``g`` = gain x the gradient. ``gain(lr)`` is the factor a rule
multiplies the gradient by first (gd: alpha, momentum: 1 - beta, adam: 1 - b1); the engine's backward
pass folds it into the 1/m it applies to dZ[L] anyway, which saves one pass over the parameters per
step. With gain 1 (the default) ``g`` is the plain gradient.

State is exported with ``state_dict``. Buffers live where ``theta`` does: ``ops``
(``layerwise.engine.ops``, NumPy by default) allocates them and runs every pass, so the same rules
update parameters on CuPy.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._typing import Array
from ..core.registry import lookup
from .ops import NUMPY, Ops

BLOCK = 32_768  # elements per block of a multi-pass update: five float64 blocks (1.3 MB) stay in a 2 MB L2


def blocks(ops: Ops, *vectors: Array) -> list[tuple[Array, ...]]:
    """The flat ``vectors`` cut into aligned blocks of ``BLOCK`` elements: [(block of each vector), ...].

    A rule of many passes (Adam: eleven) then runs them all on one block while it sits in the cache,
    instead of streaming the whole parameter vector through memory eleven times. Elementwise IEEE
    operations round the same whichever way the vector is cut, so the result is bitwise the same. On
    NumPy only (a GPU would pay a kernel launch per block).
    """
    n = vectors[0].shape[0]
    if not ops.is_numpy or n <= BLOCK:
        return [vectors]
    return [tuple(x[i : i + BLOCK] for x in vectors) for i in range(0, n, BLOCK)]


class GD:
    name = "gd"

    def __init__(self, size: int, dtype: Any, ops: Ops = NUMPY) -> None:
        self.t = 0
        self.ops = ops

    def gain(self, lr: float) -> float:
        return lr or 1.0  # never 0: a step divides by it

    def step(self, theta: Array, g: Array, lr: float, gain: float = 1.0) -> None:
        o = self.ops
        self.t += 1
        if gain != lr:
            o.multiply(g, lr / gain, out=g)  # alpha g
        o.subtract(theta, g, out=theta)  # theta - alpha g

    def state_dict(self) -> dict[str, Any]:
        return {"t": self.t}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            current = getattr(self, key)
            if hasattr(current, "shape"):
                self.ops.copyto(current, value if hasattr(value, "shape") else np.asarray(value))
            else:
                setattr(self, key, value)


class Momentum(GD):
    name = "momentum"

    def __init__(self, size: int, dtype: Any, beta: float = 0.9, nesterov: bool = False, ops: Ops = NUMPY) -> None:
        super().__init__(size, dtype, ops)
        self.beta, self.nesterov = beta, nesterov
        self.v = ops.zeros(size, dtype)
        self.tmp = ops.empty(size, dtype)

    def gain(self, lr: float) -> float:
        return (1 - self.beta) or 1.0

    def step(self, theta: Array, g: Array, lr: float, gain: float = 1.0) -> None:
        o = self.ops
        self.t += 1
        beta, v, tmp = self.beta, self.v, self.tmp
        v *= beta
        if gain != 1 - beta:
            o.multiply(g, (1 - beta) / gain, out=g)
        v += g  # v = beta v + (1 - beta) g
        if self.nesterov:
            o.multiply(v, beta, out=tmp)
            tmp += g  # look ahead: beta v + (1 - beta) g
            tmp *= lr
        else:
            o.multiply(v, lr, out=tmp)
        o.subtract(theta, tmp, out=theta)

    def state_dict(self) -> dict[str, Any]:
        return {"t": self.t, "v": self.v}


class RMSprop(GD):
    name = "rmsprop"

    def __init__(self, size: int, dtype: Any, beta: float = 0.9, epsilon: float = 1e-8, ops: Ops = NUMPY) -> None:
        super().__init__(size, dtype, ops)
        self.beta, self.epsilon = beta, epsilon
        self.s = ops.zeros(size, dtype)
        self.tmp = ops.empty(size, dtype)

    def gain(self, lr: float) -> float:
        return 1.0

    def step(self, theta: Array, g: Array, lr: float, gain: float = 1.0) -> None:
        o = self.ops
        self.t += 1
        if gain != 1:
            o.divide(g, gain, out=g)
        s, tmp = self.s, self.tmp
        s *= self.beta
        o.multiply(g, 1 - self.beta, out=tmp)
        tmp *= g
        s += tmp  # s = beta s + (1 - beta) g^2
        o.sqrt(s, out=tmp)
        tmp += self.epsilon
        g *= lr
        g /= tmp
        o.subtract(theta, g, out=theta)  # theta - alpha g / (sqrt(s) + eps)

    def state_dict(self) -> dict[str, Any]:
        return {"t": self.t, "s": self.s}


class Adam(GD):
    name = "adam"

    def __init__(
        self, size: int, dtype: Any, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-8, ops: Ops = NUMPY
    ) -> None:
        super().__init__(size, dtype, ops)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.v = ops.zeros(size, dtype)
        self.s = ops.zeros(size, dtype)
        self.tmp = ops.empty(size, dtype)
        self._cut: tuple[Array, Array, list[Any]] | None = None  # (theta, g, their blocks with v, s, tmp)

    def gain(self, lr: float) -> float:
        return (1 - self.beta_1) or 1.0

    def step(self, theta: Array, g: Array, lr: float, gain: float = 1.0) -> None:
        self.t += 1
        b1, b2 = self.beta_1, self.beta_2
        # alpha (v / c1) / (sqrt(s / c2) + eps) = (alpha sqrt(c2) / c1) v / (sqrt(s) + eps sqrt(c2)): the bias
        # corrections c1, c2 folded into two scalars saves three passes, two of them divisions
        r2 = math.sqrt(1 - b2**self.t)
        cut = self._cut
        if cut is None or cut[0] is not theta or cut[1] is not g:  # the views, made once for these vectors
            cut = self._cut = (theta, g, blocks(self.ops, theta, g, self.v, self.s, self.tmp))
        for block in cut[2]:
            self._update(*block, gain, self.epsilon * r2, lr * r2 / (1 - b1**self.t))  # type: ignore[call-arg]

    def _update(
        self, theta: Array, g: Array, v: Array, s: Array, tmp: Array, gain: float, eps: float, scale: float
    ) -> None:
        o, b1, b2 = self.ops, self.beta_1, self.beta_2
        v *= b1
        if gain == 1 - b1:
            v += g  # v = b1 v + (1 - b1) g, the gradient came multiplied by 1 - b1
        else:
            o.multiply(g, (1 - b1) / gain, out=tmp)
            v += tmp  # v = b1 v + (1 - b1) g
        s *= b2
        o.multiply(g, (1 - b2) / (gain * gain), out=tmp)
        tmp *= g
        s += tmp  # s = b2 s + (1 - b2) g^2
        o.sqrt(s, out=tmp)
        tmp += eps
        o.divide(v, tmp, out=g)
        g *= scale
        o.subtract(theta, g, out=theta)  # theta - alpha v_hat / (sqrt(s_hat) + eps)

    def state_dict(self) -> dict[str, Any]:
        return {"t": self.t, "v": self.v, "s": self.s}


OPTIMIZERS = {
    "gd": GD,
    "momentum": Momentum,
    "nesterov": lambda size, dtype, beta=0.9, ops=NUMPY: Momentum(size, dtype, beta, nesterov=True, ops=ops),
    "rmsprop": RMSprop,
    "adam": Adam,
}


def make_optimizer(name: str, size: int, dtype: Any, ops: Ops = NUMPY, **hyperparameters: Any) -> GD:
    """The in-place optimizer ``name`` for a flat vector of ``size`` elements of ``dtype``, on ``ops``'s device.

    Momentum (or Nesterov) with beta 0 is plain gradient descent (v = g, and the look-ahead 0 v + g = g):
    it runs as ``gd``, one pass per step with alpha folded into backward's 1/m, instead of four passes
    and a velocity buffer (scikit-learn's ``solver="sgd", momentum=0``; 24% of a 784-256-256-10 epoch).
    """
    if name in ("momentum", "nesterov") and hyperparameters.get("beta", 0.9) == 0:
        name, hyperparameters = "gd", {}
    found: GD = lookup(OPTIMIZERS, name, "optimizer")(size, dtype, ops=ops, **hyperparameters)
    return found

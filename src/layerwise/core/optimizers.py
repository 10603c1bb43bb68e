"""Update rules as pure ``init`` / ``update`` pairs over explicit state.

Every optimizer is an ``Optimizer(name, init, update)``:

    state = init(params)
    params, state = update(params, grads, state, learning_rate)

``params`` is a tuple of ``LayerParams(W, b)``, ``grads`` the matching tuple of ``LayerGrads(dW, db)``;
neither is mutated. The formulas are the course's (Improving Deep Neural Networks, week 2):

    gradient descent   W = W - alpha dW
    momentum           v = beta v + (1 - beta) dW;                      W = W - alpha v
    nesterov           v = beta v + (1 - beta) dW;                      W = W - alpha (beta v + (1 - beta) dW)
    rmsprop            s = beta s + (1 - beta) dW^2;                    W = W - alpha dW / (sqrt(s) + eps)
    adam               v = b1 v + (1 - b1) dW;  s = b2 s + (1 - b2) dW^2;  t = t + 1
                       W = W - alpha (v / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeAlias

from .._backend import namespace
from .._typing import Array
from .network import LayerGrads, LayerParams
from .registry import lookup

Params: TypeAlias = Sequence[LayerParams]  # one (W[l], b[l]) per layer, l = 1..L
Grads: TypeAlias = Sequence[LayerGrads]  # one (dW[l], db[l]) per layer
NewParams: TypeAlias = tuple[LayerParams, ...]  # what an update returns


class Optimizer(NamedTuple):
    name: str
    init: Callable[[Params], Any]  # params -> state
    update: Callable[
        [Params, Grads, Any, float], tuple[NewParams, Any]
    ]  # (params, grads, state, learning_rate) -> (params, state)


def _zeros(params: Params) -> NewParams:
    return tuple(LayerParams(namespace(p.W).zeros_like(p.W), namespace(p.b).zeros_like(p.b)) for p in params)


def _map(f: Callable[..., Array], *trees: Sequence[Sequence[Array]]) -> NewParams:
    """Apply ``f`` leaf by leaf over tuples of per-layer pairs; returns a tuple of LayerParams."""
    return tuple(LayerParams(*(f(*leaves) for leaves in zip(*layers))) for layers in zip(*trees))


def gd() -> Optimizer:
    """Plain gradient descent, W = W - alpha dW (the course's ``update_parameters``)."""

    def update(params: Params, grads: Grads, state: Any, learning_rate: float) -> tuple[NewParams, Any]:
        return _map(lambda W, dW: W - learning_rate * dW, params, grads), state

    return Optimizer("gd", lambda params: (), update)


def momentum(beta: float = 0.9, nesterov: bool = False) -> Optimizer:
    """Gradient descent with momentum (exponentially weighted average of gradients)."""
    _check_beta("beta", beta)

    def update(params: Params, grads: Grads, v: Any, learning_rate: float) -> tuple[NewParams, Any]:
        v = _map(lambda v_, dW: beta * v_ + (1 - beta) * dW, v, grads)
        step = _map(lambda v_, dW: beta * v_ + (1 - beta) * dW, v, grads) if nesterov else v
        return _map(lambda W, s: W - learning_rate * s, params, step), v

    return Optimizer("nesterov" if nesterov else "momentum", _zeros, update)


def rmsprop(beta: float = 0.9, epsilon: float = 1e-8) -> Optimizer:
    """RMSprop: divide each step by the root of a running mean of squared gradients."""
    _check_beta("beta", beta)

    def update(params: Params, grads: Grads, s: Any, learning_rate: float) -> tuple[NewParams, Any]:
        s = _map(lambda s_, dW: beta * s_ + (1 - beta) * dW * dW, s, grads)
        new = _map(lambda W, dW, s_: W - learning_rate * dW / (namespace(s_).sqrt(s_) + epsilon), params, grads, s)
        return new, s

    return Optimizer("rmsprop", _zeros, update)


def adam(beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-8) -> Optimizer:
    """Adam: momentum and RMSprop with bias correction; state is (t, v, s)."""
    _check_beta("beta_1", beta_1)
    _check_beta("beta_2", beta_2)

    def init(params: Params) -> tuple[int, Params, Params]:
        return (0, _zeros(params), _zeros(params))

    def update(params: Params, grads: Grads, state: Any, learning_rate: float) -> tuple[NewParams, Any]:
        t, v, s = state
        t += 1
        v = _map(lambda v_, dW: beta_1 * v_ + (1 - beta_1) * dW, v, grads)
        s = _map(lambda s_, dW: beta_2 * s_ + (1 - beta_2) * dW * dW, s, grads)
        c1, c2 = 1 - beta_1**t, 1 - beta_2**t

        def step(W: Array, v_: Array, s_: Array) -> Array:
            return W - learning_rate * (v_ / c1) / (namespace(s_).sqrt(s_ / c2) + epsilon)

        return _map(step, params, v, s), (t, v, s)

    return Optimizer("adam", init, update)


def _check_beta(name: str, beta: float) -> None:
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {beta!r}; typical values are 0.9 or 0.999")


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "gd": gd,
    "momentum": momentum,
    "nesterov": lambda beta=0.9: momentum(beta, nesterov=True),
    "rmsprop": rmsprop,
    "adam": adam,
}


def get_optimizer(optimizer: str | Optimizer, **hyperparameters: float) -> Optimizer:
    """The ``Optimizer`` built by the factory named ``optimizer`` (or ``optimizer`` if it is one)."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    found: Optimizer = lookup(OPTIMIZERS, optimizer, "optimizer", Optimizer)(**hyperparameters)
    return found


def update_parameters(params: Params, grads: Grads, learning_rate: float) -> NewParams:
    """One gradient-descent step, W[l] -= alpha dW[l], b[l] -= alpha db[l]; returns new params."""
    return gd().update(params, grads, (), learning_rate)[0]

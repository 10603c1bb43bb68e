"""Numerical gradients by central differences, and the course's relative-error measure.

    gradapprox_i = (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)
    difference   = ||grad - gradapprox||_2 / (||grad||_2 + ||gradapprox||_2)

The course calls a difference below 1e-7 correct. Everything here runs on NumPy host copies in
float64: it is a checking tool, not a training path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._backend import host
from .._typing import Array
from .losses import Loss, get_loss
from .network import LayerParams, compute_cost, model_backward, model_forward


def relative_error(grad: Array, gradapprox: Array) -> float:
    """||grad - gradapprox|| / (||grad|| + ||gradapprox||), 0.0 when both are zero."""
    grad = np.ravel(np.asarray(host(grad), dtype=np.float64))
    gradapprox = np.ravel(np.asarray(host(gradapprox), dtype=np.float64))
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return 0.0 if denominator == 0 else float(np.linalg.norm(grad - gradapprox) / denominator)


def numerical_gradient(f: Callable[[Array], Any], x: Array, eps: float = 1e-7) -> Array:
    """Central-difference gradient of the scalar function ``f`` at the array ``x`` (same shape)."""
    x = np.array(host(x), dtype=np.float64)  # a copy: the caller's array is never changed
    grad = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        old = x[i]
        x[i] = old + eps
        plus = float(f(x))
        x[i] = old - eps
        minus = float(f(x))
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def check_block(
    forward: Callable[..., Any],
    backward: Callable[..., Any],
    inputs: Sequence[Array],
    dout: Array,
    eps: float = 1e-7,
    per_example: Sequence[int] = (0,),
) -> list[float]:
    """Relative error of a block's backward against numerical gradients, one per input.

    ``forward(*inputs) -> (out, cache)``, ``backward(dout, cache) -> gradients of inputs, in order``.
    The scalar checked is J = sum(out * dout) / m, so ``dout`` plays a random upstream gradient on the
    course's per-example scale. The course's blocks return dW = dJ/dW and db = dJ/db, but activation
    gradients such as dA_prev on the per-example scale, m dJ/dA_prev (like dZ = A - Y): the inputs
    listed in ``per_example`` are compared that way.
    """
    inputs = [np.asarray(host(a), dtype=np.float64) for a in inputs]
    dout = np.asarray(host(dout), dtype=np.float64)
    out, cache = forward(*inputs)
    m = out.shape[-1]
    analytic = backward(dout, cache)
    errors = []
    for k, x in enumerate(inputs):

        def f(xk: Array, k: int = k) -> Any:
            args = list(inputs)
            args[k] = xk
            return np.sum(forward(*args)[0] * dout) / m

        scale = m if k in per_example else 1
        errors.append(relative_error(analytic[k], scale * numerical_gradient(f, x, eps)))
    return errors


def check_network(
    X: Array,
    Y: Array,
    params: Sequence[LayerParams],
    activations: str | Sequence[str] = "relu",
    loss: str | Loss = "binary_crossentropy",
    eps: float = 1e-7,
) -> float:
    """Whole-network check: relative error of backprop's gradients over all W[l], b[l] at once."""
    X, Y = np.asarray(host(X), np.float64), np.asarray(host(Y), np.float64)
    params = tuple(LayerParams(np.asarray(host(p.W), np.float64), np.asarray(host(p.b), np.float64)) for p in params)
    loss = get_loss(loss)
    AL, caches = model_forward(X, params, activations, loss)
    grads = model_backward(AL, Y, caches, activations, loss)

    def cost(ps: Sequence[LayerParams]) -> float:
        found: float = compute_cost(model_forward(X, ps, activations, loss)[1], Y, loss)
        return found

    analytic, approx = [], []
    for l, (p, g) in enumerate(zip(params, grads)):
        for field, dfield in (("W", g.dW), ("b", g.db)):

            def f(value: Array, l: int = l, field: str = field) -> float:
                ps = list(params)
                ps[l] = ps[l]._replace(**{field: value})
                return cost(tuple(ps))

            analytic.append(np.ravel(dfield))
            approx.append(np.ravel(numerical_gradient(f, getattr(p, field), eps)))
    return relative_error(np.concatenate(analytic), np.concatenate(approx))

"""Full-batch training: the course's ``L_layer_model`` loop, a few lines over the blocks."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from .._typing import Array
from .initializers import check_layer_dims
from .losses import Loss, get_loss
from .network import LayerParams, check_finite, compute_cost, init_params, model_backward, model_forward
from .optimizers import get_optimizer


def check_learning_rate(learning_rate: float) -> None:
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) or not learning_rate > 0:
        raise ValueError(
            f"learning_rate must be a positive number, got {learning_rate!r}; the course uses values such as 0.0075"
        )
    if not math.isfinite(learning_rate):
        raise ValueError(f"learning_rate must be finite, got {learning_rate!r}")


def train(
    X: Array,
    Y: Array,
    layer_dims: Sequence[int],
    activations: Any = "relu",
    loss: str | Loss = "binary_crossentropy",
    learning_rate: float = 0.0075,
    num_iterations: int = 3000,
    init: str = "xavier",
    random_state: Any = None,
    params: Sequence[LayerParams] | None = None,
    optimizer: str = "gd",
    print_every: int | None = None,
    print_fn: Callable[[str], object] = print,
) -> tuple[Sequence[LayerParams], list[float]]:
    """Full-batch training. X (n[0], m), Y (n[L], m) -> (params, costs).

    ``costs[i]`` is the cost of the forward pass before update i (the course records it this way).
    ``params`` starts from given parameters instead of drawing them. ``print_every=k`` prints the cost
    every k iterations, as ``Cost after iteration i: J``. A non-finite cost raises ``ValueError``
    naming the iteration; the parameters returned by earlier iterations are never touched.
    """
    layer_dims = check_layer_dims(layer_dims)
    check_learning_rate(learning_rate)
    if isinstance(num_iterations, bool) or not isinstance(num_iterations, int) or num_iterations < 0:
        raise ValueError(f"num_iterations must be a non-negative integer, got {num_iterations!r}")
    loss = get_loss(loss)
    check_finite("X", X)
    check_finite("Y", Y)
    loss.check_targets(Y)
    if X.shape[0] != layer_dims[0]:
        raise ValueError(f"X has {X.shape[0]} rows (features) but layer_dims[0] = n_x = {layer_dims[0]}")
    if params is None:
        params = init_params(layer_dims, init, random_state, like_array=X)
    opt = get_optimizer(optimizer)
    state = opt.init(params)
    costs = []
    for i in range(num_iterations):
        AL, caches = model_forward(X, params, activations, loss)
        J = float(compute_cost(caches, Y, loss))  # host sync: the cost is recorded every iteration
        if not math.isfinite(J):
            raise ValueError(
                f"the cost became {J} at iteration {i}; the learning rate ({learning_rate}) is probably too "
                "large or the features are not scaled: try a smaller learning rate or standardize X"
            )
        costs.append(J)
        if print_every and i % print_every == 0:
            print_fn(f"Cost after iteration {i}: {J}")
        grads = model_backward(AL, Y, caches, activations, loss)
        params, state = opt.update(params, grads, state, learning_rate)
    return params, costs

"""Weight initializers by name; biases always start at zero.

An initializer is ``Initializer(name, scale)`` with ``scale(n_prev) -> float``:
``W[l] = standard_normal((n[l], n[l-1])) * scale(n[l-1])``.

Randomness is an argument: an integer ``random_state`` means NumPy's legacy ``RandomState(seed)``,
and the layers are drawn in order l = 1..L, exactly what the course's ``np.random.seed(s)`` followed by
``np.random.randn(n[l], n[l-1])`` draws. Draws happen on the host (NumPy) and are moved to the
device afterwards, so every backend starts from bitwise the same weights.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from .._typing import FloatArray
from .registry import lookup


class Initializer(NamedTuple):
    name: str
    scale: Callable[[int], float]  # n_prev -> float; 0.0 means zeros (no draw)


INITIALIZERS: dict[str, Initializer] = {
    "zeros": Initializer("zeros", lambda n_prev: 0.0),
    "random": Initializer("random", lambda n_prev: 0.01),
    "xavier": Initializer("xavier", lambda n_prev: math.sqrt(1.0 / n_prev)),
    "he": Initializer("he", lambda n_prev: math.sqrt(2.0 / n_prev)),
}


def check_random_state(seed: Any) -> np.random.RandomState:
    """scikit-learn's rule, without importing it (the core needs NumPy only): None -> NumPy's global
    RandomState, an int -> RandomState(seed), a RandomState -> itself."""
    if seed is None or seed is np.random:
        return np.random.mtrand._rand
    if isinstance(seed, numbers.Integral):
        return np.random.RandomState(int(seed))
    if isinstance(seed, np.random.RandomState):
        return seed
    raise ValueError(f"{seed!r} cannot be used to seed a numpy.random.RandomState instance")


def get_initializer(init: str | Initializer) -> Initializer:
    """The ``Initializer`` named ``init`` (or ``init`` itself if it is one)."""
    found: Initializer = lookup(INITIALIZERS, init, "initializer", Initializer)
    return found


def draw_weights(
    layer_dims: Sequence[int], init: str | Initializer = "random", random_state: Any = None, dtype: Any = np.float64
) -> list[tuple[FloatArray, FloatArray]]:
    """Host (NumPy) weights and zero biases, layer by layer.

    layer_dims [n[0], ..., n[L]] -> [(W[l] (n[l], n[l-1]), b[l] (n[l], 1)) for l = 1..L]
    ``init`` is one name for all layers or a sequence of L names.
    """
    layer_dims = check_layer_dims(layer_dims)
    L = len(layer_dims) - 1
    inits = [init] * L if isinstance(init, (str, Initializer)) else list(init)
    if len(inits) != L:
        raise ValueError(f"expected one initializer or {L} (one per layer), got {len(inits)}")
    rng = check_random_state(random_state)
    layers = []
    for l in range(1, L + 1):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        scale = get_initializer(inits[l - 1]).scale(n_prev)
        if scale == 0.0:
            W = np.zeros((n, n_prev))
        else:
            W = rng.standard_normal((n, n_prev)) * scale  # same stream as np.random.randn(n, n_prev)
        layers.append((W.astype(dtype, copy=False), np.zeros((n, 1), dtype=dtype)))
    return layers


def check_layer_dims(layer_dims: Sequence[int]) -> list[int]:
    """``layer_dims`` as a list of positive ints, at least [n_x, n_y]; ValueError otherwise."""
    dims = list(layer_dims)
    if len(dims) < 2:
        raise ValueError(f"layer_dims needs at least [n_x, n_y], got {dims!r}")
    for l, n in enumerate(dims):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(
                f"layer size n[{l}] must be a positive integer, got {n!r}; give every layer at least one unit"
            )
    return [int(n) for n in dims]

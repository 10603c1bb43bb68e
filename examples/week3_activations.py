"""Week 3: activation functions and their derivatives, and why a network needs a non-linear one.

Plots g(z) and g'(z) for sigmoid, tanh, ReLU and leaky ReLU, straight from ``core.ACTIVATIONS``
(each entry holds a function and its derivative), and checks every derivative against a central
difference (g(z + h) - g(z - h)) / 2h.

Then shows numerically that a network whose hidden layers use the linear activation g(z) = z is one
linear model: with W = W[3] W[2] W[1] and b = W[3] (W[2] b[1] + b[2]) + b[3], the network's
Z[3] equals W X + b for every input. Depth buys nothing without a non-linearity.

    python examples/week3_activations.py [--quick] [--out-dir DIR]
"""

from __future__ import annotations

import _common
import numpy as np

NAMES = ("sigmoid", "tanh", "relu", "leaky_relu")


def derivative_errors(z, h=1e-6):
    """max |g'(z) - central difference| for each activation, away from ReLU's kink at 0."""
    from layerwise.core import ACTIVATIONS

    out = {}
    for name in NAMES:
        g = ACTIVATIONS[name]
        numeric = (g.forward(z + h) - g.forward(z - h)) / (2 * h)
        out[name] = float(np.max(np.abs(g.derivative(z) - numeric)))
    return out


def linear_network_gap(layer_dims, m, activation="linear", random_state=0):
    """max |Z[L] of a linear-activation network - (W X + b) of the composed linear model|, and W's shape."""
    from layerwise import core

    rng = np.random.RandomState(random_state)
    params = core.init_params(layer_dims, "xavier", random_state)
    params = tuple(core.LayerParams(p.W, rng.randn(*p.b.shape)) for p in params)  # non-zero biases
    X = rng.randn(layer_dims[0], m)  # (n_x, m)
    ZL = core.model_forward(X, params, activation, "mse")[0]  # mse's output activation is linear: AL = Z[L]
    W, b = np.eye(layer_dims[0]), np.zeros((layer_dims[0], 1))
    for p in params:  # compose: W X + b -> W[l] (W X + b) + b[l]
        W, b = p.W @ W, p.W @ b + p.b
    return float(np.max(np.abs(ZL - (W @ X + b)))), W.shape


def main(argv=None):
    from layerwise.core import ACTIVATIONS

    args = _common.parser("week3_activations", __doc__.splitlines()[0]).parse_args(argv)
    z = np.linspace(-5, 5, 1001 if args.quick else 10001)
    z_away = z[np.abs(z) > 1e-3]  # the ReLU family has no derivative at 0
    for name, err in derivative_errors(z_away).items():
        print(f"{name:>10}: max |g'(z) - central difference| on [-5, 5] = {err:.2e}")

    fig, axes = _common.new_figure(2, 4, figsize=(9.0, 4.2), sharex=True)
    for col, name in enumerate(NAMES):
        g = ACTIVATIONS[name]
        axes[0, col].plot(z, g.forward(z), color="tab:blue")
        axes[0, col].set_title(f"{name}: g(z)", fontsize=9)
        axes[1, col].plot(z, g.derivative(z), color="tab:orange")
        axes[1, col].set_title("g'(z)", fontsize=9)
        axes[1, col].set_xlabel("z")
        for ax in axes[:, col]:
            ax.axhline(0, color="grey", lw=0.5)
            ax.axvline(0, color="grey", lw=0.5)
    _common.save(fig, args, "activations.png")

    layer_dims = [5, 8, 6, 3]
    gap, shape = linear_network_gap(layer_dims, m=10 if args.quick else 1000)
    print(
        f"a network {layer_dims} with linear activations against the single linear model W X + b, "
        f"W = W3 W2 W1 of shape {shape}: max |difference| = {gap:.2e}"
    )
    print("so with linear activations the hidden layers add nothing: the network is one linear model")
    gap_tanh, _ = linear_network_gap(layer_dims, m=10 if args.quick else 1000, activation="tanh")
    print(f"the same weights with tanh hidden layers: max |difference| = {gap_tanh:.2e} (no longer linear)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Week 3: random initialization. Zeros keep the hidden units identical; too-large weights saturate.

1. Symmetry. With every weight zero, all hidden units compute the same function, receive the same
   gradient and stay identical however long they train: the hidden layer is worth one unit. (With tanh
   even that unit is stuck at tanh(0) = 0.) Small random weights (x 0.01, the course's choice) break the
   symmetry. Shown on the flower data, 4 hidden units, learning rate 1.2.
2. Scale. Weights that are too large make |z| large, where tanh and sigmoid are flat: g'(z) is nearly 0,
   the gradients vanish and gradient descent crawls. Shown by scaling W[1] by 0.01, 1, 10 and 100
   (W[2] stays x 0.01 so that every run starts from the same cost).

    python examples/week3_initialization.py [--quick] [--out-dir DIR]
"""

from __future__ import annotations

import _common
import numpy as np

SCALES = (0.01, 1.0, 10.0, 100.0)


def spread(params):
    """max |row j - row 0| of W[1] and |W[2][0, j] - W[2][0, 0]| over the hidden units j."""
    W1, W2 = params[0].W, params[1].W
    return float(max(np.max(np.abs(W1 - W1[:1])), np.max(np.abs(W2 - W2[:, :1]))))


def symmetry(X, Y, iterations):
    from layerwise import core

    for activation in ("tanh", "sigmoid"):
        for init, seed in (("zeros", None), ("random", 2)):
            params, costs = core.train(X, Y, [2, 4, 1], activation, "binary_crossentropy", 1.2, iterations, init, seed)
            acc = float(np.mean(core.predict(X, params, activation) == Y))
            print(
                f"  {activation:>7} hidden units, {init:>6} init: hidden units differ by at most "
                f"{spread(params):.3g}, cost {costs[-1]:.4f}, accuracy {100 * acc:.2f} %"
            )


def saturation(X, Y, iterations, args):
    from layerwise import core

    fig, axes = _common.new_figure(1, 2, figsize=(8.0, 3.4), sharey=True)
    for ax, activation in zip(axes, ("tanh", "sigmoid")):
        g = core.get_activation(activation)
        for scale in SCALES:
            big = core.Initializer(f"x{scale}", lambda n_prev, s=scale: s)
            params0 = core.init_params([2, 4, 1], [big, "random"], random_state=2)
            Z1 = params0[0].W @ X + params0[0].b  # (4, m)
            flat = float(np.mean(g.derivative(Z1) < 0.01 * g.derivative(np.zeros(1))[0]))
            params, costs = core.train(
                X, Y, [2, 4, 1], activation, "binary_crossentropy", 1.2, iterations, params=params0
            )
            acc = float(np.mean(core.predict(X, params, activation) == Y))
            print(
                f"  {activation:>7}, W[1] x {scale:<6}: {100 * flat:5.1f} % of hidden units saturated "
                f"(g'(z) < 1 % of g'(0)); cost {costs[0]:.4f} -> {costs[-1]:.4f}; accuracy {100 * acc:.2f} %"
            )
            ax.plot(costs, label=f"W[1] x {scale}")
        ax.set(title=f"{activation} hidden layer", xlabel="iteration", ylabel="cost J")
        ax.legend(fontsize=8)
    _common.save(fig, args, "weight_scale.png")


def main(argv=None):
    from layerwise.datasets import make_flower

    args = _common.parser("week3_initialization", __doc__.splitlines()[0]).parse_args(argv)
    X, Y = make_flower(layout="course")  # X (2, 400), Y (1, 400)
    iterations = 500 if args.quick else 3000
    print(f"symmetry: [2, 4, 1] network on the flower data, {iterations} iterations")
    symmetry(X, Y, iterations)
    print(f"scale: too-large weights saturate tanh and sigmoid, {iterations} iterations")
    saturation(X, Y, iterations, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

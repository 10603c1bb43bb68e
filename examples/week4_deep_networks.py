"""Week 4: deep networks on the cat images, the two-layer and the L-layer model, with every layer's shapes.

The course's application notebook: LINEAR->RELU->LINEAR->SIGMOID with 7 hidden units
(``course.two_layer_model``, weights x 0.01) and the 4-layer [12288, 20, 7, 5, 1] network
(``course.L_layer_model``, weights / sqrt(n[l-1])), learning rate 0.0075, 2500 iterations, seed 1.
The course reports: two-layer train 1.0 and test 0.72; L-layer train 0.9856 and test 0.80. Its first
printed costs are 0.6930497356599888 and 0.7717493284237686 (iteration 0), 0.6464320953428849 and
0.6720534400822914 (iteration 100).

    python examples/week4_deep_networks.py [--quick] [--out-dir DIR] [--data-dir DIR]
"""

from __future__ import annotations

import _common
import numpy as np

MODELS = {  # name: (course function, layer_dims)
    "two-layer": ("two_layer_model", [12288, 7, 1]),
    "L-layer": ("L_layer_model", [12288, 20, 7, 5, 1]),
}


def dimension_table(layer_dims, m):
    """One row per layer l = 1..L: the shapes of W[l], b[l], Z[l] = A[l] and the parameter count."""
    rows = [
        f"    {'layer':<7}{'W[l]':>14}{'b[l]':>10}{'Z[l], A[l]':>14}{'parameters':>12}",
        f"    {'0 (X)':<7}{'':>14}{'':>10}{(layer_dims[0], m)!s:>14}{'':>12}",
    ]
    for l in range(1, len(layer_dims)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        rows.append(f"    {l:<7}{(n, n_prev)!s:>14}{(n, 1)!s:>10}{(n, m)!s:>14}{n * n_prev + n:>12}")
    return "\n".join(rows)


def accuracy(X, Y, parameters):
    from layerwise import core, course

    return float(np.mean(core.predict(X, course.to_params(parameters), "relu") == Y))


def main(argv=None):
    args = _common.parser("week4_deep_networks", __doc__.splitlines()[0], cats=True).parse_args(argv)
    data = _common.load_cats(args.data_dir)  # X (12288, 209), Y (1, 209)
    from layerwise.course import week4

    iterations = 101 if args.quick else 2500
    fig, ax = _common.new_figure()
    for name, (function, layer_dims) in MODELS.items():
        print(f"{name} model {layer_dims}, m = {data.X_train.shape[1]}:")
        print(dimension_table(layer_dims, data.X_train.shape[1]))
        parameters, costs = getattr(week4, function)(
            data.X_train, data.y_train, layer_dims, learning_rate=0.0075, num_iterations=iterations
        )
        for i, cost in enumerate(costs):
            if i in (0, 1) or i == len(costs) - 1:
                print(f"  cost after iteration {100 * i}: {float(cost)!r}")
        tr, te = accuracy(data.X_train, data.y_train, parameters), accuracy(data.X_test, data.y_test, parameters)
        print(f"  {iterations} iterations: train accuracy {tr:.4f}, test accuracy {te:.4f}")
        ax.plot(np.arange(len(costs)) * 100, costs, label=f"{name} {layer_dims}")
    ax.set(xlabel="iteration", ylabel="cost J", title="Cat images, learning rate 0.0075")
    ax.legend()
    _common.save(fig, args, "deep_costs.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

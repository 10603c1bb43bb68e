"""Week 4: parameters against hyperparameters, and a small search over two hyperparameters.

Parameters are what gradient descent learns: W[1], b[1], ..., W[L], b[L]. Hyperparameters are what we
choose before it starts and what decides the parameters it ends with: the learning rate alpha, the number
of iterations, the number of layers L and of hidden units n[l], the activations, the initialization.
The course's advice: try values, look at a dev set, iterate. Here: a grid over the learning rate and the
hidden layer size on the flower data, training on 300 points and scoring on 100 held-out points.

    python examples/week4_hyperparameters.py [--quick] [--out-dir DIR]
"""

from __future__ import annotations

import _common
import numpy as np

LEARNING_RATES = (0.01, 0.1, 0.5, 1.2, 5.0)
HIDDEN_UNITS = (1, 2, 4, 8, 20)


def split(X, Y, n_dev, random_state=0):
    """A fixed random split of the columns into train and dev sets."""
    order = np.random.RandomState(random_state).permutation(X.shape[1])
    dev, train = order[:n_dev], order[n_dev:]
    return X[:, train], Y[:, train], X[:, dev], Y[:, dev]


def main(argv=None):
    from layerwise import core
    from layerwise.datasets import make_flower

    args = _common.parser("week4_hyperparameters", __doc__.splitlines()[0]).parse_args(argv)
    X, Y = make_flower(layout="course")  # X (2, 400), Y (1, 400)
    X_train, Y_train, X_dev, Y_dev = split(X, Y, n_dev=100)
    iterations = 300 if args.quick else 3000
    rates = LEARNING_RATES[1:4] if args.quick else LEARNING_RATES
    sizes = HIDDEN_UNITS[1:4] if args.quick else HIDDEN_UNITS
    fixed = {
        "iterations": iterations,
        "layers": "1 hidden",
        "activation": "tanh",
        "init": "random (x 0.01)",
        "random_state": 2,
    }
    print("hyperparameters held fixed: " + ", ".join(f"{k} = {v}" for k, v in fixed.items()))
    print(
        f"searched: learning rate in {list(rates)} x hidden units in {list(sizes)}; "
        f"train m = {X_train.shape[1]}, dev m = {X_dev.shape[1]}"
    )

    scores = np.full((len(rates), len(sizes)), np.nan)
    for i, lr in enumerate(rates):
        for j, n_h in enumerate(sizes):
            try:
                params, costs = core.train(
                    X_train, Y_train, [2, n_h, 1], "tanh", "binary_crossentropy", lr, iterations, "random", 2
                )
            except ValueError as exc:  # the cost became inf or nan: this learning rate is too large
                print(f"  learning rate {lr:<5} hidden units {n_h:>2}: diverged ({exc})")
                continue
            scores[i, j] = float(np.mean(core.predict(X_dev, params, "tanh") == Y_dev))
            train_acc = float(np.mean(core.predict(X_train, params, "tanh") == Y_train))
            print(
                f"  learning rate {lr:<5} hidden units {n_h:>2}: final cost {costs[-1]:.4f}, train accuracy "
                f"{100 * train_acc:6.2f} %, dev accuracy {100 * scores[i, j]:6.2f} %"
            )

    i, j = np.unravel_index(np.nanargmax(scores), scores.shape)
    best_lr, best_n_h = rates[i], sizes[j]
    print(
        f"best on the dev set: learning rate {best_lr}, {best_n_h} hidden units, dev accuracy "
        f"{100 * scores[i, j]:.2f} %"
    )
    params, _ = core.train(
        X_train, Y_train, [2, best_n_h, 1], "tanh", "binary_crossentropy", best_lr, iterations, "random", 2
    )
    shapes = ", ".join(f"W{l} {p.W.shape}, b{l} {p.b.shape}" for l, p in enumerate(params, start=1))
    count = sum(p.W.size + p.b.size for p in params)
    print(f"its parameters, learned by gradient descent: {shapes}: {count} numbers")

    fig, ax = _common.new_figure(figsize=(5.6, 4.0))
    image = ax.imshow(100 * scores, cmap="viridis", origin="lower", aspect="auto")
    ax.set_xticks(range(len(sizes)), [str(s) for s in sizes])
    ax.set_yticks(range(len(rates)), [str(r) for r in rates])
    for (a, b), v in np.ndenumerate(scores):
        ax.text(b, a, "diverged" if np.isnan(v) else f"{100 * v:.0f}", ha="center", va="center", color="w", fontsize=8)
    ax.set(xlabel="hidden units n[1]", ylabel="learning rate alpha", title="dev accuracy (%)")
    fig.colorbar(image, ax=ax)
    _common.save(fig, args, "search.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

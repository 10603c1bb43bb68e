"""Week 2: logistic regression as a neural network, on the course's cat images.

One sigmoid unit, weights initialized to zero, trained by gradient descent (``layerwise.course.week2.optimize``,
the notebook's ``optimize``). The course reports 99% train and 70% test accuracy after 2000 iterations
at learning rate 0.005, then compares the learning rates 0.01, 0.001 and 0.0001 (1500 iterations each):
too large and the cost oscillates, too small and it barely moves.

    python examples/week2_logistic_regression.py [--quick] [--out-dir DIR] [--data-dir DIR]
"""

from __future__ import annotations

import _common
import numpy as np


def accuracy(w, b, X, Y):
    from layerwise.course import week2

    return float(np.mean(week2.predict(w, b, X) == Y))


def fit(data, learning_rate, num_iterations):
    from layerwise.course import week2

    w, b = week2.initialize_with_zeros(data.X_train.shape[0])
    params, _, costs = week2.optimize(w, b, data.X_train, data.y_train, num_iterations, learning_rate)
    return params, costs


def main(argv=None):
    args = _common.parser("week2_logistic_regression", __doc__.splitlines()[0], cats=True).parse_args(argv)
    data = _common.load_cats(args.data_dir)  # X (12288, 209), Y (1, 209)
    n_x, m = data.X_train.shape
    print(
        f"cat images: n_x = {n_x} features (64 x 64 x 3 pixels / 255), m_train = {m}, m_test = {data.X_test.shape[1]}"
    )
    iterations = 101 if args.quick else 2000
    params, costs = fit(data, 0.005, iterations)
    train_acc = accuracy(params["w"], params["b"], data.X_train, data.y_train)
    test_acc = accuracy(params["w"], params["b"], data.X_test, data.y_test)
    print(f"learning rate 0.005, {iterations} iterations: cost {costs[-1]:.6f} (at iteration {100 * (len(costs) - 1)})")
    print(
        f"train accuracy: {100 * train_acc:.2f} %   test accuracy: {100 * test_acc:.2f} %"
        + ("   (course: 99.04 % / 70.00 %)" if iterations == 2000 else "")
    )

    study_iterations = 101 if args.quick else 1500
    fig, ax = _common.new_figure()
    print(f"learning-rate study, {study_iterations} iterations each:")
    for lr in (0.01, 0.001, 0.0001):
        p, c = fit(data, lr, study_iterations)
        tr, te = (
            accuracy(p["w"], p["b"], data.X_train, data.y_train),
            accuracy(p["w"], p["b"], data.X_test, data.y_test),
        )
        print(f"  learning rate {lr:<7}: final cost {c[-1]:.6f}  train {100 * tr:.2f} %  test {100 * te:.2f} %")
        ax.plot(np.arange(len(c)) * 100, c, label=f"learning rate {lr}")
    ax.set(xlabel="iteration", ylabel="cost J", title="Logistic regression on cat images")
    ax.legend()
    _common.save(fig, args, "learning_rates.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Week 4: why deep? n-bit parity (the XOR of n inputs), deep and narrow against shallow and wide.

The lecture's circuit-theory argument: a tree of XOR gates computes the parity of n bits with O(n) gates
in O(log n) layers, while one layer that lists every input pattern with odd parity needs 2^(n-1) units.
Part 1 builds both networks by hand from ReLU units (an XOR gate is two units:
XOR(a, b) = relu(a + b) - 2 relu(a + b - 1)) and checks them on all 2^n inputs. It also builds a third,
shallow network of n "counting" units relu(sum(x) - k): with real-valued units one wide layer can be
cheap too, so the exponential gap is a statement about logic gates, not about every shallow network.

Part 2 trains networks (tanh, Adam, every 2^n input) and searches the narrowest width that reaches
100 % accuracy for one hidden layer and for ceil(log2 n) hidden layers, as n grows.

    python examples/week4_why_deep.py [--quick] [--out-dir DIR]
"""

from __future__ import annotations

import itertools
import math

import _common
import numpy as np

BIG = 10.0  # output scale: sigmoid(BIG * (parity - 1/2)) is 0.007 or 0.993


def truth_table(n):
    """Every n-bit input as a column, X (n, 2^n), and its parity Y (1, 2^n)."""
    X = np.array(list(itertools.product([0.0, 1.0], repeat=n))).T
    return X, X.sum(axis=0, keepdims=True) % 2


def _output_layer(M):
    """The sigmoid output unit from M (1, k), the map from the last hidden layer to the parity value."""
    from layerwise.core import LayerParams

    return LayerParams(BIG * M, np.array([[-BIG / 2]]))


def xor_tree(n):
    """A deep ReLU network: one hidden layer per level of a tree of XOR gates. Returns its parameters."""
    from layerwise.core import LayerParams

    params, M = [], np.eye(n)  # M: hidden units of the layer below -> the signals of this level
    while M.shape[0] > 1:
        k = M.shape[0]
        P, c, out = [], [], []  # pre-activations = P @ signals + c; next signals = out @ hidden units
        for i in range(0, k - 1, 2):  # a gate on signals i, i+1: units relu(a + b) and relu(a + b - 1)
            P += [np.eye(k)[i] + np.eye(k)[i + 1]] * 2
            c += [0.0, -1.0]
            out.append((len(P) - 2, [1.0, -2.0]))
        if k % 2:  # an odd signal out is carried up unchanged: relu(s) = s for s in {0, 1}
            P.append(np.eye(k)[k - 1])
            c.append(0.0)
            out.append((len(P) - 1, [1.0]))
        P = np.array(P)  # (units, k)
        params.append(LayerParams(P @ M, np.array(c).reshape(-1, 1) + 0.0))
        M = np.zeros((len(out), len(P)))
        for row, (start, coef) in enumerate(out):
            M[row, start : start + len(coef)] = coef
    return tuple(params) + (_output_layer(M),)


def pattern_list(n):
    """One hidden layer with a unit per odd-parity input pattern p: relu((2p - 1) . x - (|p| - 1)) is 1 at
    x = p and 0 elsewhere. 2^(n-1) units."""
    from layerwise.core import LayerParams

    patterns = np.array([p for p in itertools.product([0.0, 1.0], repeat=n) if sum(p) % 2])  # (2^(n-1), n)
    W = 2 * patterns - 1
    b = -(patterns.sum(axis=1, keepdims=True) - 1)
    return (LayerParams(W, b), _output_layer(np.ones((1, len(patterns)))))


def counting(n):
    """One hidden layer of n units h_k = relu(sum(x) - (k - 1)); parity = h_1 - 2 h_2 + 2 h_3 - ..."""
    from layerwise.core import LayerParams

    W = np.ones((n, n))
    b = -np.arange(n, dtype=float).reshape(-1, 1)
    coef = np.array([[1.0] + [2.0 * (-1) ** k for k in range(1, n)]])  # (1, n)
    return (LayerParams(W, b), _output_layer(coef))


def accuracy(params, X, Y, activation="relu"):
    from layerwise import core

    return float(np.mean(core.predict(X, params, activation) == Y))


def narrowest(n, depth, widths, seeds, iterations):
    """The narrowest width w (hidden layers [w] * depth) that learns n-bit parity exactly, or None."""
    from layerwise import core

    X, Y = truth_table(n)
    for w in widths:
        for seed in range(seeds):
            params, _ = core.train(
                X,
                Y,
                [n] + [w] * depth + [1],
                "tanh",
                "binary_crossentropy",
                0.05,
                iterations,
                "xavier",
                seed,
                optimizer="adam",
            )
            if accuracy(params, X, Y, "tanh") == 1.0:
                return w
    return None


def main(argv=None):
    args = _common.parser("week4_why_deep", __doc__.splitlines()[0]).parse_args(argv)
    ns = range(2, 6) if args.quick else range(2, 11)
    print("part 1, built by hand (hidden units, hidden layers, accuracy on all 2^n inputs):")
    print(f"  {'n':>3}  {'XOR tree (deep)':>22}  {'pattern list (shallow)':>24}  {'counting (shallow)':>22}")
    built = {"XOR tree": [], "pattern list": [], "counting": []}
    for n in ns:
        X, Y = truth_table(n)
        cells = []
        for name, build in (("XOR tree", xor_tree), ("pattern list", pattern_list), ("counting", counting)):
            params = build(n)
            units = sum(p.W.shape[0] for p in params[:-1])
            built[name].append(units)
            cells.append(f"{units:>5} units {len(params) - 1:>2} layers {100 * accuracy(params, X, Y):3.0f} %")
        print(f"  {n:>3}  " + "  ".join(f"{c:>22}" for c in cells))

    learn_ns = range(2, 4) if args.quick else range(2, 8)
    seeds, iterations = (2, 1000) if args.quick else (3, 2000)
    print(
        f"part 2, learned (tanh, Adam 0.05, {iterations} iterations, {seeds} seeds): narrowest width that reaches 100 %"
    )
    learned = {"shallow": [], "deep": []}
    for n in learn_ns:
        depth = max(1, math.ceil(math.log2(n)))
        w_shallow = narrowest(n, 1, range(1, 2 * n + 3), seeds, iterations)
        w_deep = narrowest(n, depth, range(1, 2 * n + 3), seeds, iterations)
        learned["shallow"].append(w_shallow)
        learned["deep"].append(None if w_deep is None else w_deep * depth)
        print(
            f"  n = {n}: one hidden layer needs width {w_shallow}; {depth} hidden layers need width {w_deep} "
            f"({None if w_deep is None else w_deep * depth} units)"
        )

    fig, axes = _common.new_figure(1, 2, figsize=(8.0, 3.4))
    for name, units in built.items():
        axes[0].plot(list(ns), units, marker="o", label=name)
    axes[0].set_yscale("log", base=2)
    axes[0].set(xlabel="n (bits)", ylabel="hidden units", title="built by hand")
    for name, units in learned.items():
        axes[1].plot(
            list(learn_ns), [np.nan if u is None else u for u in units], marker="o", label=f"{name} (total units)"
        )
    axes[1].set(xlabel="n (bits)", ylabel="hidden units", title="learned: smallest that fits")
    for ax in axes:
        ax.legend(fontsize=8)
    _common.save(fig, args, "parity_units.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

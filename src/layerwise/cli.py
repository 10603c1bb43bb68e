"""The ``layerwise`` command: a thin layer over the public API. ``main(argv) -> exit code``."""
from __future__ import annotations

import argparse
import sys

import numpy as np


def _demo(args):
    from . import core
    from .datasets import make_flower

    X, Y = make_flower(layout="course")  # X (2, 400), Y (1, 400)
    print("The planar flower data: 400 points, 2 features, 2 classes.")
    print("One hidden layer of 4 tanh units, learning rate 1.2, 10000 iterations:")
    params, _ = core.train(X, Y, [2, 4, 1], "tanh", "binary_crossentropy", 1.2, 10000, "random", 2,
                           print_every=1000)
    accuracy = float(np.mean(core.predict(X, params, "tanh") == Y))
    print(f"Accuracy of the hidden-layer network: {accuracy:.1%}")
    params, _ = core.train(X, Y, [2, 1], (), "binary_crossentropy", 1.2, 10000, "zeros", None)
    accuracy_lr = float(np.mean(core.predict(X, params) == Y))
    print(f"Accuracy of logistic regression:      {accuracy_lr:.1%} (a straight line cannot separate the petals)")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="layerwise", description="Fully connected neural networks.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="train the course's flower network and show why the hidden layer matters")
    demo.set_defaults(func=_demo)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

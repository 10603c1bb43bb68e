"""Option value types shared by the command lines: each rejects a bad value saying what it expected."""
from __future__ import annotations

import argparse
import math


def _parse(text, cast, ok, expected):
    try:
        value = cast(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_int(text):
    return _parse(text, int, lambda v: v >= 1, "a positive integer")


def positive_float(text):
    return _parse(text, float, lambda v: 0 < v < math.inf, "a positive number")


def fraction(text):
    return _parse(text, float, lambda v: 0 <= v < 1, "a fraction in [0, 1)")


def open_fraction(text):
    return _parse(text, float, lambda v: 0 < v < 1, "a fraction in (0, 1)")

"""The playground's one settings schema: it validates every setting a page sends, and the page builds
its form and its URL from it (served as JSON), as TensorFlow Playground's ``state.ts`` does.

A setting is a ``Field``; ``parse(raw)`` turns the page's JSON object into checked values or raises
``ValueError`` with one sentence naming the setting, what came and what is allowed. Lists travel as
comma-separated text (``hidden`` "8,8", ``features`` "x1,x2"), so a URL holds them as they are typed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from .data import DATASETS, FEATURES, MAX_POINTS

MAX_LAYERS, MAX_UNITS = 6, 16
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "linear")
INITS = ("zeros", "random", "xavier", "he")
OPTIMIZERS = ("gd", "sgd", "rmsprop", "adam")


class Field(NamedTuple):
    name: str
    kind: str  # choice | int | float | bool | layers | features | activations
    default: object
    label: str
    options: tuple[str, ...] = ()  # a choice's values
    low: float | None = None
    high: float | None = None
    resets: bool = True  # False: a view setting, applied without restarting training


FIELDS = (
    Field("dataset", "choice", "flower", "Data", (*DATASETS, "csv")),
    Field("points", "int", 400, "Points", low=10, high=MAX_POINTS),
    Field("noise", "float", 0.2, "Noise", low=0.0, high=0.5),
    Field("train_ratio", "float", 0.5, "Train ratio", low=0.1, high=1.0),
    Field("data_seed", "int", 1, "Data seed", low=0, high=2**31 - 1),
    Field("features", "features", "x1,x2", "Features", tuple(FEATURES)),
    Field("hidden", "layers", "4", "Hidden layers"),
    Field("activation", "choice", "tanh", "Activation", ACTIVATIONS),
    Field("activations", "activations", "", "Per layer", ACTIVATIONS),
    Field("init", "choice", "random", "Initialization", INITS),
    Field("optimizer", "choice", "gd", "Optimizer", OPTIMIZERS),
    Field("learning_rate", "float", 1.2, "Learning rate", low=1e-6, high=10.0),
    Field("batch_size", "int", 32, "Batch size", low=1, high=MAX_POINTS),
    Field("l2", "float", 0.0, "L2", low=0.0, high=10.0),
    Field("dropout", "float", 0.0, "Dropout", low=0.0, high=0.9),
    Field("seed", "int", 2, "Seed", low=0, high=2**31 - 1),
    Field("epochs_per_frame", "int", 10, "Epochs / frame", low=1, high=500, resets=False),
    Field("show_test", "bool", False, "Show test data", resets=False),
)
BY_NAME = {f.name: f for f in FIELDS}
DEFAULTS = {f.name: f.default for f in FIELDS}

# presets: partial settings over the defaults; "course" is the course's week 3 flower (about 90%)
PRESETS = {
    "course": {
        "dataset": "flower",
        "points": 400,
        "noise": 0.2,
        "train_ratio": 1.0,
        "data_seed": 1,
        "features": "x1,x2",
        "hidden": "4",
        "activation": "tanh",
        "activations": "",
        "init": "random",
        "optimizer": "gd",
        "learning_rate": 1.2,
        "l2": 0.0,
        "dropout": 0.0,
        "seed": 2,
        "epochs_per_frame": 50,
    },
    "logistic": {"dataset": "flower", "train_ratio": 1.0, "hidden": "", "init": "zeros", "learning_rate": 1.2},
    "zeros": {"dataset": "blobs", "hidden": "4", "init": "zeros", "activation": "sigmoid", "learning_rate": 1.0},
    "spiral": {
        "dataset": "spiral",
        "features": "x1,x2,sin_x1,sin_x2",
        "hidden": "8,8,8",
        "activation": "tanh",
        "init": "xavier",
        "optimizer": "adam",
        "learning_rate": 0.01,
        "batch_size": 32,
        "noise": 0.0,
    },
    "deep-relu": {
        "dataset": "circles",
        "hidden": "8,8",
        "activation": "relu",
        "init": "he",
        "optimizer": "adam",
        "learning_rate": 0.01,
        "noise": 0.1,
    },
}


def _number(f: Field, value: object, integer: bool) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and value != int(value)):
        raise ValueError(
            f"{f.name}: expected {'an integer' if integer else 'a number'} from {f.low} to {f.high}, got {value!r}"
        )
    assert f.low is not None and f.high is not None, f"{f.name}: a number field without its bounds"
    if not (math.isfinite(value) and f.low <= value <= f.high):
        raise ValueError(f"{f.name}: {value!r} is out of range; use a value from {f.low} to {f.high}")
    return int(value) if integer else float(value)


def _names(f: Field, value: object, allowed: Sequence[str]) -> list[str]:
    if not isinstance(value, str) or len(value) > 200:
        raise ValueError(f"{f.name}: expected comma-separated names from {', '.join(allowed)}, got {value!r:.60}")
    names = [v.strip() for v in value.split(",") if v.strip()]
    bad = [n for n in names if n not in allowed]
    if bad:
        raise ValueError(f"{f.name}: unknown {bad[0]!r:.40}; choose from {', '.join(allowed)}")
    return names


def _layers(f: Field, value: object) -> list[int]:
    if not isinstance(value, str) or len(value) > 200:
        raise ValueError(f"hidden: expected layer sizes like '8,8', got {value!r:.60}")
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if len(parts) > MAX_LAYERS:
        raise ValueError(f"hidden: at most {MAX_LAYERS} hidden layers, got {len(parts)}; remove some layers")
    sizes = []
    for l, p in enumerate(parts, start=1):
        if not p.isdigit() or not 1 <= int(p) <= MAX_UNITS:
            raise ValueError(f"hidden: layer {l} has {p!r:.20} units; each layer takes 1 to {MAX_UNITS} units")
        sizes.append(int(p))
    return sizes


def check(f: Field, value: object) -> object:
    """One field's value from the page -> its clean Python value; ValueError with one sentence."""
    if f.kind == "choice":
        if value not in f.options:
            raise ValueError(f"{f.name}: unknown {value!r:.40}; choose one of {', '.join(f.options)}")
        return value
    if f.kind in ("int", "float"):
        return _number(f, value, f.kind == "int")
    if f.kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{f.name}: expected true or false, got {value!r:.40}")
        return value
    if f.kind == "layers":
        return _layers(f, value)
    names = _names(f, value, f.options)
    if f.kind == "features" and not names:
        raise ValueError("features: choose at least one input feature")
    return names


def parse(raw: object) -> dict[str, Any]:
    """The page's settings object -> {name: clean value} over the defaults; ValueError when refused."""
    if not isinstance(raw, dict):
        raise ValueError(f"settings must be a JSON object, got {type(raw).__name__}")
    unknown = [k for k in raw if k not in BY_NAME]
    if unknown:
        raise ValueError(f"unknown setting {unknown[0]!r:.40}; known: {', '.join(BY_NAME)}")
    values: dict[str, Any] = {name: check(BY_NAME[name], raw.get(name, BY_NAME[name].default)) for name in BY_NAME}
    n_layers = len(values["hidden"])
    if values["activations"] and len(values["activations"]) != n_layers:
        raise ValueError(
            f"activations: give one per hidden layer ({n_layers}), or none to use "
            f"'{values['activation']}' everywhere; got {len(values['activations'])}"
        )
    return values


def layer_activations(values: Mapping[str, Any]) -> list[str]:
    """One activation name per hidden layer: the per-layer list, or the global one repeated."""
    return list(values["activations"]) or [values["activation"]] * len(values["hidden"])


def schema() -> dict[str, Any]:
    """The schema as JSON for the page: fields (with defaults and limits) and presets."""
    return {
        "fields": [f._asdict() for f in FIELDS],
        "presets": PRESETS,
        "limits": {"layers": MAX_LAYERS, "units": MAX_UNITS, "points": MAX_POINTS},
    }

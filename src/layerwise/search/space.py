"""The search space: one table per estimator parameter, from a dict or a TOML file.

A space maps each parameter name to exactly one table::

    [learning_rate]
    loguniform = [1e-4, 0.3]        # log-uniform float in [low, high]
    [hidden_layer_sizes]
    choice = [[16], [32, 16]]       # one of these values
    [alpha]
    uniform = [0.0, 1e-3]           # uniform float in [low, high]
    [max_iter]
    int = [50, 300]                 # integer in [low, high], both included
    [activation]
    values = ["relu", "tanh"]       # grid values (a choice for the random and tpe samplers)

The Python form is the same as a dict: ``{"learning_rate": {"loguniform": [1e-4, 0.3]}, ...}``.
Each table becomes a ``Dimension``; samplers draw from them and the results table stores their values.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any, NamedTuple

from .._typing import StrPath
from ..jsonable import to_json

KINDS = ("values", "choice", "uniform", "loguniform", "int")


class Dimension(NamedTuple):
    """One hyperparameter: ``kind`` in KINDS and its ``spec`` (the list of values, or [low, high])."""

    name: str
    kind: str
    spec: tuple[Any, ...]

    @property
    def finite(self) -> bool:
        """True when the values can be listed (a grid can enumerate them)."""
        return self.kind in ("values", "choice", "int")

    def grid(self) -> list[Any]:
        """All values, in order (ints from low to high)."""
        if self.kind == "int":
            return [int(v) for v in range(self.spec[0], self.spec[1] + 1)]
        if not self.finite:
            raise ValueError(
                f"{self.name}: a {self.kind} range has no grid; give `values = [...]` or use the random or tpe sampler"
            )
        return list(self.spec)

    def sample(self, rng: Any) -> Any:
        """One value drawn with the NumPy RandomState ``rng``."""
        if self.kind in ("values", "choice"):
            return self.spec[rng.randint(len(self.spec))]
        low, high = self.spec
        if self.kind == "int":
            return int(rng.randint(low, high + 1))
        if self.kind == "loguniform":
            return float(math.exp(rng.uniform(math.log(low), math.log(high))))
        return float(rng.uniform(low, high))


def _number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _range(name: str, kind: str, spec: Any) -> tuple[int, int] | tuple[float, float]:
    if not (isinstance(spec, (list, tuple)) and len(spec) == 2 and all(_number(v) for v in spec)):
        raise ValueError(f"{name}: `{kind}` expects [low, high] (two finite numbers), got {spec!r}")
    low, high = spec
    if kind == "int" and not all(isinstance(v, int) for v in spec):
        raise ValueError(f"{name}: `int` expects two integers [low, high], got {spec!r}")
    if kind == "loguniform" and low <= 0:
        raise ValueError(f"{name}: `loguniform` needs 0 < low, got low={low!r}; use `uniform` for ranges that reach 0")
    if not (low < high or (kind == "int" and low == high)):
        raise ValueError(f"{name}: `{kind}` needs low < high, got {spec!r}")
    return (int(low), int(high)) if kind == "int" else (float(low), float(high))


def _dimension(name: str, table: Any) -> Dimension:
    if not isinstance(table, dict) or len(table) != 1 or next(iter(table)) not in KINDS:
        raise ValueError(
            f"{name}: expected a table with exactly one of {', '.join(KINDS)} "
            f"(e.g. {{'loguniform': [1e-4, 0.3]}}), got {table!r}"
        )
    ((kind, spec),) = table.items()
    if kind in ("values", "choice"):
        if not isinstance(spec, (list, tuple)) or not spec:
            raise ValueError(f"{name}: `{kind}` expects a non-empty list of values, got {spec!r}")
        for v in spec:
            json.dumps(v)  # values must be plain data: they are stored in the results table
        return Dimension(name, kind, tuple(spec))
    return Dimension(name, kind, _range(name, kind, spec))


def parse_space(space: Any) -> dict[str, Dimension]:
    """Check a space dict and return ``{name: Dimension}`` in the given order.

    Raises ValueError naming the parameter and the expected table when anything is off.
    """
    if isinstance(space, (str, os.PathLike)):
        return load_space(space)
    if not isinstance(space, dict) or not space:
        raise TypeError(f"space must be a non-empty dict of parameter -> table (or a TOML path), got {space!r}")
    return {
        str(name): table if isinstance(table, Dimension) else _dimension(str(name), table)
        for name, table in space.items()
    }


def load_space(path: StrPath) -> dict[str, Dimension]:
    """Read a space from a TOML file (Python 3.11+ has tomllib; 3.10 needs ``tomli`` installed)."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib
        except ImportError:
            raise ImportError("reading a space file on Python 3.10 needs tomli: pip install tomli") from None
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"{path}: no such space file; expected TOML tables like [learning_rate] loguniform = [1e-4, 0.3]"
        )
    with open(path, "rb") as f:
        try:
            data = tomllib.load(f)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not valid TOML ({exc})") from None
    return parse_space(data)


def to_estimator(value: Any) -> Any:
    """A value as the estimator receives it: lists become tuples (``hidden_layer_sizes=(32, 16)``)."""
    return tuple(to_estimator(v) for v in value) if isinstance(value, (list, tuple)) else value


def canonical(params: dict[str, Any]) -> str:
    """The params dict as canonical JSON text: the identity of a trial in the results table."""
    return json.dumps(to_json({k: params[k] for k in sorted(params)}), sort_keys=True, default=str)

"""One output key of a learner's function against the reference: pass, or what differs, by how much, and why.

``flatten(spec, value)`` names every array a course function returns (``spec`` mirrors the return
structure: a leaf name, a tuple of specs, a one-element list for a list of caches, ``dict`` for the
course's dicts), and ``compare(key, got, expected, m, others)`` says whether they agree and, when they do
not, which known pattern the difference has: a shape transposed or rank 1 (a missing ``keepdims``), a
constant ratio (m: the 1/m missing; -1: a sign), or the value of another key (a cache holding A where Z
belongs), or of a known wrong variant of the computation (``others``: an activation's derivative).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

RTOL, ATOL = 1e-6, 1e-9  # the reference and a correct learner differ by rounding only (float64)


@dataclass
class KeyResult:
    """The verdict on one output key over all cases: ``passed``, else the first failing case's account."""

    key: str
    passed: bool = True
    detail: str = ""  # what differs and by how much
    cause: str = ""  # the likely cause, when the difference has a known pattern
    case: str = ""  # the case that showed it (activation, shapes, seed)
    numerical: float | None = None  # worst relative error against numerical gradients (backward functions)
    notes: list[str] = field(default_factory=list)


def flatten(spec: Any, value: Any, prefix: str = "") -> dict[str, Any]:
    """{key: leaf} of a returned structure. ``spec``: a leaf name; a tuple of specs (a tuple inside a tuple
    keeps the prefix); ``{name: spec}`` (adds ``name.``); ``[spec]`` for a list (``name[i].``); ``dict``
    for the course's dicts (their own keys)."""
    whole = {prefix.rstrip(".") or "result": value}  # a wrong structure is compared, and reported, whole
    if spec is dict:
        return {f"{prefix}{k}": v for k, v in value.items()} if isinstance(value, dict) else whole
    if isinstance(spec, dict):
        ((name, inner),) = spec.items()
        return flatten(inner, value, f"{prefix}{name}.")
    if isinstance(spec, list):
        if not isinstance(value, (list, tuple)):
            return whole
        out: dict[str, Any] = {}
        for i, item in enumerate(value):
            out.update(flatten(spec[0], item, f"{prefix.rstrip('.')}[{i}]."))
        return out
    if isinstance(spec, tuple):
        if not isinstance(value, (list, tuple)) or len(value) != len(spec):
            return whole
        out = {}
        for s, v in zip(spec, value):
            out.update(flatten(s, v, prefix))
        return out
    return {f"{prefix}{spec}": value}


def _array(x: Any) -> np.ndarray | None:
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return a


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def _shape_cause(g: np.ndarray, e: np.ndarray, key: str) -> str:
    """Why the shapes differ, when the pattern is a known one."""
    if g.ndim == 1 and e.ndim == 2 and g.size == e.size:
        where = (
            "np.sum(..., axis=1, keepdims=True)" if key.split(".")[-1].startswith("db") else "keepdims=True or reshape"
        )
        return f"a rank-1 array {g.shape} where a column {e.shape} belongs: missing {where}"
    if g.shape == e.T.shape and g.ndim == 2:
        same = _close(g, e.T)
        return (
            "transposed"
            + (" (the values are right)" if same else "")
            + ": check the order of a product (W A, dZ A_prev^T)"
        )
    if g.ndim == 2 and e.ndim == 2 and g.shape == (e.shape[0], e.shape[0]) and e.shape[1] == 1:
        return f"a rank-1 array broadcast against a column gave {g.shape}: missing keepdims=True"
    return ""


def _ratio_cause(g: np.ndarray, e: np.ndarray, m: int) -> tuple[float | None, str]:
    """A constant ratio got / expected, and what it means (m: the 1/m; -1: a sign)."""
    big = np.abs(e) > 1e-8 * max(1.0, float(np.abs(e).max(initial=0)))
    if not big.any() or np.any(np.abs(g[~big]) > 1e-8 * max(1.0, float(np.abs(g).max()))):
        return None, ""
    r = g[big] / e[big]
    r0 = float(np.median(r))
    if not np.allclose(r, r0, rtol=1e-6, atol=0):
        return None, ""
    known = {
        m: f"{m} times too large, m = {m}: the 1/m is missing",
        1 / m: f"{m} times too small, m = {m}: divided by m twice",
        -1.0: "the sign is flipped",
        -m: f"the sign is flipped and {m} times too large: -1/m missing",
    }
    for value, text in known.items():
        if np.isclose(r0, value, rtol=1e-6):
            return r0, text
    return r0, f"a constant factor {r0:.6g} (got / expected)"


def compare(key: str, got: Any, expected: Any, m: int, others: dict[str, Any]) -> tuple[bool, str, str]:
    """(agrees, what differs and by how much, likely cause) for one key; ``others``: {label: array} that a
    known bug would produce instead (other keys' expected values, wrong variants of the computation)."""
    e = _array(expected)
    g = _array(got)
    if e is None:  # the reference returned no array (never, for the course's functions)
        return got == expected, "" if got == expected else f"got {got!r}, expected {expected!r}", ""
    if g is None or g.dtype == object:
        return False, f"got {type(got).__name__}, expected an array of shape {np.shape(expected)}", ""
    if e is not None and g.shape == e.shape and _close(g, e):
        return True, "", ""
    if g.shape != e.shape:
        return False, f"shape {g.shape}, expected {e.shape}", _shape_cause(g, e, key)
    diff = float(np.max(np.abs(g - e)))
    scale = float(np.max(np.abs(e))) or 1.0
    detail = f"max |got - expected| = {diff:.3g} (relative {diff / scale:.3g})"
    for label, alternative in others.items():
        a = _array(alternative)
        if a is not None and _close(g, a):
            return False, detail, label
    _, cause = _ratio_cause(g, e, m)
    return False, detail, cause


__all__ = ["KeyResult", "compare", "flatten"]

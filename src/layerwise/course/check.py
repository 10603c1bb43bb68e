"""Check a learner's course functions against the reference: ``check(my_fn, "L_model_backward")`` or ``check(globals())``.

For each function found (by the notebook's name) it runs this package's own cases (``check_cases``:
random shapes and seeds, every activation the function takes), compares every output key with the
reference (``check_compare``: pass, or what differs, by how much, and the likely cause), checks a
backward function's gradients against numerical ones, and runs it twice: on the reference forward's
caches and on the learner's forward's (the cache swap), so that a forward bug is told from a backward
bug. The result is a ``Report``: a text table in a terminal, an HTML table as a Jupyter cell's value.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import io
import types
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..core import relative_error
from . import week4_app
from .check_cases import SPECS, Spec
from .check_compare import KeyResult, compare, flatten
from .check_report import FunctionResult, Report

NAMES = list(dict.fromkeys(name for _, name in SPECS))  # the course's order, each name once
_BY_SIGNATURE = {("predict", "w"): 2, ("predict", "parameters"): 3, ("predict", "X"): 4, ("compute_cost", "A2"): 3}


def check(obj: Any, name: str | None = None, *, week: int | None = None) -> Report:
    """Check one function (``check(fn, "linear_backward")``; the name defaults to ``fn.__name__``) or every
    course function in a namespace (``check(globals())``, a dict or a module). ``week`` picks the week of
    a name several notebooks use (predict, compute_cost, initialize_parameters, update_parameters) when the
    signature and the other names found do not tell it."""
    if isinstance(obj, types.ModuleType):
        obj = vars(obj)
    if isinstance(obj, Mapping):
        ns = dict(obj)
        found = [n for n in NAMES if callable(ns.get(n)) and not isinstance(ns[n], type)]
        weeks = [w for w, n in SPECS if n in found and sum(n == m for _, m in SPECS) == 1]
        if "sigmoid" in found and weeks.count(2) < 2:  # week 4's sigmoid is the given dnn_utils one, not week 2's
            found.remove("sigmoid")
        chosen = sorted(((_week(n, ns[n], week, weeks), n) for n in found), key=list(SPECS).index)
        return Report([_check_one(n, ns[n], w, ns) for w, n in chosen], NAMES)
    if not callable(obj):
        raise TypeError(f"check takes a function, a namespace (globals()) or a module, got {type(obj).__name__}")
    name = name or getattr(obj, "__name__", "")
    if name not in NAMES:
        raise ValueError(f"{name!r} is not one of the course's functions; expected one of {NAMES}")
    return Report([_check_one(name, obj, _week(name, obj, week, []), {name: obj})])


def _week(name: str, fn: Callable[..., Any], week: int | None, others: list[int]) -> int:
    """The week whose ``name`` this is: the only one, ``week``, the signature, the other names' week, else 4."""
    weeks = [w for w, n in SPECS if n == name]
    if len(weeks) == 1 or week in weeks:
        return weeks[0] if len(weeks) == 1 else int(week)  # type: ignore[arg-type]
    for w in weeks:
        if SPECS[(w, name)].reference is fn:
            return w
    try:
        first = next(iter(inspect.signature(fn).parameters), "")
    except (TypeError, ValueError):
        first = ""
    if (name, first) in _BY_SIGNATURE:
        return _BY_SIGNATURE[(name, first)]
    mine = [w for w in others if w in weeks]
    return max(set(mine), key=mine.count) if mine else 4


def _call(fn: Callable[..., Any], args: tuple[Any, ...], seed: int) -> Any:
    """fn(*copies of args) with NumPy's global generator seeded (and restored after), prints and warnings muted."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return fn(*copy.deepcopy(args))
    finally:
        np.random.set_state(state)


def _case(act: Any, args: tuple[Any, ...], seed: int) -> str:
    shapes = [f"{np.shape(a)}" for a in args if isinstance(a, np.ndarray)]
    return ", ".join(([str(act)] if act else []) + [f"inputs {' '.join(shapes)}" if shapes else "", f"seed {seed}"])


def _others(key: str, expected: dict[str, Any], variants: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What a known bug would put in ``key``: another key's expected value, or a wrong variant's."""
    out = {}
    for cause, flat in variants.items():
        if key in flat:
            out[cause] = flat[key]
    leaf = key.rsplit(".", 1)[-1]
    for other, value in expected.items():
        if other != key:
            what = other.rsplit(".", 1)[-1]
            if leaf == "Z" and what.startswith("A"):
                out[f"the cache holds A (the activation's output, {other}) where Z belongs"] = value
            else:
                out[f"it holds {other} where {key} belongs"] = value
    return out


def _compare_case(
    spec: Spec, got: Any, expected: Any, m: int, args: tuple[Any, ...], act: Any
) -> dict[str, tuple[bool, str, str]]:
    """{key: (agrees, detail, cause)} for one case."""
    exp, out = flatten(spec.outputs, expected), flatten(spec.outputs, got)
    variants: dict[str, dict[str, Any]] = {}
    if spec.variants is not None and any(not compare(k, out.get(k), e, m, {})[0] for k, e in exp.items()):
        variants = {c: flatten(spec.outputs, v) for c, v in spec.variants(args, act).items()}
    verdicts = {}
    for key, e in exp.items():
        if key not in out:
            verdicts[key] = (False, f"missing (returned keys: {sorted(out)})", "")
        else:
            verdicts[key] = compare(key, out[key], e, m, _others(key, exp, variants))
    return verdicts


def _check_one(name: str, fn: Callable[..., Any], week: int, ns: Mapping[str, Any]) -> FunctionResult:
    spec = SPECS[(week, name)]
    reference = fn if fn is week4_app.initialize_parameters_deep else spec.reference  # the application's own
    result = FunctionResult(name, week)
    ref_forward = SPECS[(week, spec.forward)].reference if spec.forward else None
    my_forward = ns.get(spec.forward) if spec.forward else None
    swap_failed: set[str] = set()
    for act in spec.acts:
        for seed in spec.seeds:
            rng_seed = 1000 * seed + len(name)
            args, m = spec.make(np.random.RandomState(rng_seed), act, ref_forward)
            case = _case(act, args, seed)
            expected = _call(reference, args, seed)
            try:
                got = _call(fn, args, seed)
            except Exception as exc:
                result.error = f"raised {type(exc).__name__}: {exc} [{case}]"
                return result
            result.cases += 1
            for key, (ok, detail, cause) in _compare_case(spec, got, expected, m, args, act).items():
                k = result.keys.setdefault(key, KeyResult(key))
                if not ok and k.passed:
                    k.passed, k.detail, k.cause, k.case = False, detail, cause, case
            _numerical(spec, got, args, result)
            if callable(my_forward) and my_forward is not ref_forward:
                swap_failed |= _swap(spec, fn, my_forward, rng_seed, act, seed, expected, m)
    if swap_failed and result.passed:
        result.notes.append(
            f"right on the reference's caches, but on your {spec.forward}'s caches {', '.join(sorted(swap_failed))} "
            f"differ: the bug is in {spec.forward} (what it caches), not here"
        )
    return result


def _numerical(spec: Spec, got: Any, args: tuple[Any, ...], result: FunctionResult) -> None:
    """The learner's gradients against central differences of the reference cost: worst relative error per key."""
    if spec.numerical is None:
        return
    out = flatten(spec.outputs, got)
    for key, approx in spec.numerical(args).items():
        if key in out and np.shape(out[key]) == np.shape(approx):
            k = result.keys.setdefault(key, KeyResult(key))
            k.numerical = max(k.numerical or 0.0, relative_error(np.asarray(out[key], dtype=float), approx))


def _swap(
    spec: Spec,
    fn: Callable[..., Any],
    my_forward: Callable[..., Any],
    rng_seed: int,
    act: Any,
    seed: int,
    expected: Any,
    m: int,
) -> set[str]:
    """The keys that differ when ``fn`` reads the learner's forward's caches instead of the reference's."""
    try:
        args, _ = spec.make(np.random.RandomState(rng_seed), act, lambda *a: _call(my_forward, a, seed))
        got = _call(fn, args, seed)
    except Exception:
        return {"(it raised)"}
    return {k for k, (ok, _, _) in _compare_case(spec, got, expected, m, args, act).items() if not ok}


__all__ = ["check", "NAMES"]

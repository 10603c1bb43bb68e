"""Checkpoints: everything a training run needs to continue exactly, in one safetensors file beside the model.

The file for model ``MODEL`` is ``MODEL.ckpt`` (``model.safetensors`` -> ``model.safetensors.ckpt``), a
safetensors file: tensors ``theta`` (the flat parameters), ``order`` (the global example order, which
each epoch shuffles further), ``best_theta`` (early stopping's best weights, when there are any) and
``opt.<name>`` (the optimizer's moment vectors); JSON metadata ``fingerprint`` (what the run was:
architecture, every training option, data size and a digest of the training data, so a different
scaling is a different run), ``state`` (epoch, learning rate, cost history and the early-stopping
counters), ``optimizer`` (its step count), ``rng`` (the shuffling generator's state) and ``sha256``,
a digest of all of it. Written atomically (``layerwise.io.write_atomically``) by one process; read by
one and sent to the others.

Reading trusts nothing: the digest, then a closed schema (``_SCHEMA``), then ``restore`` checks theta,
the moments and ``order`` against the network and optimizer of this run (names, shapes, dtypes, finite
values, a permutation) and the generator's state on a scratch generator, before anything is changed.
Every failure is one ValueError naming the file and what is wrong. What must match for a checkpoint to
continue a run (``fingerprint``, ``data_digest``, ``check``) is distributed/run_identity.py's; they are
named here too, the checkpoint's whole interface in one place.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

import numpy as np

from ..io.digest import digest as _digest
from .run_identity import check, data_digest, fingerprint

FORMAT = "layerwise-checkpoint"
VERSION = 1
_STATE_KEYS = ("n_iter", "learning_rate", "history", "best_loss", "best_score", "no_improve", "stopped")
_REMEDY = "delete it or start without --resume"


def path_for(out: Any) -> str:
    """The checkpoint file of the model file ``out``."""
    return f"{os.fspath(out)}.ckpt"


def read(path: Any) -> bytes | None:
    """The checkpoint's bytes, None when there is no file; OSError naming a folder, FIFO or unreadable file."""
    from ..io.atomic import regular_file_size

    try:
        regular_file_size(path, "checkpoint file")
    except FileNotFoundError:
        return None
    with open(path, "rb") as f:
        return f.read()


def encode(net: Any, opt: Any, state: Any, rng: np.random.Generator, order: np.ndarray, fp: dict[str, Any]) -> bytes:
    """The checkpoint's bytes (a safetensors file)."""
    from safetensors.numpy import save

    small = len(order) < 2**31  # 4 bytes a row instead of 8 where they suffice
    arrays, scalars = {"theta": net.theta, "order": np.asarray(order, dtype=np.int32 if small else np.int64)}, {}
    for key, value in opt.state_dict().items():
        if hasattr(value, "shape"):
            arrays[f"opt.{key}"] = value
        else:
            scalars[key] = value
    if state.best_theta is not None:
        arrays["best_theta"] = state.best_theta
    arrays = {k: np.ascontiguousarray(v) for k, v in arrays.items()}
    meta = {
        "format": FORMAT,
        "version": str(VERSION),
        "fingerprint": json.dumps(fp),
        "state": json.dumps({k: getattr(state, k) for k in _STATE_KEYS}),
        "optimizer": json.dumps(scalars),
        "rng": json.dumps(rng.bit_generator.state),
    }
    meta["sha256"] = _digest(arrays, meta)
    return save(arrays, metadata=meta)


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _count(v: Any) -> bool:
    return type(v) is int and 0 <= v < 2**62


def _history(v: Any) -> bool:
    """The training loop's history: "cost" per epoch, and with validation "val_cost" and "val_score" alike."""
    if not (isinstance(v, dict) and "cost" in v and set(v) <= {"cost", "val_cost", "val_score"}):
        return False
    if ("val_cost" in v) != ("val_score" in v):
        return False
    lists = list(v.values())
    return all(isinstance(x, list) and len(x) == len(lists[0]) and all(_number(c) for c in x) for x in lists)


_SCHEMA = {  # state key -> (check, expected)
    "n_iter": (_count, "a count of epochs"),
    "learning_rate": (lambda v: _number(v) and math.isfinite(v) and v > 0, "a finite positive number"),
    "history": (_history, "a cost list per epoch (and val_cost, val_score lists of the same length)"),
    "best_loss": (_number, "a number"),
    "best_score": (_number, "a number"),
    "no_improve": (_count, "a count of epochs"),
    "stopped": (lambda v: isinstance(v, bool), "true or false"),
}


def decode(path: Any, data: bytes) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The bytes of a checkpoint -> (arrays, metadata), digest and schema checked; ValueError for anything else."""
    import safetensors
    from safetensors.numpy import load

    if not data:
        raise ValueError(f"{path}: an empty file, not a layerwise checkpoint (a write cut short?); {_REMEDY}")
    try:
        arrays = load(data)
        header_len = int.from_bytes(data[:8], "little")
        raw = json.loads(data[8 : 8 + header_len]).get("__metadata__") or {}
    except (safetensors.SafetensorError, ValueError, UnicodeDecodeError, AttributeError) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
        raise ValueError(f"{path}: not a layerwise checkpoint ({first}); {_REMEDY}") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or "theta" not in arrays:
        raise ValueError(f"{path}: not a layerwise checkpoint; {_REMEDY}")
    if raw.get("version") != str(VERSION):
        raise ValueError(
            f"{path}: checkpoint version {raw.get('version')!r}, this layerwise reads {VERSION}; {_REMEDY}"
        )
    if raw.get("sha256") != _digest(arrays, raw):
        raise ValueError(f"{path}: checksum mismatch, the checkpoint is corrupted; {_REMEDY}")
    meta = {}
    for key in ("fingerprint", "state", "optimizer", "rng"):
        try:
            meta[key] = json.loads(raw[key])
        except (KeyError, TypeError, ValueError, RecursionError):
            raise ValueError(f"{path}: checkpoint lacks a readable {key!r}; {_REMEDY}") from None
        if not isinstance(meta[key], dict):
            raise ValueError(f"{path}: checkpoint {key!r} is not a JSON object; {_REMEDY}")
    state = meta["state"]
    if sorted(state) != sorted(_STATE_KEYS):
        raise ValueError(f"{path}: checkpoint state has keys {sorted(state)[:10]}, expected {list(_STATE_KEYS)}")
    for key, (ok, expected) in _SCHEMA.items():
        if not ok(state[key]):
            raise ValueError(f"{path}: checkpoint state {key!r} is {str(state[key])[:60]!r}; expected {expected}")
    if state["n_iter"] and not state["history"]["cost"]:
        raise ValueError(f"{path}: checkpoint state has {state['n_iter']} epochs but no cost recorded; {_REMEDY}")
    meta["path"] = os.fspath(path)  # restore's messages name the file
    return arrays, meta


def _checked(
    path: str, arrays: dict[str, np.ndarray], meta: dict[str, Any], net: Any, opt: Any, rng: Any
) -> np.ndarray:
    """ValueError unless the arrays fit this run's network, optimizer and rows; returns order (int64)."""
    moments = {f"opt.{k}": v for k, v in opt.state_dict().items() if hasattr(v, "shape")}
    expected = {"theta", "order", *moments} | ({"best_theta"} & set(arrays))
    if set(arrays) != expected:
        raise ValueError(
            f"{path}: checkpoint holds tensors {sorted(arrays)}, this run's {opt.name} optimizer needs "
            f"{sorted(expected)}; {_REMEDY}"
        )
    for name in expected - {"order"}:
        a = arrays[name]
        if a.shape != net.theta.shape or a.dtype != net.theta.dtype:
            raise ValueError(
                f"{path}: tensor {name!r} is {a.dtype}{list(a.shape)}, expected {net.theta.dtype}{list(net.theta.shape)}"
            )
        if not np.isfinite(a).all() or (name == "opt.s" and (a < 0).any()):
            raise ValueError(f"{path}: tensor {name!r} holds NaN, infinite or impossible values: corrupted; {_REMEDY}")
    order, m = arrays["order"], meta["fingerprint"].get("rows")
    if order.ndim != 1 or order.dtype.kind != "i" or len(order) != m:
        raise ValueError(f"{path}: 'order' is {order.dtype}{list(order.shape)}, expected the {m} row numbers")
    order = order.astype(np.int64)
    if m and (order.min() < 0 or order.max() >= m or np.bincount(order, minlength=m).max() != 1):
        raise ValueError(f"{path}: 'order' is not a permutation of the {m} rows: corrupted; {_REMEDY}")
    t = meta["optimizer"].get("t")
    if sorted(meta["optimizer"]) != ["t"] or not _count(t):
        raise ValueError(f"{path}: optimizer state {str(meta['optimizer'])[:60]} is not {{'t': step count}}")
    scratch = np.random.default_rng(0)
    try:
        scratch.bit_generator.state = meta["rng"]  # the generator's own check of its state
    except (TypeError, ValueError, KeyError, OverflowError) as exc:
        raise ValueError(f"{path}: the random generator's state is invalid ({exc}); {_REMEDY}") from None
    if type(scratch.bit_generator) is not type(rng.bit_generator):
        raise ValueError(f"{path}: the random generator's state is not a {type(rng.bit_generator).__name__}'s")
    return order


def restore(
    arrays: dict[str, np.ndarray], meta: dict[str, Any], net: Any, opt: Any, state: Any, rng: Any
) -> np.ndarray:
    """Check, then put a decoded checkpoint back into the network, optimizer, training state and generator; returns order."""
    order = _checked(meta.get("path", "checkpoint"), arrays, meta, net, opt, rng)
    net.ops.copyto(net.theta, arrays["theta"])
    opt.load_state_dict({**meta["optimizer"], **{k[4:]: v for k, v in arrays.items() if k.startswith("opt.")}})
    for key, value in meta["state"].items():
        setattr(state, key, value)
    state.best_theta = arrays["best_theta"].copy() if "best_theta" in arrays else None
    rng.bit_generator.state = meta["rng"]
    return order


__all__ = [
    "FORMAT",
    "VERSION",
    "path_for",
    "read",
    "encode",
    "decode",
    "restore",
    "check",
    "data_digest",
    "fingerprint",
]

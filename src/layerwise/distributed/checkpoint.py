"""Checkpoints: everything a training run needs to continue exactly, in one safetensors file beside the model.

The file for model ``MODEL`` is ``MODEL.ckpt`` (``model.safetensors`` -> ``model.safetensors.ckpt``), a
safetensors file: tensors ``theta`` (the flat parameters), ``order`` (the global example order, which
each epoch shuffles further), ``best_theta`` (early stopping's best weights, when there are any) and
``opt.<name>`` (the optimizer's moment vectors); JSON metadata ``fingerprint`` (what the run was:
architecture, every training option, data size), ``state`` (epoch, learning rate, cost history and the
early-stopping counters), ``optimizer`` (its step count) and ``rng`` (the shuffling generator's state).
Written atomically (``layerwise.io.write_atomically``) by one process; read by one and sent to the others.
"""

from __future__ import annotations

import json
import os

import numpy as np

FORMAT = "layerwise-checkpoint"
VERSION = 1
_STATE_KEYS = ("n_iter", "learning_rate", "history", "best_loss", "best_score", "no_improve", "stopped")


def path_for(out):
    """The checkpoint file of the model file ``out``."""
    return f"{os.fspath(out)}.ckpt"


def fingerprint(est, m, processes):
    """What must match for a checkpoint to continue this run (JSON-able)."""
    params = {
        k: (v if isinstance(v, (int, float, str, bool, type(None))) else repr(v))
        for k, v in sorted(est.get_params().items())
        if k not in ("verbose", "max_iter", "warm_start")
    }
    return {
        "estimator": type(est).__name__,
        "layer_dims": [int(n) for n in est.layer_dims_],
        "activations": list(est.activations_),
        "loss": est.loss_,
        "rows": int(m),
        "dtype": np.dtype(est.params_[0].W.dtype).name,
        **params,
        # dropout masks are drawn per process, so only with dropout does the process count change the run
        "processes": int(processes) if est.dropout else "any",
    }


def encode(net, opt, state, rng, order, fp):
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
    meta = {
        "format": FORMAT,
        "version": str(VERSION),
        "fingerprint": json.dumps(fp),
        "state": json.dumps({k: getattr(state, k) for k in _STATE_KEYS}),
        "optimizer": json.dumps(scalars),
        "rng": json.dumps(rng.bit_generator.state),
    }
    return save({k: np.ascontiguousarray(v) for k, v in arrays.items()}, metadata=meta)


def decode(path, data):
    """The bytes of a checkpoint -> (arrays, metadata); ValueError for anything else."""
    import safetensors
    from safetensors.numpy import load

    try:
        arrays = load(data)
        header_len = int.from_bytes(data[:8], "little")
        meta = json.loads(data[8 : 8 + header_len]).get("__metadata__") or {}
    except (safetensors.SafetensorError, ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a layerwise checkpoint ({exc}); delete it or start without --resume") from None
    if meta.get("format") != FORMAT or "theta" not in arrays:
        raise ValueError(f"{path}: not a layerwise checkpoint; delete it or start without --resume")
    return arrays, {k: json.loads(v) for k, v in meta.items() if k not in ("format", "version")}


def check(path, saved, current):
    """ValueError in one line naming each option that differs between the checkpoint and this run."""
    keys = [k for k in dict.fromkeys([*saved, *current]) if saved.get(k) != current.get(k)]
    if keys:
        diffs = "; ".join(f"{k} {saved.get(k)!r} there, {current.get(k)!r} here" for k in keys)
        raise ValueError(
            f"{path} was written by a different run ({diffs}): rerun with the same options, "
            "or without --resume to start afresh (its checkpoints then replace this one)"
        )


def restore(arrays, meta, net, opt, state, rng):
    """Put a decoded checkpoint back into the network, optimizer, training state and generator; returns order."""
    net.ops.copyto(net.theta, arrays["theta"])
    opt.load_state_dict({**meta["optimizer"], **{k[4:]: v for k, v in arrays.items() if k.startswith("opt.")}})
    for key, value in meta["state"].items():
        setattr(state, key, value)
    state.best_theta = arrays["best_theta"].copy() if "best_theta" in arrays else None
    rng.bit_generator.state = meta["rng"]
    return np.array(arrays["order"], dtype=np.int64)

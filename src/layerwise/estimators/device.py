"""Where an estimator's arrays live: the device of a fit, moving parameters, matching inputs to them.

- ``device="cpu"`` (the default) trains on NumPy; ``device="cuda"`` moves NumPy input to the GPU
  through CuPy. An array that is not NumPy's decides for itself: a CuPy array trains on its GPU, an
  ``array_api_strict`` array on its own device (``device1`` stands in for a GPU in the tests).
- Fitted parameters stay where they were trained (``params_`` are CuPy arrays after a CUDA fit);
  ``to_device("cpu" | "cuda")`` moves them, and the optimizer's state, and returns the estimator.
- Predicting with arrays of another library or device than the parameters' raises a ValueError that
  says which call converts what (scikit-learn 1.9's convention for array-API estimators).
- ``precision="tf32"`` lets CuPy's float32 matrix products use TF32 tensor cores; on the CPU it
  changes nothing, and it is refused for float64 (TF32 would silently drop float64's precision).

Plain functions of the estimator; CuPy is imported only when a CUDA device is asked for.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from array_api_compat import is_array_api_obj, is_numpy_array
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

from .._backend import host, policy_dtype
from .._typing import Array
from ..core import LayerParams
from ..engine.ops import NUMPY, Ops, host_dtype, ops_for

GPU_EXTRA = "pip install 'layerwise[gpu]'"


def is_device_array(X: Array) -> bool:
    """True for an array-API array that is not NumPy's (CuPy, array_api_strict, ...)."""
    return is_array_api_obj(X) and not is_numpy_array(X)


def cuda_ops() -> Ops:
    """The engine's CuPy table, or an error that says how to get CuPy or that no GPU is visible."""
    try:
        import cupy
    except ImportError as exc:
        raise ImportError(
            f"device='cuda' needs CuPy, which is not installed: {GPU_EXTRA} (CuPy for your CUDA "
            "version), or use device='cpu'"
        ) from exc
    try:
        count = cupy.cuda.runtime.getDeviceCount()
        why = f"{count} CUDA devices"
    except Exception as exc:  # CUDARuntimeError without a driver or a device
        count, why = 0, f"{type(exc).__name__}: {exc}"
    if count < 1:
        raise ValueError(
            f"device='cuda' but CuPy sees no GPU ({why}); run on a machine with an NVIDIA GPU and "
            "its driver, or use device='cpu'"
        )
    return ops_for(cupy.empty(0, dtype=cupy.float32))


def ops_for_device(device: str) -> Ops:
    """'cpu' -> NumPy's table, 'cuda' -> CuPy's."""
    return NUMPY if device == "cpu" else cuda_ops()


def describe(ops: Ops) -> str:
    if ops.is_numpy:
        return "NumPy arrays (device='cpu')"
    if ops.name == "cupy":
        return "CuPy arrays (device='cuda')"
    return f"{ops.name} arrays on {ops.device}"


def fit_ops(est: Any, X: Array) -> Ops:
    """The ``Ops`` table a fit on X runs on: X's own when X is not NumPy, else ``est.device``'s."""
    if is_device_array(X):
        ops = ops_for(X)
        if est.device == "cuda" and ops.name != "cupy":
            raise ValueError(
                f"device='cuda' but X is made of {describe(ops)}; pass NumPy or CuPy arrays, "
                "or leave device='cpu' to train where X lives"
            )
        return ops
    return ops_for_device(est.device)


def params_ops(est: Any) -> Ops:
    return ops_for(est.params_[0].W)


def check_fit_library(est: Any, ops: Ops) -> None:
    """ValueError when a warm-started or partial fit would train where the parameters are not."""
    if params_ops(est) is not ops:
        raise ValueError(
            f"{type(est).__name__}.fit: the model's parameters are {describe(params_ops(est))} but "
            f"this fit would run on {describe(ops)}; call model.to_device(...) first, or pass X "
            "where the parameters are"
        )


def check_input_library(est: Any, X: Array, method: str) -> Ops:
    """ValueError unless X lives where the fitted parameters do (NumPy-like input for NumPy ones)."""
    ops = params_ops(est)
    x_ops = ops_for(X) if is_device_array(X) else NUMPY
    if x_ops is ops:
        return ops
    remedy = (
        "model.to_device('cpu')"
        if x_ops.is_numpy
        else "model.to_device('cuda')"
        if x_ops.name == "cupy"
        else "model.to_device(...) with X's device"
    )
    convert = (
        "cupy.asarray(X)"
        if ops.name == "cupy"
        else "a NumPy array (X.get() for CuPy)"
        if ops.is_numpy
        else f"an array of {describe(ops)}"
    )
    raise ValueError(
        f"{type(est).__name__}.{method}: the model's parameters are {describe(ops)} but X is "
        f"made of {describe(x_ops)}; call {remedy} first, or convert X to {convert}"
    )


def to_device(est: Any, device: str) -> Any:
    """Move the fitted parameters (and the optimizer's state) to ``device``; returns self.

    ``device``: "cpu" (NumPy), "cuda" (CuPy), or a device object of the library the parameters are
    in (array_api_strict's ``Device("device1")``, say).
    """
    check_is_fitted(est, "params_")
    if isinstance(device, str):
        if device not in ("cpu", "cuda"):
            raise ValueError(f"device must be 'cpu' or 'cuda' (or a device object), got {device!r}")
        target = ops_for_device(device)
    else:
        xp = params_ops(est).xp
        target = ops_for(xp.empty(0, device=device))

    def move(A: Any) -> Any:
        return target.from_host(np.ascontiguousarray(host(A))) if hasattr(A, "shape") else A

    est.params_ = tuple(LayerParams(move(p.W), move(p.b)) for p in est.params_)
    if getattr(est, "opt_state_", None) is not None:
        est.opt_state_ = {k: move(v) for k, v in est.opt_state_.items()}
    if isinstance(device, str):
        est.device = device
    return est


def validate_on_device(est: Any, X: Array, y: Any, reset: bool, dtype: Any) -> tuple[Array, Any]:
    """``validate_data`` for X on a device (2-D, finite, n_features; the dtype policy); y goes to the host.

    X (n_samples, n_features) stays on its device, C-ordered; y (labels or targets) becomes NumPy.
    """
    from sklearn.utils.validation import check_array, check_consistent_length

    ops = ops_for(X)
    xp = ops.xp
    if len(X.shape) != 2:
        raise ValueError(f"expected a 2-D array X (n_samples, n_features), got shape {tuple(X.shape)}")
    want = dtype if not isinstance(dtype, list) else policy_dtype(X)
    if host_dtype(X.dtype) != np.dtype(want):
        X = xp.astype(X, ops.dtype(want))
    if ops.name == "cupy":
        X = xp.ascontiguousarray(X)  # the row gathers and products read C order
    if not ops.all_finite(X):
        raise ValueError("Input X contains NaN or infinity; remove or impute those values before training")
    if reset:
        est.n_features_in_ = int(X.shape[1])
        if hasattr(est, "feature_names_in_"):
            del est.feature_names_in_
    elif X.shape[1] != est.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(est).__name__} is expecting {est.n_features_in_} features as input"
        )
    if y is None:
        return X, None
    y = check_array(
        host(y) if is_device_array(y) else y,
        ensure_2d=False,
        dtype=None if is_classifier(est) else "numeric",
        ensure_all_finite=not is_classifier(est),
    )
    check_consistent_length(np.empty((X.shape[0], 0)), y)
    return X, y


__all__ = [
    "GPU_EXTRA",
    "is_device_array",
    "cuda_ops",
    "ops_for_device",
    "describe",
    "fit_ops",
    "params_ops",
    "check_fit_library",
    "check_input_library",
    "to_device",
    "validate_on_device",
]

"""The quick input check of prediction: a plain NumPy matrix of the model's width, checked in microseconds.

scikit-learn's ``validate_data`` costs about 150-200 us a call whatever the size of X, which is most of
a one-row ``predict``. ``quick_rows`` does the same checks for the common case only: a NumPy ndarray
(C- or F-ordered, real numbers, native byte order), 2-D, at least one row, as many columns as
``n_features_in_``, every value finite after the conversion to the model's dtype, and a model fitted
without feature names. For anything else (pandas, lists, sparse matrices, feature names, device arrays,
and every input that fails a check) it returns None and the caller runs ``validate_data``, so each error
is scikit-learn's own: the same type and the same message, whichever path the input took first.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._typing import Array
from ..engine.ops import all_finite


def quick_rows(est: Any, X: Array, dtype: Any) -> Array | None:
    """X (n_samples, n_features) as a ``dtype`` array when the quick checks pass, else None (then validate).

    ``dtype`` is the model's NumPy float dtype. No copy when X already has it.
    """
    if type(X) is not np.ndarray or X.ndim != 2 or X.dtype.kind not in "fiu" or not X.dtype.isnative:
        return None
    if not (X.flags.c_contiguous or X.flags.f_contiguous):
        return None
    if X.shape[0] < 1 or X.shape[1] != getattr(est, "n_features_in_", -1):
        return None
    if getattr(est, "feature_names_in_", None) is not None:
        return None  # scikit-learn warns when a model fitted with names gets a bare array
    if X.dtype == dtype:
        A = X
    else:
        with np.errstate(over="ignore"):  # 1e300 -> inf in float32: refused below, by validate_data's message
            A = X.astype(dtype, order="K")
    if X.dtype.kind == "f" and not all_finite(A):  # integers are finite, in float32 too
        return None
    return A


__all__ = ["quick_rows"]

"""The fitted network as data: the layer table (``summary``) and the model-file state.

``_export_state`` gives the weights ``W1, b1, ..., WL, bL`` (host NumPy, C-contiguous, the course's
orientation) and a JSON-able description (CONTRACT.md); ``_from_state`` rebuilds an estimator that
predicts bit-identically, reading nothing but that pair.
"""
from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from . import core
from ._backend import host
from .engine.ops import host_dtype
from .core import LayerParams


class _StateMixin:
    def summary(self, m=None):
        """The layer table: shapes of W[l], b[l], A[l] (m examples), activation and parameter count."""
        check_is_fitted(self, "params_")
        mm = "m" if m is None else str(int(m))
        out_act = core.get_loss(self.loss_).output
        acts = ["(input)"] + list(self.activations_) + [out_act]
        rows = [("layer", "units", "activation", "W[l]", "b[l]", "A[l]", "parameters")]
        total = 0
        for l, n in enumerate(self.layer_dims_):
            W = f"({n}, {self.layer_dims_[l - 1]})" if l else "-"
            b = f"({n}, 1)" if l else "-"
            count = n * self.layer_dims_[l - 1] + n if l else 0
            total += count
            rows.append((str(l), str(n), acts[l], W, b, f"({n}, {mm})", f"{count:,}"))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(c.ljust(wd) for c, wd in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "-" * len(lines[0]))
        lines.append(f"total parameters: {total:,}   loss: {self.loss_}   L = {len(self.layer_dims_) - 1}")
        return "\n".join(lines)

    # ------------------------------------------------------------ model files
    def _export_state(self):
        check_is_fitted(self, "params_")
        arrays = {}
        for l, p in enumerate(self.params_, start=1):
            arrays[f"W{l}"] = np.ascontiguousarray(host(p.W))  # host copies of device parameters
            arrays[f"b{l}"] = np.ascontiguousarray(host(p.b))
        classes = getattr(self, "classes_", None)
        meta = {
            "estimator": type(self).__name__,
            "params": _json_params(self.get_params()),
            "layer_dims": [int(n) for n in self.layer_dims_],
            "activations": list(self.activations_),
            "loss": self.loss_,
            "classes": None if classes is None else [_json_scalar(c) for c in classes],
            "classes_dtype": None if classes is None else str(np.asarray(classes).dtype),
            "output_type": self.output_type_,
            "n_features_in": int(self.n_features_in_),
            "feature_names_in": (list(map(str, self.feature_names_in_))
                                 if hasattr(self, "feature_names_in_") else None),
            "n_outputs": int(self.n_outputs_),
            "n_iter": int(self.n_iter_),
            "dtype": host_dtype(self.params_[0].W.dtype).name,
        }
        return arrays, meta

    @classmethod
    def _from_state(cls, arrays, meta):
        params = dict(meta["params"])
        if isinstance(params.get("hidden_layer_sizes"), list):
            params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
        if isinstance(params.get("activation"), list):
            params["activation"] = tuple(params["activation"])
        valid = cls().get_params()
        est = cls(**{k: v for k, v in params.items() if k in valid})
        est.device = "cpu"  # the file's weights are host arrays; layerwise.load(path, device=...) moves them
        dtype = np.dtype(meta["dtype"])
        L = len(meta["layer_dims"]) - 1
        est.params_ = tuple(LayerParams(np.ascontiguousarray(arrays[f"W{l}"], dtype=dtype),
                                        np.ascontiguousarray(arrays[f"b{l}"], dtype=dtype)) for l in range(1, L + 1))
        est.layer_dims_ = [int(n) for n in meta["layer_dims"]]
        est.activations_ = list(meta["activations"])
        est.loss_ = meta["loss"]
        est.output_type_ = meta["output_type"]
        if meta.get("classes") is not None:
            cdt = meta.get("classes_dtype")
            est.classes_ = np.array(meta["classes"], dtype=object if cdt in (None, "object") else cdt)
        est.n_features_in_ = int(meta["n_features_in"])
        if meta.get("feature_names_in") is not None:
            est.feature_names_in_ = np.array(meta["feature_names_in"], dtype=object)
        est.n_outputs_ = int(meta["n_outputs"])
        est.n_iter_ = int(meta["n_iter"])
        est.history_ = {"cost": []}
        est.loss_curve_, est.validation_scores_ = [], None
        est.best_loss_ = est.best_validation_score_ = None
        est._state = est._opt_state = None
        return est


def _json_scalar(v):
    return v.item() if isinstance(v, np.generic) else v


def _json_params(params):
    out = {}
    for k, v in params.items():
        if isinstance(v, tuple):
            v = [_json_scalar(x) for x in v]
        elif isinstance(v, type):
            v = np.dtype(v).name
        elif isinstance(v, np.random.RandomState):
            v = None
        else:
            v = _json_scalar(v)
        out[k] = v
    return out

"""The fitted network as data: the layer table (``summary``) and the state a model file stores.

``export_state(est)`` gives the weights ``W1, b1, ..., WL, bL`` (host NumPy, C-contiguous, the course's
orientation) and a description of the estimator (its parameters, layer_dims, activations, loss,
classes, ...); ``restore(cls, arrays, meta)`` rebuilds an estimator that predicts bit-identically,
reading nothing but that pair. layerwise.io turns the pair into a file and back.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .. import core
from .._backend import host
from ..core import LayerParams
from ..engine import host_dtype
from ..jsonable import to_json


def summary(est: Any, m: int | None = None) -> Summary:
    """The layer table: shapes of W[l], b[l], A[l] (m examples), activation and parameter count."""
    check_is_fitted(est, "params_")
    mm = "m" if m is None else str(int(m))
    out_act = core.get_loss(est.loss_).output
    acts = ["(input)"] + list(est.activations_) + [out_act]
    rows = [("layer", "units", "activation", "W[l]", "b[l]", "A[l]", "parameters")]
    total = 0
    dims = est.layer_dims_
    for l, n in enumerate(dims):
        count = n * dims[l - 1] + n if l else 0
        total += count
        rows.append(
            (
                str(l),
                str(n),
                acts[l],
                f"({n}, {dims[l - 1]})" if l else "-",
                f"({n}, 1)" if l else "-",
                f"({n}, {mm})",
                f"{count:,}",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(wd) for c, wd in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    footer = f"total parameters: {total:,}   loss: {est.loss_}   L = {len(dims) - 1}"
    lines.append(footer)
    return Summary("\n".join(lines), rows, footer)


class Summary(str):
    """The layer table: a str (prints, compares and saves as before) that Jupyter shows as an HTML table."""

    rows: Any  # the header row, then one row of cells per layer
    footer: str

    def __new__(
        cls, text: str, rows: Any = (("",),), footer: str = ""
    ) -> Summary:  # defaults: pickle rebuilds a str subclass from text
        self = super().__new__(cls, text)
        self.rows, self.footer = rows, footer
        return self

    def __repr__(self) -> str:  # a cell's or the REPL's plain view: the table, not one quoted line with \n
        return str(self)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.rows[0])
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in self.rows[1:])
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><p>{html.escape(self.footer)}</p>"


def export_state(est: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A fitted estimator -> ({"W1": ..., "b1": ..., ...} host arrays, description dict)."""
    check_is_fitted(est, "params_")
    arrays = {}
    for l, p in enumerate(est.params_, start=1):
        arrays[f"W{l}"] = np.ascontiguousarray(host(p.W))  # host copies of device parameters
        arrays[f"b{l}"] = np.ascontiguousarray(host(p.b))
    classes = getattr(est, "classes_", None)
    meta = {
        "estimator": type(est).__name__,
        "params": to_json(est.get_params()),
        "layer_dims": [int(n) for n in est.layer_dims_],
        "activations": list(est.activations_),
        "loss": est.loss_,
        "classes": None if classes is None else to_json(list(classes)),
        "classes_dtype": None if classes is None else str(np.asarray(classes).dtype),
        "output_type": est.output_type_,
        "n_features_in": int(est.n_features_in_),
        "feature_names_in": list(map(str, est.feature_names_in_)) if hasattr(est, "feature_names_in_") else None,
        "n_outputs": int(est.n_outputs_),
        "n_iter": int(est.n_iter_),
        "dtype": host_dtype(est.params_[0].W.dtype).name,
        "target_scaling": _target_scaling(est),
    }
    return arrays, meta


def _target_scaling(est: Any) -> dict[str, Any] | None:
    """{"mean": [...], "scale": [...]} per output when the regressor standardized its target, else None."""
    if getattr(est, "target_scale_", None) is None:
        return None
    return {"mean": to_json(list(est.target_mean_)), "scale": to_json(list(est.target_scale_))}


def restore(cls: type[Any], arrays: dict[str, Any], meta: dict[str, Any]) -> Any:
    """The ``cls`` estimator ``export_state`` described, on the CPU (``to_device`` moves it)."""
    params = dict(meta["params"])
    for name in ("hidden_layer_sizes", "activation"):
        if isinstance(params.get(name), list):
            params[name] = tuple(params[name])
    valid = cls().get_params()
    est = cls(**{k: v for k, v in params.items() if k in valid})
    est.device = "cpu"  # the file's weights are host arrays; layerwise.load(path, device=...) moves them
    dtype = np.dtype(meta["dtype"])
    L = len(meta["layer_dims"]) - 1
    est.params_ = tuple(
        LayerParams(
            np.ascontiguousarray(arrays[f"W{l}"], dtype=dtype), np.ascontiguousarray(arrays[f"b{l}"], dtype=dtype)
        )
        for l in range(1, L + 1)
    )
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
    if meta["loss"] == "mse":  # a regressor: its target scaling (None: trained on the raw target)
        est.target_mean_ = est.target_scale_ = None
        ts = meta.get("target_scaling")
        if ts is not None:
            est.target_mean_, est.target_scale_ = (np.array(ts[k], dtype=dtype) for k in ("mean", "scale"))
            if est.target_mean_.shape != (est.n_outputs_,) or est.target_scale_.shape != (est.n_outputs_,):
                raise ValueError(f"target_scaling must hold {est.n_outputs_} mean(s) and scale(s), got {ts!r}")
    est.history_ = {"cost": []}
    est.loss_curve_, est.validation_scores_ = [], None
    est.best_loss_ = est.best_validation_score_ = None
    est.train_state_ = est.opt_state_ = None
    return est


__all__ = ["summary", "export_state", "restore"]

"""ONNX export: a fitted network as an ONNX graph of MatMul, Add and activation nodes.

The graph takes ``X`` (N, n_x) in scikit-learn's layout and the model's dtype: the raw columns, as
``predict`` does, when the model carries a scaler (``preprocessing_``, which the graph applies first). Layer l is
``A[l] = g[l](A[l-1] W[l]^T + b[l]^T)``: the same math as the course's Z = W A + b, transposed once
for the samples-as-rows layout. Outputs follow the estimator's methods:

- classifier: ``probabilities`` (predict_proba: (N, 2) for binary, (N, k) otherwise) and ``label``
  (predict: (N,) of the classes, or (N, k) of 0/1 for multilabel);
- regressor: ``predictions`` ((N,) for one output, (N, k) for several), mapped back from the
  standardized target (``Z[L] * target_scale + target_mean``) when the model was trained on one.

Built from ``layerwise.estimators.export_state(model)`` only, with ``onnx.helper``; needs the ``onnx`` extra.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..core.activations import ACTIVATIONS
from .atomic import write_atomically

OPSET = 17


def _op(op_type: str) -> Callable[[_Graph, str, str], str]:
    return lambda g, Z, out: g.add(op_type, [Z], out)


def _leaky_relu(g: _Graph, Z: str, out: str) -> str:
    # max(Z, 0.01 Z) with the slope in the model's dtype (LeakyRelu's alpha attribute is only float32)
    slope = g.const(f"{out}_slope", np.array(0.01, g.np_dtype))
    return g.add("Max", [Z, g.add("Mul", [Z, slope], f"{out}_slope_Z")], out)


# the core's activation name (aliases resolved through core.ACTIVATIONS) -> builder (graph, input, output)
_BUILDERS = {
    "relu": _op("Relu"),
    "tanh": _op("Tanh"),
    "sigmoid": _op("Sigmoid"),
    "leaky_relu": _leaky_relu,
    "linear": _op("Identity"),
}


def _onnx() -> Any:
    try:
        import onnx
    except ImportError:
        raise ImportError("exporting to ONNX needs onnx: pip install 'layerwise[onnx]'") from None
    return onnx


class _Graph:
    """Collects nodes and initializers; ``add`` returns the new node's output name."""

    def __init__(self, onnx: Any, dtype: Any) -> None:
        self.onnx, self.np_dtype = onnx, np.dtype(dtype)
        self.nodes: list[Any] = []
        self.inits: list[Any] = []

    def const(self, name: str, value: Any) -> str:
        self.inits.append(self.onnx.numpy_helper.from_array(np.asarray(value), name))
        return name

    def add(self, op: str, inputs: Sequence[str], out: str, **attrs: Any) -> str:
        self.nodes.append(self.onnx.helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def add_ml(
        self, op: str, inputs: Sequence[str], out: str, **attrs: Any
    ) -> str:  # a node of the ai.onnx.ml domain (the table's LabelEncoder)
        self.nodes.append(self.onnx.helper.make_node(op, inputs, [out], name=out, domain="ai.onnx.ml", **attrs))
        return out


def _scaled_input(g: _Graph, step: Any, X: str = "X") -> str:
    """The scaler a model file carries (``preprocessing_``) as nodes on X: raw columns in, as ``predict``."""
    if step is None:
        return X
    params = step.get_params()
    c: Callable[[str], str] = lambda name: g.const(f"scaler_{name}", np.asarray(getattr(step, f"{name}_"), g.np_dtype))  # noqa: E731
    if hasattr(step, "mean_"):  # StandardScaler: (X - mean) / scale
        A = g.add("Sub", [X, c("mean")], "X_centred") if params.get("with_mean", True) else X
        return g.add("Div", [A, c("scale")], "X_scaled") if params.get("with_std", True) else A
    A = g.add("Add", [g.add("Mul", [X, c("scale")], "X_times_scale"), c("min")], "X_scaled")  # MinMaxScaler
    if params.get("clip"):
        low, high = (np.asarray(v, g.np_dtype) for v in params["feature_range"])
        A = g.add(
            "Min", [g.add("Max", [A, g.const("clip_low", low)], "X_above_low"), g.const("clip_high", high)], "X_clipped"
        )
    return A


def _hidden(g: _Graph, arrays: dict[str, Any], meta: dict[str, Any], A: str = "X") -> str:
    """The layers 1..L as nodes: A[0] (N, n[0]) -> Z[L] (N, n[L]) (the output layer's logits)."""
    L = len(meta["layer_dims"]) - 1
    for l in range(1, L + 1):
        W_T = g.const(f"W{l}T", np.ascontiguousarray(arrays[f"W{l}"].T))  # (n[l-1], n[l])
        b_T = g.const(f"b{l}T", arrays[f"b{l}"].reshape(1, -1))  # (1, n[l])
        Z = g.add("Add", [g.add("MatMul", [A, W_T], f"XW{l}"), b_T], f"Z{l}")  # (N, n[l])
        if l == L:
            return Z
        name = meta["activations"][l - 1]
        name = ACTIVATIONS[name].name if name in ACTIVATIONS else name
        if name not in _BUILDERS:
            raise ValueError(f"activation {name!r} has no ONNX export; supported: {sorted(_BUILDERS)}")
        A = _BUILDERS[name](g, Z, f"A{l}")
    raise ValueError("layer_dims lists no layer")  # (unreachable: a model file has L >= 1, checked on load)


def _classifier_outputs(g: _Graph, Z: str, meta: dict[str, Any]) -> list[tuple[str, Any, list[Any]]]:
    """-> [(output name, numpy dtype, shape)]: probabilities and labels."""
    classes = np.asarray(meta["classes"])
    if classes.dtype.kind == "U":
        classes = classes.astype(object)  # ONNX string tensors
    k = meta["layer_dims"][-1]
    if meta["loss"] == "categorical_crossentropy":
        proba = g.add("Softmax", [Z], "probabilities", axis=1)  # (N, k)
        index = g.add("ArgMax", [Z], "class_index", axis=1, keepdims=0)  # (N,)
        label = g.add("Gather", [g.const("classes", classes), index], "label")
        return [(proba, g.np_dtype, ["N", k]), (label, classes.dtype, ["N"])]
    p = g.add("Sigmoid", [Z], "p")  # (N, n[L])
    positive = g.add("Greater", [p, g.const("half", np.array(0.5, g.np_dtype))], "positive")  # the course's 0.5
    if meta["output_type"] == "multilabel-indicator":
        return [
            (g.add("Identity", [p], "probabilities"), g.np_dtype, ["N", k]),
            (g.add("Cast", [positive], "label", to=7), np.dtype(np.int64), ["N", k]),
        ]
    one_minus_p = g.add("Sub", [g.const("one", np.ones((), g.np_dtype)), p], "one_minus_p")
    proba = g.add("Concat", [one_minus_p, p], "probabilities", axis=1)  # (N, 2)
    flat = g.add("Reshape", [positive, g.const("flat", np.array([-1], dtype=np.int64))], "positive_flat")  # (N,)
    index = g.add("Cast", [flat], "class_index", to=7)  # int64
    label = g.add("Gather", [g.const("classes", classes), index], "label")
    return [(proba, g.np_dtype, ["N", 2]), (label, classes.dtype, ["N"])]


def _regressor_outputs(g: _Graph, Z: str, meta: dict[str, Any]) -> list[tuple[str, Any, list[Any]]]:
    k = meta["layer_dims"][-1]
    ts = meta.get("target_scaling")
    if ts is not None:  # the network learned the standardized target: y = Z * scale + mean
        scale = g.const("target_scale", np.array(ts["scale"], g.np_dtype).reshape(1, k))
        mean = g.const("target_mean", np.array(ts["mean"], g.np_dtype).reshape(1, k))
        Z = g.add("Add", [g.add("Mul", [Z, scale], "Z_scaled"), mean], "Z_target")  # (N, k)
    if k == 1:
        return [
            (g.add("Reshape", [Z, g.const("flat", np.array([-1], dtype=np.int64))], "predictions"), g.np_dtype, ["N"])
        ]
    return [(g.add("Identity", [Z], "predictions"), g.np_dtype, ["N", k])]


def to_onnx(model: Any) -> Any:
    """The fitted ``model`` as an ``onnx.ModelProto`` (checked with onnx.checker).

    A Pipeline of a TablePreprocessor and an estimator (what ``layerwise train`` writes for a table, and
    ``layerwise.load`` gives back) becomes one graph with one input per raw column (io.onnx_table)."""
    onnx = _onnx()
    from onnx import helper

    from ..estimators import export_state
    from . import onnx_table
    from .modelfile import split_pipeline

    table, model = split_pipeline(model)
    arrays, meta = export_state(model)
    dtype = np.dtype(meta["dtype"])
    g = _Graph(onnx, dtype)
    elem = helper.np_dtype_to_tensor_dtype
    if table is None:
        A = _scaled_input(g, getattr(model, "preprocessing_", None))
        inputs = [helper.make_tensor_value_info("X", elem(dtype), ["N", meta["layer_dims"][0]])]
    else:  # one input (N, 1) per raw column: floats for numeric, strings for categorical
        A, columns = onnx_table.table_inputs(g, table, _scaled_input)
        inputs = [
            helper.make_tensor_value_info(n, onnx.TensorProto.STRING if dt.kind == "O" else elem(dt), ["N", 1])
            for n, dt in columns
        ]
    Z = _hidden(g, arrays, meta, A)
    is_classifier = meta["loss"] != "mse"
    outs = (_classifier_outputs if is_classifier else _regressor_outputs)(g, Z, meta)
    if table is not None:
        onnx_table.check_names(g, columns)
    outputs = [helper.make_tensor_value_info(n, elem(dt), shape) for n, dt, shape in outs]
    graph = helper.make_graph(g.nodes, f"layerwise_{meta['estimator']}", inputs, outputs, g.inits)
    opsets = [helper.make_opsetid("", OPSET)] + ([helper.make_opsetid("ai.onnx.ml", 2)] if table is not None else [])
    proto = helper.make_model(graph, opset_imports=opsets, producer_name="layerwise", ir_version=8)
    if table is not None:
        helper.set_model_props(proto, onnx_table.metadata(table))
    onnx.checker.check_model(proto)
    return proto


def export_onnx(model: Any, path: str | os.PathLike[str]) -> str:
    """Write the fitted ``model`` to ``path`` as an ONNX file, atomically. Returns ``path``."""
    write_atomically(path, to_onnx(model).SerializeToString())
    return os.fspath(path)


__all__ = ["export_onnx", "to_onnx", "OPSET"]

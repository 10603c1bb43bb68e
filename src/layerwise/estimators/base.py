"""BaseNeuralNet: the one estimator base class: parameters, input checks, what to train, prediction.

The public layout is scikit-learn's, X (n_samples, n_features); the course's (n_x, m) arrays are its
transpose, taken once at this boundary. ``params_`` holds ``LayerParams(W (n[l], n[l-1]), b (n[l], 1))``
per layer l = 1..L, the course's orientation: ``params_[l-1].W`` is the transpose of scikit-learn's
``coefs_[l-1]``. How the steps run (loop, CUDA graph, L-BFGS, threads, precision) is layerwise.engine.fit's. The parameters, their defaults and what they mean are
estimators/hyperparams.py's (``NeuralNetParams``).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import core
from .._backend import FLOAT_DTYPES, host
from .._typing import Array, FloatArray
from ..engine import DivergenceError, TrainState, fit, host_dtype, precision_scope, predict_forward
from ..engine.ops import Ops
from ..engine.predict import CHUNK as PREDICT_CHUNK  # rows per forward pass at prediction, at most
from ..progress import Progress
from . import device
from .advice import not_converged
from .columns import by_name
from .fastcheck import quick_rows
from .hyperparams import NeuralNetParams
from .params import check_params, check_sample_weight
from .rows import Rows, targets
from .sanity import check_features
from .solver import fit_config, optimizer
from .state import summary
from .validation import split

if TYPE_CHECKING:  # typing.Self from Python 3.11; the annotations are strings (never evaluated) at run time
    from typing_extensions import Self


class BaseNeuralNet(NeuralNetParams):
    """What the classifier and the regressor share; they add encoding y, the output layer and decoding."""

    params_: tuple[core.LayerParams, ...]  # set by fit, as the rest: W (n[l], n[l-1]), b (n[l], 1) per layer
    loss_: str
    train_state_: TrainState | None
    opt_state_: dict[str, Any] | None
    loss_curve_: list[float]
    validation_scores_: list[float] | None

    def _float_dtype(self, first: bool) -> Any:
        if not first:
            return host_dtype(self.params_[0].W.dtype)
        return FLOAT_DTYPES if self.dtype is None else np.dtype(self.dtype).type

    # ------------------------------------------------------------ fitting
    def fit_rows(self, X: Array, y: Array, sample_weight: Array | None = None, *, rows: Rows) -> Self:
        """Fit on this process's rows X, y of a data set spread over processes; ``rows`` (an ``estimators.Rows``)
        says where they sit among all rows and carries the engine's hooks (``layerwise.distributed.fit``)."""
        return self._fit(X, y, sample_weight, rows=rows)

    def _fit(
        self,
        X: Array,
        y: Array,
        sample_weight: Array | None = None,
        incremental: bool = False,
        classes: Array | None = None,
        rows: Rows | None = None,
    ) -> Self:
        rows = Rows() if rows is None else rows  # one process holding every row, or this process's share
        check_params(self)
        first = rows.fresh or not ((incremental or self.warm_start) and hasattr(self, "params_"))
        ops = device.fit_ops(self, X)  # where training runs: X's library if not NumPy, else self.device
        if not first:
            device.check_fit_library(self, ops)
        check_features(X)  # datetime features: a TypeError in words, not nanosecond counts
        error = None
        try:  # (a bad value in one process's rows stops every process, through rows.agree)
            if device.is_device_array(X):
                X, y = device.validate_on_device(self, X, y, first, self._float_dtype(first))
            else:
                X, y = validate_data(
                    self,
                    X,
                    y,
                    reset=first,
                    dtype=self._float_dtype(first),
                    order="C",
                    multi_output=True,
                    y_numeric=not is_classifier(self),
                )
        except ValueError as exc:
            error = exc
        rows.agree(error)
        bounds = rows.bounds(X, y)  # this process holds the rows [bounds[rank], bounds[rank + 1]) of all m
        if bounds[-1] < 2 and not incremental:
            raise ValueError(f"need at least 2 samples to train, got {bounds[-1]} sample(s)")
        dtype = host_dtype(X.dtype)
        if first:
            self.__dict__.pop("preprocessing_", None)  # a fit from scratch forgets a loaded model's scaler
        X = self._preprocess(X, dtype, ops)  # warm start or partial_fit of a loaded model: raw columns, as predict
        precision_scope(ops, self.precision, dtype)  # refuses tf32 with float64 before any state changes
        Y, w, y_all = targets(self, rows, y, sample_weight, first, classes, dtype, bounds[rows.rank])  # from all rows
        X, Y, w = (ops.from_host(A) if isinstance(A, np.ndarray) else A for A in (X, Y, w))  # w may be None
        rs = check_random_state(rows.seed(self.random_state))
        if first:
            self._init_network(X.shape[1], Y.shape[1], rs, dtype)  # drawn on the host, moved by the engine
        if self.solver == "lbfgs" and self.dropout:
            raise ValueError(
                "dropout needs a stochastic solver (sgd, rmsprop, adam); lbfgs minimizes a fixed "
                f"function. Got dropout={self.dropout} with solver='lbfgs'"
            )
        rng = np.random.default_rng(rs.randint(np.iinfo(np.int32).max))
        cfg = fit_config(self, bounds[-1])
        state = self.train_state_
        if first or state is None:
            state = self.train_state_ = TrainState(float(self.learning_rate))
        elif not incremental:
            state.no_improve, state.best_loss, state.best_score = 0, float("inf"), float("-inf")
        validate, part = None, (bounds[rows.rank], bounds[rows.rank + 1], bounds[-1])
        if self.early_stopping and not incremental and self.solver != "lbfgs":
            X, Y, w, validate, part = split(self, X, Y, w, y_all, rows, bounds, rs)
        shard, checkpoint = rows.hooks(self, *part, rs, (X, Y, w))  # this process's share of each batch; resumable runs
        solver, hyper = optimizer(self)
        try:
            with (
                Progress(
                    self.verbose if rows.lead else 0,
                    total=1 if incremental else cfg.max_iter,
                    tol=self.tol,
                    patience=self.n_iter_no_change,
                ) as progress,
                rows.training(),
            ):
                result = fit(
                    self.layer_dims_,
                    self.activations_,
                    self.loss_,
                    self.params_,
                    X,
                    Y,
                    w,
                    cfg,
                    state,
                    solver=solver,
                    hyper=hyper,
                    rng=rng,
                    opt_state=None if first else self.opt_state_,
                    validate=validate,
                    progress=progress,
                    max_epochs=1 if incremental else None,
                    precision=self.precision,
                    shard=shard,
                    checkpoint=checkpoint,
                )
        except DivergenceError as exc:
            self._store(exc.params, state)
            raise
        self._store(result.params, state)
        if solver != "lbfgs":
            self.opt_state_ = result.opt_state
        if solver == "lbfgs" and not result.converged:
            warnings.warn(
                f"{type(self).__name__}: lbfgs stopped after max_iter={self.max_iter} iterations "
                f"without converging ({result.message}); increase max_iter or scale the features",
                ConvergenceWarning,
                stacklevel=2,
            )
        elif solver != "lbfgs" and not incremental and not result.converged and self.solver != "gd" and rows.lead:
            warnings.warn(
                not_converged(type(self).__name__, self.max_iter, self.tol, self.loss_curve_),
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def _init_network(self, n_x: int, n_y: int, rs: np.random.RandomState, dtype: np.dtype[Any]) -> None:
        hidden, self.activations_, inits = self._architecture()
        self.layer_dims_ = [int(n_x), *hidden, int(n_y)]
        self.params_ = core.init_params(self.layer_dims_, inits, rs, dtype=dtype)  # course draws, layer by layer
        self.n_outputs_ = int(n_y)
        self.n_iter_ = 0
        self.train_state_ = self.opt_state_ = None

    def _store(self, params: tuple[core.LayerParams, ...], st: TrainState) -> None:
        self.params_ = params
        self.n_iter_ = st.n_iter
        self.history_ = {k: list(v) for k, v in st.history.items()}
        self.loss_curve_ = list(st.history["cost"])
        self.validation_scores_ = list(st.history["val_score"]) if "val_score" in st.history else None
        self.best_loss_ = min(self.loss_curve_) if self.loss_curve_ and self.validation_scores_ is None else None
        self.best_validation_score_ = (  # early stopping keeps the epoch of least validation cost
            self.validation_scores_[int(np.argmin(st.history["val_cost"]))] if self.validation_scores_ else None
        )

    def _example_weights(self, y: Array, sample_weight: Array | None, m: int, dtype: Any) -> FloatArray | None:
        if sample_weight is None and getattr(self, "class_weight", None) is None:
            return None
        w = check_sample_weight(sample_weight, m, dtype)
        return np.ascontiguousarray(w * self._class_weights(y).astype(dtype, copy=False))

    def _class_weights(self, y: Array) -> FloatArray:
        return np.ones(len(y))

    # ------------------------------------------------------------ prediction and the fitted network
    def _forward(self, X: Array) -> tuple[Array, Array]:
        """X (n_samples, n_features) -> (AL (n_samples, n[L]), ZL (n_samples, n[L])), by the engine's
        in-place forward pass in chunks of ``PREDICT_CHUNK`` rows. A plain NumPy matrix takes the quick
        check (``fastcheck``); anything else, and anything it refuses, scikit-learn's ``validate_data``."""
        if "params_" not in self.__dict__:
            check_is_fitted(self, "params_")  # scikit-learn's NotFittedError (the check costs ~15 us a call)
        ops = device.check_input_library(self, X, "predict")  # X must live where the parameters do
        dtype = host_dtype(self.params_[0].W.dtype)
        if ops.is_numpy:
            A = quick_rows(self, X, dtype)
            if A is None:
                check_features(X)
            X = validate_data(self, by_name(self, X), reset=False, dtype=dtype) if A is None else A
        else:
            X, _ = device.validate_on_device(self, X, None, False, dtype)
        X = self._preprocess(X, dtype, ops)
        with precision_scope(ops, self.precision, dtype), np.errstate(under="ignore"):  # e^-z -> 0: exact enough
            return predict_forward(
                X, [(p.W, p.b) for p in self.params_], self.activations_, self.loss_, chunk=PREDICT_CHUNK
            )

    def _preprocess(self, X: Array, dtype: Any, ops: Ops) -> Array:
        """X through the scaler a model file carried (``preprocessing_``): raw columns in, as the file's
        trainer saw them after scaling. Device arrays go through the scaler on the host."""
        step = getattr(self, "preprocessing_", None)
        if step is None:
            return X
        if ops.is_numpy:
            return np.ascontiguousarray(step.transform(X), dtype=dtype)
        return ops.from_host(np.ascontiguousarray(step.transform(host(X)), dtype=dtype))

    def to_device(self, device_name: Any) -> Self:
        """Move the fitted parameters (and the optimizer's state) to "cpu", "cuda" or a device object; returns self."""
        return device.to_device(self, device_name)

    def summary(self, m: int | None = None) -> str:
        """The layer table: shapes of W[l], b[l], A[l] (m examples), activation and parameter count."""
        return summary(self, m)


__all__ = ["BaseNeuralNet", "PREDICT_CHUNK"]

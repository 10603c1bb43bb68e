"""The estimators' shared machinery: parameters, validation, and training over the engine.

The public layout is scikit-learn's, X (n_samples, n_features); the course's (n_x, m) arrays are its
transpose, taken once at this boundary. ``params_`` holds ``LayerParams(W (n[l], n[l-1]),
b (n[l], 1))`` per layer l = 1..L, the course's orientation: ``params_[l-1].W`` is the transpose of
scikit-learn's ``coefs_[l-1]``. Prediction reads only the fitted attributes listed in CONTRACT.md.

Training choices (docs/guide/estimators.md has the formulas):
- ``solver="gd"`` is the course's loop: full batch, no shuffling, exactly ``max_iter`` iterations
  (``tol`` is not used; ``early_stopping`` still is), no ConvergenceWarning.
- ``solver="sgd"`` is the course's momentum, v = beta v + (1 - beta) dW, W -= alpha v (Nesterov's look-
  ahead with ``nesterovs_momentum``). scikit-learn's sgd with learning rate a equals ours with a / (1 - beta).
- ``rmsprop`` uses ``beta_2`` as its decay (the course's notation); ``adam`` the course's bias-corrected form.
- ``alpha="auto"`` (the default) is scikit-learn's 1e-4 for every solver but ``gd``, where it is 0.
- L2 as scikit-learn: J += alpha / (2 m) sum ||W[l]||^2, dW[l] += alpha / m W[l] (m: batch size, or the
  batch's sum of sample weights); biases are not penalized.
"""
from __future__ import annotations

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from . import core
from ._nn_device import _DeviceMixin, is_device_array, precision_scope
from ._nn_state import _StateMixin
from .core import LayerParams
from .engine import DivergenceError, FitConfig, Network, TrainState, make_optimizer, run_epoch, train
from .engine.lbfgs import fit_lbfgs
from ._backend import host, namespace
from .engine.ops import host_dtype, ops_for
from .engine.threads import blas_threads_for
from .progress import Progress

_HIDDEN = {"relu": "relu", "leaky_relu": "leaky_relu", "tanh": "tanh", "sigmoid": "sigmoid",
           "logistic": "sigmoid", "linear": "linear", "identity": "linear"}
_PREDICT_CHUNK = 4096  # rows per forward pass at prediction
_RELU_LIKE = {"relu", "leaky_relu"}
_INITS = {"auto", "random", "xavier", "he", "zeros"}
# solver -> (engine optimizer, its hyperparameters from the estimator)
_SOLVERS = {
    "gd": lambda e: ("gd", {}),
    "sgd": lambda e: ("momentum", {"beta": e.momentum, "nesterov": bool(e.nesterovs_momentum)}),
    "rmsprop": lambda e: ("rmsprop", {"beta": e.beta_2, "epsilon": e.epsilon}),
    "adam": lambda e: ("adam", {"beta_1": e.beta_1, "beta_2": e.beta_2, "epsilon": e.epsilon}),
}


class _BaseNeuralNet(_DeviceMixin, _StateMixin, BaseEstimator):
    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(numbers.Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(_HIDDEN)), list, tuple],
        "init": [StrOptions(_INITS)],
        "solver": [StrOptions({"gd", "sgd", "rmsprop", "adam", "lbfgs"})],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "learning_rate_schedule": [StrOptions({"constant", "invscaling", "adaptive"})],
        "batch_size": [StrOptions({"auto"}), Interval(numbers.Integral, 1, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "momentum": [Interval(numbers.Real, 0, 1, closed="left")],
        "nesterovs_momentum": ["boolean"],
        "beta_1": [Interval(numbers.Real, 0, 1, closed="left")],
        "beta_2": [Interval(numbers.Real, 0, 1, closed="left")],
        "epsilon": [Interval(numbers.Real, 0, None, closed="neither")],
        "alpha": [Interval(numbers.Real, 0, None, closed="left"), StrOptions({"auto"})],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "dtype": [None, StrOptions({"float32", "float64"}), Options(type, {np.float32, np.float64})],
        "device": [StrOptions({"cpu", "cuda"})],
        "precision": [StrOptions({"ieee", "tf32"})],
    }

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", init="auto", solver="adam",
                 learning_rate=0.001, learning_rate_schedule="constant", batch_size="auto", max_iter=200,
                 shuffle=True, momentum=0.9, nesterovs_momentum=True, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 alpha="auto", dropout=0.0, tol=1e-4, n_iter_no_change=10, early_stopping=False,
                 validation_fraction=0.1, warm_start=False, random_state=None, verbose=0, dtype=None,
                 device="cpu", precision="ieee"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.init = init
        self.solver = solver
        self.learning_rate = learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.alpha = alpha
        self.dropout = dropout
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.dtype = dtype
        self.device = device
        self.precision = precision

    # ------------------------------------------------------------ architecture
    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, numbers.Integral) else list(sizes)
        bad = [n for n in sizes if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1]
        if bad:
            raise ValueError(f"hidden_layer_sizes must be positive integers (one per hidden layer), got {sizes!r}; "
                             "use () for logistic or linear regression")
        return [int(n) for n in sizes]

    def _hidden_activations(self, n_hidden):
        acts = self.activation
        names = [acts] * n_hidden if isinstance(acts, str) else list(acts)
        if len(names) != n_hidden:
            raise ValueError(f"activation must be one name or one per hidden layer ({n_hidden}), got {acts!r}")
        unknown = [a for a in names if a not in _HIDDEN]
        if unknown:
            raise ValueError(f"unknown activation(s) {unknown}; expected one of {sorted(_HIDDEN)}")
        return [_HIDDEN[a] for a in names]

    def _layer_inits(self, activations):
        if self.init != "auto":
            return self.init
        return ["he" if g in _RELU_LIKE else "xavier" for g in activations] + ["xavier"]  # output: xavier

    def _float_dtype(self, first):
        if not first:
            return host_dtype(self.params_[0].W.dtype)
        return [np.float64, np.float32] if self.dtype is None else np.dtype(self.dtype).type

    # ------------------------------------------------------------ fitting
    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        first = not ((incremental or self.warm_start) and hasattr(self, "params_"))
        ops = self._fit_ops(X)  # where training runs: X's library if not NumPy, else self.device
        if not first:
            self._check_fit_library(ops)
        if is_device_array(X):
            X, y = self._validate_on_device(X, y, first, self._float_dtype(first))
        else:
            X, y = validate_data(self, X, y, reset=first, dtype=self._float_dtype(first), order="C",
                                 multi_output=True, y_numeric=not self._is_classifier)
        if X.shape[0] < 2 and not incremental:
            raise ValueError(f"need at least 2 samples to train, got {X.shape[0]} sample(s)")
        dtype = host_dtype(X.dtype)
        precision = precision_scope(ops, self.precision, dtype)  # refuses tf32 with float64 before any state
        Y = self._encode_targets(y, first, classes, dtype)  # (m, n[L]), on the host
        w = self._example_weights(y, sample_weight, np.empty((X.shape[0], 0), dtype=dtype))
        X, Y, w = (None if A is None else ops.from_host(A) if isinstance(A, np.ndarray) else A for A in (X, Y, w))
        rs = check_random_state(self.random_state)
        if first:
            self._init_network(X.shape[1], Y.shape[1], rs, dtype)  # drawn on the host, moved by set_params
        net = Network(self.layer_dims_, self.activations_, self.loss_, dtype, ops=ops)
        net.set_params(self.params_)
        rng = np.random.default_rng(rs.randint(np.iinfo(np.int32).max))
        batch = X.shape[0] if self.solver in ("gd", "lbfgs") else self._config(X.shape[0]).batch_size
        try:
            with blas_threads_for(self.layer_dims_, batch), precision:
                if self.solver == "lbfgs":
                    self._fit_lbfgs(net, X, Y, w, first)
                else:
                    self._fit_stochastic(net, X, y, Y, w, rs, rng, first, incremental)
        except DivergenceError:
            self._store(net)
            raise
        self._store(net)
        return self

    def _init_network(self, n_x, n_y, rs, dtype):
        hidden = self._hidden_sizes()
        self.layer_dims_ = [int(n_x), *hidden, int(n_y)]
        self.activations_ = self._hidden_activations(len(hidden))
        inits = self._layer_inits(self.activations_)
        self.params_ = core.init_params(self.layer_dims_, inits, rs, dtype=dtype)  # course draws, layer by layer
        self.n_outputs_ = int(n_y)
        self.n_iter_ = 0
        self._state = None
        self._opt_state = None

    def _store(self, net):
        self.params_ = net.get_params()
        st = self._state
        self.n_iter_ = st.n_iter
        self.history_ = {k: list(v) for k, v in st.history.items()}
        self.loss_curve_ = list(st.history["cost"])
        self.validation_scores_ = list(st.history["val_score"]) if "val_score" in st.history else None
        self.best_loss_ = min(self.loss_curve_) if self.loss_curve_ and self.validation_scores_ is None else None
        self.best_validation_score_ = max(self.validation_scores_) if self.validation_scores_ else None

    def _alpha(self):
        """L2 strength: ``alpha="auto"`` is scikit-learn's 1e-4, except for ``solver="gd"``, the course's
        plain gradient descent, which has no L2 (so the course's recipes reproduce as written)."""
        if self.alpha == "auto":
            return 0.0 if self.solver == "gd" else 1e-4
        return float(self.alpha)

    def _config(self, m):
        batch = m if self.solver == "gd" else (min(200, m) if self.batch_size == "auto" else int(self.batch_size))
        if self.solver != "gd" and self.batch_size != "auto" and batch > m:
            warnings.warn(f"batch_size {batch} is larger than the {m} training samples; using {m}", UserWarning)
        return FitConfig(batch_size=min(batch, m), max_iter=self.max_iter, learning_rate=float(self.learning_rate),
                         schedule=self.learning_rate_schedule, shuffle=bool(self.shuffle) and self.solver != "gd",
                         alpha=self._alpha(), keep_prob=1.0 - float(self.dropout), tol=float(self.tol),
                         n_iter_no_change=int(self.n_iter_no_change), use_tol=self.solver != "gd")

    def _fit_stochastic(self, net, X, y, Y, w, rs, rng, first, incremental):
        opt_name, hyper = _SOLVERS[self.solver](self)
        opt = make_optimizer(opt_name, net.size, net.dtype, ops=net.ops, **hyper)
        if first or self._state is None:
            self._state = TrainState(float(self.learning_rate))
        elif self._opt_state is not None and self._opt_state.get("name") == opt_name:
            opt.load_state_dict({k: v for k, v in self._opt_state.items() if k != "name"})  # warm start
        cfg = self._config(X.shape[0])
        validate = None
        if self.early_stopping and not incremental:
            X, X_val, Y, Y_val, y_val, w = self._split(X, y, Y, w, rs)
            validate = lambda: self._validation(net, X_val, Y_val, y_val)  # noqa: E731
        if not incremental and not first:
            self._state.no_improve, self._state.best_loss, self._state.best_score = 0, float("inf"), float("-inf")
        epoch = _epoch_runner(net, opt, X, Y, w, cfg)  # the GPU's captured step where it applies
        with Progress(self.verbose, total=1 if incremental else cfg.max_iter) as progress:
            state = train(net, opt, X, Y, w, cfg, self._state, rng, validate, progress,
                          max_epochs=1 if incremental else None, run=epoch)
        self._opt_state = {"name": opt_name, **{k: (net.ops.copy(v) if hasattr(v, "shape") else v)
                                                 for k, v in opt.state_dict().items()}}
        if validate is not None and state.best_theta is not None:
            net.ops.copyto(net.theta, state.best_theta)  # early stopping keeps the best validated weights
            state.best_theta = None
        if not incremental and not state.stopped and self.solver != "gd":
            warnings.warn(f"{type(self).__name__}: max_iter={self.max_iter} reached and the optimization has not "
                          "converged yet; increase max_iter or the learning_rate", ConvergenceWarning)

    def _fit_lbfgs(self, net, X, Y, w, first):
        if self.dropout:
            raise ValueError("dropout needs a stochastic solver (sgd, rmsprop, adam); lbfgs minimizes a fixed "
                             f"function. Got dropout={self.dropout} with solver='lbfgs'")
        if first or self._state is None:
            self._state = TrainState(float(self.learning_rate))
        with Progress(self.verbose, total=self.max_iter) as progress:
            result = fit_lbfgs(net, X, Y, w, self._alpha(), self.max_iter, float(self.tol),
                               progress=progress, state=self._state)
        if result.status == 1:
            warnings.warn(f"{type(self).__name__}: lbfgs stopped after max_iter={self.max_iter} iterations "
                          f"without converging ({result.message}); increase max_iter or scale the features",
                          ConvergenceWarning)

    def _split(self, X, y, Y, w, rs):
        stratify = y if self._is_classifier and self.output_type_ in ("binary", "multiclass") else None
        idx = np.arange(X.shape[0])
        tr, va = train_test_split(idx, random_state=rs, test_size=self.validation_fraction, stratify=stratify)
        if len(va) < 2:
            raise ValueError(f"validation_fraction={self.validation_fraction} leaves {len(va)} validation sample(s) "
                             f"of {X.shape[0]}; use a larger validation_fraction or early_stopping=False")
        tr.sort()
        if is_device_array(X):  # rows gathered on the device (y, for scoring, stays on the host)
            o = ops_for(X)
            rows = lambda A, i: o.take_rows(A, o.from_host(i), out=o.empty((len(i), *A.shape[1:]), A.dtype))  # noqa
            return rows(X, tr), rows(X, va), rows(Y, tr), rows(Y, va), y[va], None if w is None else rows(w, tr)
        return (np.ascontiguousarray(X[tr]), X[va], np.ascontiguousarray(Y[tr]), Y[va], y[va],
                None if w is None else np.ascontiguousarray(w[tr]))

    def _validation(self, net, X_val, Y_val, y_val):
        params = tuple(LayerParams(W, b) for W, b in zip(net.W, net.b))
        with np.errstate(under="ignore"):
            AL, caches = core.model_forward(X_val.T, params, self.activations_, self.loss_)
        cost = float(core.compute_cost(caches, Y_val.T, self.loss_))  # host sync: logged
        return cost, self._score_outputs(host(AL.T), y_val)

    def _example_weights(self, y, sample_weight, X):
        if sample_weight is None and getattr(self, "class_weight", None) is None:
            return None
        w = _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
        return np.ascontiguousarray(w * self._class_weights(y).astype(X.dtype, copy=False))

    def _class_weights(self, y):
        return np.ones(len(y))

    # ------------------------------------------------------------ prediction
    def _forward(self, X):
        """X (n_samples, n_features) -> (AL (n_samples, n[L]), ZL (n_samples, n[L])).

        The core's forward pass, in chunks of ``_PREDICT_CHUNK`` rows so that its caches stay small.
        """
        check_is_fitted(self, "params_")
        ops = self._check_input_library(X, "predict")  # X must live where the parameters do
        dtype = host_dtype(self.params_[0].W.dtype)
        if ops.is_numpy:
            X = validate_data(self, X, reset=False, dtype=dtype)
        else:
            X, _ = self._validate_on_device(X, None, False, dtype)
        AL, ZL = [], []
        with precision_scope(ops, self.precision, dtype):
            for start in range(0, X.shape[0], _PREDICT_CHUNK):
                rows = slice(start, min(start + _PREDICT_CHUNK, X.shape[0]))
                with np.errstate(under="ignore"):  # exp underflowing to 0 in a saturated unit is exact enough
                    A, caches = core.model_forward(X[rows, ...].T, self.params_, self.activations_, self.loss_)
                AL.append(A.T)
                ZL.append(caches[-1].Z.T)
        if len(AL) == 1:
            return AL[0], ZL[0]
        xp = namespace(AL[0])
        return xp.concat(AL, axis=0), xp.concat(ZL, axis=0)


def _epoch_runner(net, opt, X, Y, w, cfg):
    """The epoch function for this fit: the GPU's CUDA-graph epoch on CuPy where it applies, else the loop's."""
    if net.ops.name == "cupy":
        from .engine.cuda import graph_epoch

        run = graph_epoch(net, opt, X, Y, w, cfg)
        if run is not None:
            return run
    return run_epoch

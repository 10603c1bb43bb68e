"""scikit-learn estimators over the engine: ``NeuralNetClassifier`` and ``NeuralNetRegressor``.

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
- L2 as scikit-learn: J += alpha / (2 m) sum ||W[l]||^2, dW[l] += alpha / m W[l] (m: batch size, or the
  batch's sum of sample weights); biases are not penalized.
"""
from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, column_or_1d, validate_data

from . import core
from .core import LayerParams
from .engine import DivergenceError, FitConfig, Network, TrainState, make_optimizer, train
from .engine.lbfgs import fit_lbfgs
from .progress import Progress

_HIDDEN = {"relu": "relu", "leaky_relu": "leaky_relu", "tanh": "tanh", "sigmoid": "sigmoid",
           "logistic": "sigmoid", "linear": "linear", "identity": "linear"}
_RELU_LIKE = {"relu", "leaky_relu"}
_INITS = {"auto", "random", "xavier", "he", "zeros"}
# solver -> (engine optimizer, its hyperparameters from the estimator)
_SOLVERS = {
    "gd": lambda e: ("gd", {}),
    "sgd": lambda e: ("momentum", {"beta": e.momentum, "nesterov": bool(e.nesterovs_momentum)}),
    "rmsprop": lambda e: ("rmsprop", {"beta": e.beta_2, "epsilon": e.epsilon}),
    "adam": lambda e: ("adam", {"beta_1": e.beta_1, "beta_2": e.beta_2, "epsilon": e.epsilon}),
}


class _BaseNeuralNet(BaseEstimator):
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
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "dtype": [None, StrOptions({"float32", "float64"}), Options(type, {np.float32, np.float64})],
        "device": [StrOptions({"cpu"})],
    }

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", init="auto", solver="adam",
                 learning_rate=0.001, learning_rate_schedule="constant", batch_size="auto", max_iter=200,
                 shuffle=True, momentum=0.9, nesterovs_momentum=True, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 alpha=1e-4, dropout=0.0, tol=1e-4, n_iter_no_change=10, early_stopping=False,
                 validation_fraction=0.1, warm_start=False, random_state=None, verbose=0, dtype=None,
                 device="cpu"):
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
            return self.params_[0].W.dtype
        return [np.float64, np.float32] if self.dtype is None else np.dtype(self.dtype).type

    # ------------------------------------------------------------ fitting
    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        first = not ((incremental or self.warm_start) and hasattr(self, "params_"))
        X, y = validate_data(self, X, y, reset=first, dtype=self._float_dtype(first), order="C",
                             multi_output=True, y_numeric=not self._is_classifier)
        if X.shape[0] < 2 and not incremental:
            raise ValueError(f"need at least 2 samples to train, got {X.shape[0]} sample(s)")
        Y = self._encode_targets(y, first, classes, X.dtype)  # (m, n[L])
        w = self._example_weights(y, sample_weight, X)
        rs = check_random_state(self.random_state)
        if first:
            self._init_network(X.shape[1], Y.shape[1], rs, X.dtype)
        net = Network(self.layer_dims_, self.activations_, self.loss_, X.dtype)
        net.set_params(self.params_)
        rng = np.random.default_rng(rs.randint(np.iinfo(np.int32).max))
        try:
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

    def _config(self, m):
        batch = m if self.solver == "gd" else (min(200, m) if self.batch_size == "auto" else int(self.batch_size))
        if self.solver != "gd" and self.batch_size != "auto" and batch > m:
            warnings.warn(f"batch_size {batch} is larger than the {m} training samples; using {m}", UserWarning)
        return FitConfig(batch_size=min(batch, m), max_iter=self.max_iter, learning_rate=float(self.learning_rate),
                         schedule=self.learning_rate_schedule, shuffle=bool(self.shuffle) and self.solver != "gd",
                         alpha=float(self.alpha), keep_prob=1.0 - float(self.dropout), tol=float(self.tol),
                         n_iter_no_change=int(self.n_iter_no_change), use_tol=self.solver != "gd")

    def _fit_stochastic(self, net, X, y, Y, w, rs, rng, first, incremental):
        opt_name, hyper = _SOLVERS[self.solver](self)
        opt = make_optimizer(opt_name, net.size, net.dtype, **hyper)
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
            self._state.no_improve, self._state.best_loss = 0, float("inf")
        with Progress(self.verbose, total=1 if incremental else cfg.max_iter) as progress:
            state = train(net, opt, X, Y, w, cfg, self._state, rng, validate, progress,
                          max_epochs=1 if incremental else None)
        self._opt_state = {"name": opt_name, **{k: (v.copy() if isinstance(v, np.ndarray) else v)
                                                 for k, v in opt.state_dict().items()}}
        if validate is not None and state.best_theta is not None:
            np.copyto(net.theta, state.best_theta)  # early stopping keeps the best validated weights
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
            result = fit_lbfgs(net, X, Y, w, float(self.alpha), self.max_iter, float(self.tol),
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
        return (np.ascontiguousarray(X[tr]), X[va], np.ascontiguousarray(Y[tr]), Y[va], y[va],
                None if w is None else np.ascontiguousarray(w[tr]))

    def _validation(self, net, X_val, Y_val, y_val):
        params = tuple(LayerParams(W, b) for W, b in zip(net.W, net.b))
        with np.errstate(under="ignore"):
            AL, caches = core.model_forward(X_val.T, params, self.activations_, self.loss_)
        cost = float(core.compute_cost(caches, Y_val.T, self.loss_))  # host sync: logged
        return cost, self._score_outputs(AL.T, y_val)

    def _example_weights(self, y, sample_weight, X):
        if sample_weight is None and getattr(self, "class_weight", None) is None:
            return None
        w = _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
        return np.ascontiguousarray(w * self._class_weights(y).astype(X.dtype, copy=False))

    def _class_weights(self, y):
        return np.ones(len(y))

    # ------------------------------------------------------------ prediction
    def _forward(self, X):
        """X (n_samples, n_features) -> (AL (n_samples, n[L]), ZL (n_samples, n[L]))."""
        check_is_fitted(self, "params_")
        X = validate_data(self, X, reset=False, dtype=self.params_[0].W.dtype)
        with np.errstate(under="ignore"):  # exp underflowing to 0 in a saturated unit is exact enough
            AL, caches = core.model_forward(X.T, self.params_, self.activations_, self.loss_)
        return AL.T, caches[-1].Z.T

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
            arrays[f"W{l}"] = np.ascontiguousarray(np.asarray(p.W))
            arrays[f"b{l}"] = np.ascontiguousarray(np.asarray(p.b))
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
            "dtype": str(self.params_[0].W.dtype),
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

    def __getstate__(self):
        return dict(self.__dict__)


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


class NeuralNetClassifier(ClassifierMixin, _BaseNeuralNet):
    """A fully connected network classifier (binary: one sigmoid unit; multiclass: softmax;
    multilabel: one sigmoid per label). Parameters as scikit-learn's MLPClassifier where it has them;
    see docs/guide/estimators.md."""

    _is_classifier = True
    _parameter_constraints = {**_BaseNeuralNet._parameter_constraints,
                              "class_weight": [None, StrOptions({"balanced"}), dict]}

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", init="auto", solver="adam",
                 learning_rate=0.001, learning_rate_schedule="constant", batch_size="auto", max_iter=200,
                 shuffle=True, momentum=0.9, nesterovs_momentum=True, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 alpha=1e-4, dropout=0.0, tol=1e-4, n_iter_no_change=10, early_stopping=False,
                 validation_fraction=0.1, warm_start=False, random_state=None, verbose=0, dtype=None,
                 device="cpu", class_weight=None):
        super().__init__(hidden_layer_sizes, activation, init, solver, learning_rate, learning_rate_schedule,
                         batch_size, max_iter, shuffle, momentum, nesterovs_momentum, beta_1, beta_2, epsilon,
                         alpha, dropout, tol, n_iter_no_change, early_stopping, validation_fraction, warm_start,
                         random_state, verbose, dtype, device)
        self.class_weight = class_weight

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train on X (n_samples, n_features), y (n_samples,) labels or (n_samples, n_labels) indicators."""
        return self._fit(X, y, sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch on (X, y); ``classes`` (all labels) is required on the first call."""
        if self.solver == "lbfgs":
            raise ValueError("partial_fit needs a minibatch solver (gd, sgd, rmsprop, adam), not lbfgs")
        if not hasattr(self, "params_") and classes is None and np.ndim(y) == 1:
            raise ValueError("classes must be passed on the first call to partial_fit (all labels that "
                             "will ever appear), for example classes=np.unique(y_all)")
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _encode_targets(self, y, first, classes, dtype):
        if first:
            check_classification_targets(y)
            kind = type_of_target(y)
            if kind == "multilabel-indicator":
                self.classes_ = np.arange(y.shape[1])
                self.output_type_, self.loss_ = kind, "binary_crossentropy"
            else:
                y = column_or_1d(y, warn=True)  # a column vector y gets scikit-learn's DataConversionWarning
                self.classes_ = np.unique(y) if classes is None else np.unique(np.asarray(classes))
                if len(self.classes_) < 2:
                    raise ValueError(f"the target has only one class ({self.classes_[0]!r}); a classifier needs "
                                     "samples of at least 2 classes")
                binary = len(self.classes_) == 2
                self.output_type_ = "binary" if binary else "multiclass"
                self.loss_ = "binary_crossentropy" if binary else "categorical_crossentropy"
        if self.output_type_ == "multilabel-indicator":
            if np.ndim(y) != 2 or y.shape[1] != len(self.classes_):
                raise ValueError(f"expected a multilabel indicator matrix with {len(self.classes_)} columns, "
                                 f"got y of shape {np.shape(y)}")
            return np.ascontiguousarray(y, dtype=dtype)
        y = _column_or_1d(y)
        unseen = np.setdiff1d(y, self.classes_)
        if unseen.size:
            raise ValueError(f"y contains labels {unseen.tolist()} not among the classes {self.classes_.tolist()} "
                             "seen at the first fit; pass every label in `classes` to the first partial_fit")
        idx = np.searchsorted(self.classes_, y)
        if self.output_type_ == "binary":
            return (idx == 1).astype(dtype).reshape(-1, 1)  # (m, 1): 1 for classes_[1], as the course's Y
        Y = np.zeros((len(y), len(self.classes_)), dtype=dtype)
        Y[np.arange(len(y)), idx] = 1  # one-hot rows (m, K)
        return Y

    def _class_weights(self, y):
        if self.class_weight is None or self.output_type_ == "multilabel-indicator":
            if self.class_weight is not None:
                raise ValueError("class_weight is not supported for multilabel targets; pass sample_weight")
            return np.ones(len(y))
        y = _column_or_1d(y)
        present = np.unique(y)
        cw = compute_class_weight(self.class_weight, classes=present, y=y)
        per_class = dict(zip(present.tolist(), cw))
        return np.array([per_class[v] for v in y.tolist()], dtype=np.float64)

    def _decode(self, AL):
        if self.output_type_ == "multilabel-indicator":
            return (AL > 0.5).astype(int)
        if self.output_type_ == "binary":
            return self.classes_[(AL[:, 0] > 0.5).astype(int)]  # the course's 0.5 threshold
        return self.classes_[np.argmax(AL, axis=1)]

    def _score_outputs(self, AL, y):
        pred = self._decode(AL)
        if self.output_type_ == "multilabel-indicator":
            return float(np.mean(np.all(pred == y, axis=1)))
        return float(np.mean(pred == _column_or_1d(y)))

    def predict(self, X):
        """Labels (n_samples,), or indicators (n_samples, n_labels) for multilabel."""
        return self._decode(self._forward(X)[0])

    def predict_proba(self, X):
        """Probabilities (n_samples, n_classes), columns in the order of ``classes_``."""
        AL = self._forward(X)[0]
        if self.output_type_ == "binary":
            return np.hstack([1 - AL, AL])
        return AL

    def predict_log_proba(self, X):
        """log predict_proba, from the logits (finite for every finite input)."""
        _, ZL = self._forward(X)
        if self.output_type_ == "binary":
            return -np.hstack([core.softplus(ZL), core.softplus(-ZL)])  # log(1-p), log p
        if self.output_type_ == "multiclass":
            return core.log_softmax(ZL.T).T
        return -core.softplus(-ZL)

    def decision_function(self, X):
        """The logits Z[L]: (n_samples,) for binary, (n_samples, n_classes) otherwise."""
        ZL = self._forward(X)[1]
        return ZL[:, 0] if self.output_type_ == "binary" else ZL


class NeuralNetRegressor(RegressorMixin, _BaseNeuralNet):
    """A fully connected network regressor: linear output units and (half) mean squared error."""

    _is_classifier = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train on X (n_samples, n_features), y (n_samples,) or (n_samples, n_outputs)."""
        return self._fit(X, y, sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch on (X, y)."""
        if self.solver == "lbfgs":
            raise ValueError("partial_fit needs a minibatch solver (gd, sgd, rmsprop, adam), not lbfgs")
        return self._fit(X, y, sample_weight, incremental=True)

    def _encode_targets(self, y, first, classes, dtype):
        Y = np.asarray(y, dtype=dtype).reshape(len(y), -1)  # (m, n_outputs)
        if first:
            self.loss_ = "mse"
            self.output_type_ = "continuous" if Y.shape[1] == 1 else "continuous-multioutput"
        elif Y.shape[1] != self.n_outputs_:
            raise ValueError(f"y has {Y.shape[1]} output(s) but the model was fitted with {self.n_outputs_}")
        return np.ascontiguousarray(Y)

    def _score_outputs(self, AL, y):
        from sklearn.metrics import r2_score
        return float(r2_score(y, AL[:, 0] if AL.shape[1] == 1 and np.ndim(y) == 1 else AL))

    def predict(self, X):
        """Predictions (n_samples,) for one output, (n_samples, n_outputs) otherwise."""
        AL = self._forward(X)[0]
        return AL[:, 0] if self.output_type_ == "continuous" else AL


def _column_or_1d(y):
    y = np.asarray(y)
    return y.ravel() if y.ndim == 2 and y.shape[1] == 1 else y

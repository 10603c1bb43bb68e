"""The scikit-learn contender: ``MLPClassifier.fit`` with ``max_iter=1`` is one epoch.

Plain SGD is ``solver="sgd", momentum=0``; Adam uses the same betas and epsilon as the others.
``alpha=0`` everywhere (no L2 term) so that every contender does the same arithmetic. scikit-learn
draws its own (Glorot uniform) initial weights; the scale barely matters for the time of an epoch.
Recent scikit-learn keeps float32 input in float32 (checked: ``coefs_`` dtype is recorded).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier


def mlp_classifier(hidden, solver, learning_rate, batch_size, seed=0, max_iter=1):
    extra = {"momentum": 0.0, "nesterovs_momentum": False} if solver == "sgd" else {}
    return MLPClassifier(
        hidden_layer_sizes=tuple(hidden),
        activation="relu",
        solver=solver,
        alpha=0.0,
        batch_size=batch_size,
        learning_rate_init=learning_rate,
        max_iter=max_iter,
        shuffle=True,
        random_state=seed,
        tol=0.0,
        n_iter_no_change=max_iter + 1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        **extra,
    )


def mlp_epoch(X, y, hidden, solver, learning_rate, batch_size, seed=0, info=None):
    """A callable fitting a fresh MLPClassifier for one epoch on X (m, n_x), y (m,).

    ``info`` (a dict), when given, receives the dtype of the fitted weights.
    """

    def epoch():
        clf = mlp_classifier(hidden, solver, learning_rate, batch_size, seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y)
        if info is not None:
            info["dtype"] = str(clf.coefs_[0].dtype)

    return epoch


def setup(threads):
    """scikit-learn is imported with this module; its BLAS threads come from the environment."""


def fit_job(X, y, dims, solver, learning_rate, batch_size, epochs, impl="sklearn"):
    """{"seconds": ...} of ``MLPClassifier.fit`` for ``epochs`` epochs, and the dtype of its weights."""
    clf = mlp_classifier(dims[1:-1], solver, learning_rate, batch_size, max_iter=epochs)
    t0, c0 = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert clf.n_iter_ == epochs, (clf.n_iter_, epochs)
    return {"seconds": seconds, "cpu_seconds": cpu, "dtype": str(clf.coefs_[0].dtype)}


def trained_model(X, y, dims, impl="sklearn"):
    """An MLPClassifier trained one Adam epoch on X (m, n_x), y (m,): the model predictions are timed on."""
    clf = mlp_classifier(dims[1:-1], "adam", 1e-3, 256)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(X, y)


def one_step(X, y, params, solver, learning_rate, epsilon=1e-8):
    """Probabilities before the step (m, n[L]) and the parameters [(W (n[l], n[l-1]), b (n[l], 1))] after
    one full-batch step of ``MLPClassifier`` on X (m, n_x), y (m,) with labels 0..n[L]-1 (n[L] >= 3),
    from params: for the equivalence tests. Public API only: ``partial_fit`` builds the structure, the
    weights are replaced, and a warm-started ``fit`` of one epoch on one batch makes a fresh optimizer
    over them. (scikit-learn's Adam adds ``epsilon`` to sqrt(s) without the bias correction the others
    apply to it; the tests pass a tiny one.)"""
    dims = [params[0][0].shape[1]] + [W.shape[0] for W, _ in params]
    clf = mlp_classifier(dims[1:-1], solver, learning_rate, X.shape[0], max_iter=1)
    clf.set_params(shuffle=False, epsilon=epsilon)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.partial_fit(X, y, classes=np.arange(dims[-1]))  # builds the layers; its step is discarded
        clf.coefs_ = [np.array(W.T) for W, _ in params]  # (n[l-1], n[l]): scikit-learn's layout
        clf.intercepts_ = [np.array(b.ravel()) for _, b in params]
        proba = clf.predict_proba(X)
        clf.set_params(warm_start=True).fit(X, y)
    return proba, [(W.T, b.reshape(-1, 1)) for W, b in zip(clf.coefs_, clf.intercepts_)]

"""The scikit-learn contender: ``MLPClassifier.fit`` with ``max_iter=1`` is one epoch.

Plain SGD is ``solver="sgd", momentum=0``; Adam uses the same betas and epsilon as the others.
``alpha=0`` everywhere (no L2 term) so that every contender does the same arithmetic. scikit-learn
draws its own (Glorot uniform) initial weights; the scale barely matters for the time of an epoch.
Recent scikit-learn keeps float32 input in float32 (checked: ``coefs_`` dtype is recorded).
"""
from __future__ import annotations

import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier


def mlp_classifier(hidden, solver, learning_rate, batch_size, seed=0, max_iter=1):
    extra = {"momentum": 0.0, "nesterovs_momentum": False} if solver == "sgd" else {}
    return MLPClassifier(
        hidden_layer_sizes=tuple(hidden), activation="relu", solver=solver, alpha=0.0,
        batch_size=batch_size, learning_rate_init=learning_rate, max_iter=max_iter, shuffle=True,
        random_state=seed, tol=0.0, n_iter_no_change=max_iter + 1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
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

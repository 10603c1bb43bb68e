"""The steps of an estimator's fit, for trainers outside it: what to train, on which targets, and storing it.

``BaseNeuralNet._fit`` runs these steps itself; a trainer that drives the engine in its own way
(``layerwise.distributed.training``: rows spread over processes, checkpoints) takes the same steps from
here, so the estimator's own methods stay private to this package and both trainers build the same
network from the same draws:

    dtype = float_dtype(est)                          the float dtype(s) validation converts X to
    Y = encode_targets(est, y, True, classes, dtype)  targets as the output layer's (m, n[L]) rows
    w = example_weights(est, y, sample_weight, m, dtype)   (m,) or None
    init_network(est, n_x, n_y, rs, dtype)            layer_dims_, activations_, params_ (seeded draws)
    cfg = fit_config(est, m);  name, hyper = optimizer(est)
    ...train...
    store(est, params)                                params_, n_iter_, loss_curve_, validation scores
    score = score_outputs(est, AL, y)                 the estimator's metric of outputs AL (m, n[L])
"""

from __future__ import annotations


def optimizer(est):
    """The engine optimizer's name and hyperparameters for ``est.solver``: (name, {hyper})."""
    return {
        "gd": ("gd", {}),
        "sgd": ("momentum", {"beta": est.momentum, "nesterov": bool(est.nesterovs_momentum)}),
        "rmsprop": ("rmsprop", {"beta": est.beta_2, "epsilon": est.epsilon}),
        "adam": ("adam", {"beta_1": est.beta_1, "beta_2": est.beta_2, "epsilon": est.epsilon}),
        "lbfgs": ("lbfgs", {}),
    }[est.solver]


def float_dtype(est, first=True):
    """The float dtype (or tuple of them) X is validated to: a first fit's choice, or the fitted one."""
    return est._float_dtype(first)


def init_network(est, n_x, n_y, rs, dtype):
    """Draw a fresh network of n_x inputs and n_y outputs from the RandomState ``rs`` (the course's draws)."""
    est._init_network(n_x, n_y, rs, dtype)


def fit_config(est, m):
    """The engine's FitConfig for m training rows (batch size, schedule, L2, stopping)."""
    return est._config(m)


def encode_targets(est, y, first, classes, dtype, sample_weight=None):
    """y as the output layer's targets (m, n[L]); ``first`` learns the classes or the target scaling."""
    return est._encode_targets(y, first, classes, dtype, sample_weight=sample_weight)


def example_weights(est, y, sample_weight, m, dtype):
    """Per-example weights (m,) from sample_weight and class_weight, or None when all are 1."""
    return est._example_weights(y, sample_weight, m, dtype)


def store(est, params):
    """Keep trained parameters and the record of training (n_iter_, loss_curve_, validation scores)."""
    est._store(params)


def score_outputs(est, AL, y):
    """The estimator's metric (accuracy or R^2) of output rows AL (m, n[L]) against y."""
    return est._score_outputs(AL, y)


__all__ = [
    "optimizer",
    "float_dtype",
    "init_network",
    "fit_config",
    "encode_targets",
    "example_weights",
    "store",
    "score_outputs",
]

"""Optimizers: hand-worked steps, the core's formulas through the estimator, convex convergence."""

import warnings

import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

from layerwise import core
from layerwise.engine import make_optimizer
from layerwise.estimators import NeuralNetClassifier


@pytest.fixture(autouse=True)
def _raise_on_fp_errors():
    with np.errstate(all="raise"):
        yield


def _steps(name, grads, lr=0.1, **hyper):
    theta = np.array([1.0])
    opt = make_optimizer(name, 1, np.float64, **hyper)
    out = []
    for g in grads:
        opt.step(theta, np.array([g]), lr)
        out.append(float(theta[0]))
    return out


def test_hand_worked_steps():
    # momentum, beta 0.9, g = 0.5 twice: v = 0.05, theta = 1 - 0.1 * 0.05 = 0.995;
    # v = 0.9 * 0.05 + 0.1 * 0.5 = 0.095, theta = 0.995 - 0.0095 = 0.9855
    assert _steps("momentum", [0.5, 0.5], beta=0.9) == pytest.approx([0.995, 0.9855], abs=1e-15)
    # nesterov: v = 0.05, step = 0.9 * 0.05 + 0.1 * 0.5 = 0.095, theta = 1 - 0.0095
    assert _steps("nesterov", [0.5], beta=0.9) == pytest.approx([0.9905], abs=1e-15)
    # rmsprop, beta 0.9, eps 0: s = 0.1 * 0.25 = 0.025, theta = 1 - 0.1 * 0.5 / sqrt(0.025) = 1 - 0.316227766...
    assert _steps("rmsprop", [0.5], beta=0.9, epsilon=0.0) == pytest.approx([1 - 0.05 / np.sqrt(0.025)], abs=1e-15)
    # adam, t = 1: v = 0.05, s = 0.00025; v / (1 - 0.9) = 0.5, s / (1 - 0.999) = 0.25 -> step 0.1 * 0.5 / 0.5
    assert _steps("adam", [0.5], beta_1=0.9, beta_2=0.999, epsilon=0.0) == pytest.approx([0.9], abs=1e-12)
    # adam, t = 2 with g = -1: v = 0.9 * 0.05 - 0.1 = -0.055, s = 0.999 * 0.00025 + 0.001 = 0.00124975
    # v_hat = -0.055 / 0.19 , s_hat = 0.00124975 / 0.001999 -> theta = 0.9 + 0.1 * 0.28947 / 0.79068
    v_hat, s_hat = -0.055 / (1 - 0.81), 0.00124975 / (1 - 0.999**2)
    expected = 0.9 - 0.1 * v_hat / np.sqrt(s_hat)
    assert _steps("adam", [0.5, -1.0], beta_1=0.9, beta_2=0.999, epsilon=0.0)[1] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_equals_scikit_learn_with_rescaled_learning_rate(nesterov):
    """Ours with learning rate a / (1 - beta) takes exactly scikit-learn's SGD steps with rate a."""
    rng = np.random.RandomState(0)
    grads = rng.randn(6, 5)
    a, beta = 0.05, 0.9
    theta = np.ones(5)
    ours = make_optimizer("momentum", 5, np.float64, beta=beta, nesterov=nesterov)
    ref = [np.ones(5)]
    sk = SGDOptimizer(ref, learning_rate_init=a, momentum=beta, nesterov=nesterov)
    for g in grads:
        ours.step(theta, g.copy(), a / (1 - beta))
        sk.update_params(ref, [g])
        np.testing.assert_allclose(theta, ref[0], rtol=1e-12)


def _logistic_data():
    rng = np.random.RandomState(0)
    X = rng.randn(80, 3)
    y = (X @ [1.0, -2.0, 0.5] + 0.3 + rng.randn(80) > 0).astype(int)  # overlapping classes: a finite optimum
    return X, y


CORE_OPT = {
    "gd": lambda: core.gd(),
    "sgd": lambda: core.momentum(0.9, nesterov=True),
    "rmsprop": lambda: core.rmsprop(0.999, 1e-8),
    "adam": lambda: core.adam(0.9, 0.999, 1e-8),
}


@pytest.mark.parametrize("solver", sorted(CORE_OPT))
def test_estimator_solver_follows_core_formula(solver):
    X, y = _logistic_data()
    kw = dict(
        hidden_layer_sizes=(4,),
        activation="tanh",
        init="xavier",
        solver=solver,
        learning_rate=0.05,
        batch_size=len(y),
        shuffle=False,
        max_iter=15,
        alpha=0.0,
        tol=0.0,
        random_state=3,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = NeuralNetClassifier(**kw).fit(X, y)
    _, costs = core.train(
        X.T,
        y.reshape(1, -1),
        [3, 4, 1],
        "tanh",
        learning_rate=0.05,
        num_iterations=15,
        init="xavier",
        random_state=3,
        optimizer=CORE_OPT[solver](),
    )
    np.testing.assert_allclose(est.history_["cost"], costs, rtol=1e-12)


def _scipy_optimum(X, y, alpha):
    """Logistic regression written independently: mean softplus(z) - y z + alpha/(2m) ||w||^2."""
    m = len(y)

    def J(theta):
        z = X @ theta[:-1] + theta[-1]
        return np.mean(np.logaddexp(0, z) - y * z) + 0.5 * alpha * theta[:-1] @ theta[:-1] / m

    res = minimize(J, np.zeros(X.shape[1] + 1), method="BFGS", options={"gtol": 1e-12})
    return res.x, res.fun


SETTINGS = {
    "gd": dict(learning_rate=0.5, max_iter=3000),
    "sgd": dict(learning_rate=0.5, max_iter=3000),
    "rmsprop": dict(learning_rate=0.05, max_iter=3000, learning_rate_schedule="invscaling"),
    "adam": dict(learning_rate=0.01, max_iter=3000),
    "lbfgs": dict(max_iter=500, tol=1e-12),
}


@pytest.mark.parametrize("solver", sorted(SETTINGS))
def test_every_solver_decreases_a_convex_cost_and_reaches_scipys_optimum(solver):
    X, y = _logistic_data()
    alpha = 1.0
    theta_star, J_star = _scipy_optimum(X, y, alpha)
    common = dict(
        hidden_layer_sizes=(),
        init="zeros",
        solver=solver,
        alpha=alpha,
        batch_size=len(y),
        shuffle=False,
        tol=0.0,
        n_iter_no_change=10**6,
    )
    if solver != "lbfgs":  # a small rate: every full-batch step lowers the cost
        small = NeuralNetClassifier(**common, learning_rate=1e-3, max_iter=200)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            small.fit(X, y)
        assert np.all(np.diff(small.history_["cost"]) < 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = NeuralNetClassifier(**{**common, **SETTINGS[solver]}).fit(X, y)
    theta = np.r_[est.params_[0].W.ravel(), est.params_[0].b.ravel()]
    np.testing.assert_allclose(theta, theta_star, atol=1e-4)
    assert est.history_["cost"][-1] - J_star < 1e-8

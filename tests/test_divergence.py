"""Divergence is caught for every solver, activation and output; the warnings say what to do; early stops say why.

The rule (layerwise.engine.loop.diverging): a cost that is not finite, or that grows above GROWTH_LIMIT
(10) times its starting value (the first minibatch's cost with the starting weights), stops training
with DivergenceError naming the epoch and suggesting a smaller learning rate or scaled features.
"""

import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from userland import digits_files, layerwise_cmd

from layerwise import NeuralNetClassifier, NeuralNetRegressor
from layerwise.engine import DivergenceError
from layerwise.engine.loop import GROWTH_LIMIT
from layerwise.estimators.advice import not_converged, still_falling

X_ALL, Y_ALL = load_digits(return_X_y=True)
X, Y = X_ALL[:400] / 16, Y_ALL[:400]
OUTPUTS = {
    "multiclass": (NeuralNetClassifier, Y),
    "binary": (NeuralNetClassifier, Y % 2),
    "multilabel": (NeuralNetClassifier, np.c_[Y % 2, Y > 4]),
    "regression": (NeuralNetRegressor, Y * 1.0),
}
MESSAGE = r"training diverged: the cost (became|grew to) .* in epoch (\d+).*smaller learning_rate.*standardize X"


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "linear"])
@pytest.mark.parametrize("solver", ["gd", "sgd", "rmsprop", "adam"])
def test_divergence_is_caught(solver, activation, output):
    Est, y = OUTPUTS[output]
    est = Est(
        hidden_layer_sizes=(16,), solver=solver, activation=activation, learning_rate=1e3, max_iter=30, random_state=0
    )
    with pytest.raises(DivergenceError, match=MESSAGE) as info:
        est.fit(X, y)
    epoch = int(re.search(MESSAGE, str(info.value)).group(2))
    assert est.n_iter_ == epoch - 1 and len(est.loss_curve_) == epoch - 1  # the epochs before it are kept
    assert all(np.all(np.isfinite(p.W)) and np.all(np.isfinite(p.b)) for p in est.params_)
    start = est.train_state_.start_cost
    assert all(c <= GROWTH_LIMIT * start for c in est.loss_curve_)  # the rule, on the recorded epochs


@pytest.mark.parametrize(
    "make",
    [
        lambda: NeuralNetClassifier(solver="adam", learning_rate=10, random_state=0),  # the issue's cases
        lambda: NeuralNetClassifier(solver="sgd", learning_rate=10, random_state=0),
        lambda: NeuralNetRegressor(activation="tanh", learning_rate=10, solver="sgd", random_state=0),
    ],
)
def test_the_issues_cases_raise(make):
    y = Y_ALL * 1.0 if isinstance(make(), NeuralNetRegressor) else Y_ALL
    with pytest.raises(DivergenceError, match=MESSAGE):
        make().fit(X_ALL / 16, y)


def test_a_learning_fit_is_not_divergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = NeuralNetClassifier(
            hidden_layer_sizes=(16,), solver="sgd", learning_rate=0.5, random_state=0, max_iter=30
        ).fit(X, Y)
    assert est.score(X, Y) > 0.9


def test_command_line_turns_divergence_into_one_line_and_exit_2(tmp_path):
    digits_files(tmp_path)  # (at learning rate 10 sgd now recovers on the standardized digits, to 0.99)
    r = layerwise_cmd(
        "train",
        "data.csv",
        "--target",
        "label",
        "--learning-rate",
        "1000",
        "--solver",
        "sgd",
        "--seed",
        "0",
        "--verbose",
        "0",
        "--out",
        "model.safetensors",
        cwd=tmp_path,
    )
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1, r.stderr
    assert re.match(r"layerwise: error: training diverged: .* in epoch \d+.*smaller learning_rate", lines[0])
    assert not (tmp_path / "model.safetensors").exists()


def test_convergence_warning_advises_by_the_cost_curve():
    assert still_falling([5, 4, 3, 2.5, 2, 1.9, 1.8, 1.7]) and not still_falling([2, 1, 1.2, 0.9, 1.1, 1.0, 1.3, 1.2])
    assert "increase max_iter or the learning_rate" in not_converged("C", 8, 1e-4, [5, 4, 3, 2.5, 2, 1.9, 1.8, 1.7])
    advice = not_converged("C", 8, 1e-4, [2, 1, 1.2, 0.9, 1.1, 1.0, 1.3, 1.2])
    assert "smaller learning_rate" in advice and "increase" not in advice
    with pytest.warns(ConvergenceWarning, match="still falling: increase max_iter or the learning_rate"):
        NeuralNetClassifier(hidden_layer_sizes=(16,), max_iter=5, random_state=0).fit(X, Y)


@pytest.mark.parametrize(
    "early_stopping, why",
    [
        (True, r"\(early stopping\): the validation cost did not fall"),
        (False, r"\(tol\): the training cost did not fall"),
    ],
)
def test_an_early_stop_says_so_and_why(capsys, monkeypatch, early_stopping, why):
    est = NeuralNetClassifier(
        hidden_layer_sizes=(16,),
        learning_rate=0.01,
        tol=0.05,
        n_iter_no_change=2,
        early_stopping=early_stopping,
        max_iter=200,
        random_state=0,
        verbose=2,
    ).fit(X, Y)
    assert est.n_iter_ < 200
    out = capsys.readouterr().out.splitlines()
    assert re.match(rf"Stopped at epoch {est.n_iter_} {why} by tol=0.05 for 3 epochs in a row", out[-1]), out[-3:]
    import layerwise.progress

    monkeypatch.setattr(layerwise.progress, "bar_enabled", lambda stream=None: True)
    est.set_params(verbose=1).fit(X, Y)
    err = capsys.readouterr().err
    n = est.n_iter_
    last_bar = err.replace("\r", "\n").strip().splitlines()[-2]
    assert "(stopped early)" in last_bar and "100%" in last_bar and f"{n}/{n}" in last_bar, err[-400:]
    assert re.match(rf"Stopped at epoch {n} {why}", err.strip().splitlines()[-1])

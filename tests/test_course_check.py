"""layerwise.course.check: correct implementations pass (the reference modules and an independent one written
here), planted bugs are found with the right function, key and likely cause, and the report renders."""

from __future__ import annotations

import numpy as np
import pytest

from layerwise import course
from layerwise.course import check, week2, week3, week4
from layerwise.course.check import NAMES
from layerwise.course.week4_steps import relu_backward, sigmoid_backward


# ---------------------------------------------------------------- an independent implementation (week 3 and 4)
# Written in another style than layerwise.course (einsum, explicit means, no dnn_utils), so that agreeing
# with the reference is not agreeing with itself.
def _sig(z):
    return 0.5 * (1 + np.tanh(z / 2))  # sigmoid through tanh: the same function, other rounding


def linear_forward(A, W, b):
    return np.einsum("ij,jk->ik", W, A) + b, (A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    Z, lin = linear_forward(A_prev, W, b)
    A = _sig(Z) if activation == "sigmoid" else np.where(Z > 0, Z, 0.0)
    return A, (lin, Z)


def L_model_forward(X, parameters):
    L, A, caches = len(parameters) // 2, X, []
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(
            A, parameters[f"W{l}"], parameters[f"b{l}"], "relu" if l < L else "sigmoid"
        )
        caches.append(cache)
    return A, caches


def linear_backward(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    dW = np.einsum("ik,jk->ij", dZ, A_prev) / m  # (n[l], n[l-1])
    return W.T @ dZ, dW, dZ.mean(axis=1, keepdims=True)


def linear_activation_backward(dA, cache, activation):
    lin, Z = cache
    gprime = _sig(Z) * (1 - _sig(Z)) if activation == "sigmoid" else (Z > 0).astype(float)
    return linear_backward(dA * gprime, lin)


def L_model_backward(AL, Y, caches):
    L, grads = len(caches), {}
    dA = (1 - Y) / (1 - AL) - Y / AL
    for l in range(L, 0, -1):
        dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
            dA, caches[l - 1], "sigmoid" if l == L else "relu"
        )
        grads[f"dA{l - 1}"] = dA = dA_prev
    return grads


def test_reference_modules_pass_everything():
    for module, n in ((week2, 6), (week3, 8), (week4, 13)):
        report = check(module)
        assert report.passed, str(report)
        assert len(report) == n  # every function of the week was found and checked
    assert check(course).passed  # the top-level namespace: week 4's names plus weeks 2 and 3's others


def test_an_independent_implementation_passes():
    ns = {k: v for k, v in globals().items() if k in NAMES}
    report = check(ns)
    assert sorted(f.name for f in report) == sorted(
        ["linear_forward", "linear_activation_forward", "L_model_forward", "linear_backward"]
        + ["linear_activation_backward", "L_model_backward"]
    )
    assert report.passed, str(report)
    for name in ("linear_backward", "linear_activation_backward", "L_model_backward"):
        nums = [k.numerical for k in report[name].keys.values() if k.numerical is not None]
        assert nums and max(nums) < 1e-6  # checked against central differences, not only the reference


# ---------------------------------------------------------------- the docs page's three planted bugs
def bug_no_1_over_m(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True) / m  # dW without 1/m


def bug_caches_A(A_prev, W, b, activation):
    A, (lin, Z) = linear_activation_forward(A_prev, W, b, activation)
    return A, (lin, A)  # A cached where Z belongs


def bug_tanh_from_Z(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = parameters["W2"].T @ dZ2 * (1 - cache["Z1"] ** 2)  # tanh' from Z1
    return {
        "dW1": dZ1 @ X.T / m,
        "db1": dZ1.sum(axis=1, keepdims=True) / m,
        "dW2": dZ2 @ cache["A1"].T / m,
        "db2": dZ2.sum(axis=1, keepdims=True) / m,
    }


def test_planted_bug_no_1_over_m():
    r = check(bug_no_1_over_m, "linear_backward")["linear_backward"]
    assert not r.passed and [k.key for k in r.failed_keys()] == ["dW"]
    assert "the 1/m is missing" in r["dW"].cause
    assert r["dW"].numerical > 0.1  # the numerical gradients disagree too
    assert r["dA_prev"].passed and r["db"].passed


def test_planted_bug_A_cached_instead_of_Z():
    r = check(bug_caches_A, "linear_activation_forward")["linear_activation_forward"]
    assert [k.key for k in r.failed_keys()] == ["cache.Z"]
    assert "the cache holds A" in r["cache.Z"].cause and "where Z belongs" in r["cache.Z"].cause
    # the cache swap: the right backward is right on the reference's caches, wrong on the buggy forward's
    report = check(
        {"linear_activation_forward": bug_caches_A, "linear_activation_backward": linear_activation_backward}
    )
    back = report["linear_activation_backward"]
    assert back.passed and "the bug is in linear_activation_forward" in " ".join(back.notes)
    assert not report.passed


def test_planted_bug_tanh_derivative_from_Z():
    r = check(bug_tanh_from_Z, "backward_propagation")["backward_propagation"]
    assert sorted(k.key for k in r.failed_keys()) == ["dW1", "db1"]
    assert "tanh's derivative computed from Z1" in r["dW1"].cause


# ---------------------------------------------------------------- other known patterns
def _linear_backward_with(dW=None, db=None, dA=None):
    def fn(dZ, cache):
        A_prev, W, _ = cache
        m = A_prev.shape[1]
        return (
            dA(dZ, W) if dA else W.T @ dZ,
            dW(dZ, A_prev, m) if dW else dZ @ A_prev.T / m,
            db(dZ, m) if db else dZ.sum(axis=1, keepdims=True) / m,
        )

    return fn


@pytest.mark.parametrize(
    ("fn", "key", "cause"),
    [
        (
            _linear_backward_with(db=lambda dZ, m: dZ.sum(axis=1) / m),
            "db",
            "missing np.sum(..., axis=1, keepdims=True)",
        ),
        (_linear_backward_with(dW=lambda dZ, A, m: A @ dZ.T / m), "dW", "transposed (the values are right)"),
        (_linear_backward_with(dW=lambda dZ, A, m: -dZ @ A.T / m), "dW", "the sign is flipped"),
        (_linear_backward_with(dW=lambda dZ, A, m: dZ @ A.T / m / m), "dW", "divided by m twice"),
        (_linear_backward_with(dA=lambda dZ, W: 2 * W.T @ dZ), "dA_prev", "a constant factor 2"),
    ],
)
def test_known_patterns_are_named(fn, key, cause):
    r = check(fn, "linear_backward")["linear_backward"]
    assert [k.key for k in r.failed_keys()] == [key]
    assert cause in r[key].cause


def test_swapped_activation_derivative_is_named():
    def swapped(dA, cache, activation):
        lin, Z = cache
        dZ = relu_backward(dA, Z) if activation == "sigmoid" else sigmoid_backward(dA, Z)
        return linear_backward(dZ, lin)

    r = check(swapped, "linear_activation_backward")["linear_activation_backward"]
    assert not r.passed and "derivative where" in r["dW"].cause


def test_a_function_that_raises_is_reported_with_its_case():
    def broken(dZ, cache):
        raise ValueError("shapes not aligned")

    r = check(broken, "linear_backward")
    assert not r.passed and "raised ValueError: shapes not aligned" in r["linear_backward"].error
    assert "seed" in r["linear_backward"].error


def test_check_leaves_the_global_generator_alone():
    np.random.seed(123)
    state = np.random.get_state()[1].copy()
    check(week3)
    assert np.array_equal(np.random.get_state()[1], state)


def test_ambiguous_names_take_their_week_from_the_signature_or_the_namespace():
    assert check(week2.predict, "predict")["predict"].week == 2
    assert check(week3.predict, "predict")["predict"].week == 3
    assert check({"compute_cost": week3.compute_cost, "nn_model": week3.nn_model})["compute_cost"].week == 3
    assert check({"update_parameters": week3.update_parameters, "nn_model": week3.nn_model}).passed


def test_report_text_and_html():
    report = check({"linear_backward": bug_no_1_over_m, "linear_forward": linear_forward})
    text = str(report)
    assert "linear_backward" in text and "FAIL" in text and "1 of 2 functions pass" in text
    html = report._repr_html_()
    assert html.count("<tr") == 3  # the header and one row per function
    assert "the 1/m is missing" in html
    assert report.to_dict()["passed"] is False


def test_bad_arguments():
    with pytest.raises(ValueError, match="not one of the course's functions"):
        check(linear_forward, "my_forward")
    with pytest.raises(TypeError, match="a function, a namespace"):
        check(3)
    empty = check({"x": 1})
    assert len(empty) == 0 and not empty.passed and "no course function found" in str(empty)

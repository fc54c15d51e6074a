"""The exercise checks of lesson 03: correct answers pass, typical mistakes are named."""

from __future__ import annotations

import numpy as np
import pytest

from course.checks.lesson03 import (
    check_gap_prediction,
    check_perceptron_update,
    check_weighted_sum,
)

# --- correct answers -------------------------------------------------------------------------


def weighted_sum(x, w, b):
    return float(np.dot(w, x) + b)


def perceptron_update(w, b, x, y, lr):
    y_hat = 1 if np.dot(w, x) + b >= 0 else 0
    error = y - y_hat
    return w + lr * error * x, b + lr * error


# --- wrong answers, each a typical mistake ---------------------------------------------------


def sum_without_bias(x, w, b):
    return float(np.dot(w, x))


def update_forgetting_the_bias(w, b, x, y, lr):
    y_hat = 1 if np.dot(w, x) + b >= 0 else 0
    return w + lr * (y - y_hat) * x, b


def update_forgetting_the_learning_rate(w, b, x, y, lr):
    y_hat = 1 if np.dot(w, x) + b >= 0 else 0
    return w + (y - y_hat) * x, b + (y - y_hat)


CHECKS = [
    (
        check_weighted_sum,
        weighted_sum,
        sum_without_bias,
        "weighted_sum(x=[1.0, 2.0], w=[0.5, -1.0], b=0.5): expected -1.0, got -1.5",
    ),
    (
        check_perceptron_update,
        perceptron_update,
        update_forgetting_the_bias,
        "perceptron_update(w=[-1.0, 0.5], b=0.0, x=[2.0, 1.0], y=1, lr=0.5): new b",
    ),
]


def test_the_bias_hint_says_the_bias_moves_too():
    with pytest.raises(AssertionError, match="the bias moves too"):
        check_perceptron_update(update_forgetting_the_bias)


def test_an_update_that_ignores_the_learning_rate_fails_on_new_w():
    with pytest.raises(AssertionError, match=r"lr=0\.5\): new w: expected"):
        check_perceptron_update(update_forgetting_the_learning_rate)


def test_an_update_that_changes_w_in_place_is_told_so():
    def in_place(w, b, x, y, lr):
        y_hat = 1 if np.dot(w, x) + b >= 0 else 0
        w += lr * (y - y_hat) * x
        return w, b + lr * (y - y_hat)

    with pytest.raises(AssertionError, match="changed the arrays passed in"):
        check_perceptron_update(in_place)


def test_an_update_returning_one_value_asks_for_a_pair():
    with pytest.raises(AssertionError, match=r"expected a pair \(new_w, new_b\)"):
        check_perceptron_update(lambda w, b, x, y, lr: w)


def test_a_weighted_sum_returning_a_vector_asks_for_one_number():
    with pytest.raises(AssertionError, match="expected one number"):
        check_weighted_sum(lambda x, w, b: w * x + b)


def test_other_correct_answers_pass():
    def sum_by_loop(x, w, b):
        return sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b  # a numpy float

    check_weighted_sum(sum_by_loop)
    check_weighted_sum(lambda x, w, b: np.array(x @ w + b))  # a 0-d array

    def update_as_list(w, b, x, y, lr):
        y_hat = int(np.dot(w, x) + b >= 0)
        return [list(w + lr * (y - y_hat) * x), np.array([b + lr * (y - y_hat)])]

    check_perceptron_update(update_as_list)


@pytest.mark.parametrize("answer", ["B", "b", " B ", "(B)"])
def test_the_gap_prediction_accepts_b_however_written(answer, capsys):
    check_gap_prediction(answer)
    assert capsys.readouterr().out.startswith("\u2714 B: the data stays separable")


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("A", "the data stays linearly separable"),
        ("c", "becomes much smaller without the gap"),
        ("D", "more of them means more updates, not fewer"),
    ],
)
def test_each_wrong_gap_prediction_is_told_why_it_is_wrong(answer, reason):
    with pytest.raises(AssertionError, match=f"(?s)got {answer.upper()}: .*{reason}.*Hint 1 of 2"):
        check_gap_prediction(answer)


@pytest.mark.parametrize("answer", [None, "", "E", 2, "maybe"])
def test_a_gap_prediction_that_is_no_letter_asks_for_one(answer):
    with pytest.raises(AssertionError, match="expected one of the letters 'A', 'B', 'C', 'D'"):
        check_gap_prediction(answer)

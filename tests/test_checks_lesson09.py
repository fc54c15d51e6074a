"""The exercise checks of lesson 09: correct answers pass, typical mistakes are named."""

from __future__ import annotations

import numpy as np
import pytest

from course.checks.lesson09 import (
    UNIT_STEP_CHOICES,
    check_largest_stable_lr,
    check_unit_step_prediction,
)

# --- correct answers, in more than one spelling ----------------------------------------------


def my_prediction():
    return "C"


def largest_stable_lr(c):
    return 2 / c


def largest_stable_lr_as_power(c):
    return 2.0 * c**-1


def largest_stable_lr_as_numpy(c):
    return np.divide(2, np.array([c]))  # an array of one number


def largest_stable_lr_via_one_step(c):
    one_step = 1 / c  # lands on the minimum; twice that is the edge
    return 2 * one_step


# --- wrong answers, each a typical mistake ---------------------------------------------------


def one_step_lr(c):
    return 1 / c


def grows_with_curvature(c):
    return 2 * c


def half_curvature(c):
    return c / 2


def a_constant(c):
    return 0.1


CHECKS = [
    (check_unit_step_prediction, my_prediction, lambda: "B", "my_prediction()"),
    (check_largest_stable_lr, largest_stable_lr, one_step_lr, "largest_stable_lr(2.0)"),
]


@pytest.mark.parametrize("spelling", ["C", "c", " C ", "(c)", lambda: "C"])
def test_the_prediction_accepts_the_letter_in_any_spelling(spelling, capsys):
    check_unit_step_prediction(spelling)
    assert "flips the sign" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("choice", "why"),
    [("A", "jumps over the minimum"), ("B", "does not grow"), ("D", "eta = 1/2")],
)
def test_each_wrong_prediction_is_told_why_it_is_wrong(choice, why):
    assert choice in UNIT_STEP_CHOICES
    with pytest.raises(AssertionError, match=rf"(?s)got {choice}: .*Hint: .*{why}"):
        check_unit_step_prediction(choice)


@pytest.mark.parametrize(
    "answer",
    [largest_stable_lr_as_power, largest_stable_lr_as_numpy, largest_stable_lr_via_one_step],
    ids=["power", "array", "via-one-step"],
)
def test_other_correct_expressions_pass(answer, capsys):
    check_largest_stable_lr(answer)
    assert capsys.readouterr().out.startswith("\u2714 ")


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (one_step_lr, "lands on the minimum in one step"),
        (grows_with_curvature, "must shrink as c grows"),
        (half_curvature, "must shrink as c grows"),
        (a_constant, "with eta = 0.1, gradient descent on \\(c/2\\) w\\^2 converges"),
    ],
)
def test_each_mistake_gets_its_own_hint(wrong, hint):
    with pytest.raises(AssertionError, match=rf"(?s)expected.*got.*Hint: .*{hint}"):
        check_largest_stable_lr(wrong)


def test_the_answer_is_the_edge_of_convergence():
    """2/c is where gradient descent on (c/2) w^2 stops converging, by running it."""
    for c in (0.5, 2.0, 10.0):
        for lr, converges in ((0.99 * 2 / c, True), (1.01 * 2 / c, False)):
            w = 1.0
            for _ in range(3000):
                w -= lr * c * w
            assert (abs(w) < 1e-6) == converges

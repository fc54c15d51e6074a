"""The exercise checks of lesson 02 (lesson 01 is in test_exercises_lesson01.py)."""

from __future__ import annotations

import numpy as np
import pytest

from course.checks.lesson02 import check_doubling_prediction, check_gflops, check_plateau_size

# --- correct answers -------------------------------------------------------------------------


def gflops(n, seconds):
    return 2 * n**3 / seconds / 1e9


def predict_doubling():
    return "C"


def plateau_size(sizes, accuracies, tol=0.01):
    for i in range(len(sizes)):
        if all(abs(a - accuracies[-1]) <= tol for a in accuracies[i:]):
            return sizes[i]
    raise AssertionError("unreachable: the last size always qualifies")


# --- wrong answers, each a typical mistake ---------------------------------------------------


def gflops_without_the_two(n, seconds):
    return n**3 / seconds / 1e9


def counts_only_the_entries():
    return "B"


def first_within_tol(sizes, accuracies, tol=0.01):
    for size, acc in zip(sizes, accuracies, strict=True):
        if abs(acc - accuracies[-1]) <= tol:
            return size
    return sizes[-1]


CHECKS = [
    (check_gflops, gflops, gflops_without_the_two, "gflops(1000, 1.0)"),
    (check_doubling_prediction, predict_doubling, counts_only_the_entries, "predict_doubling()"),
    (check_plateau_size, plateau_size, first_within_tol, "dips, then recovers"),
]


def test_a_non_numeric_answer_is_reported_as_such():
    with pytest.raises(AssertionError, match="expected a number, got 'fast'"):
        check_gflops(lambda n, seconds: "fast")


def test_a_crash_is_reported_with_its_exception():
    with pytest.raises(AssertionError, match="raised ZeroDivisionError"):
        check_gflops(lambda n, seconds: 1 / 0)


@pytest.mark.parametrize(
    "answer",
    [
        "C",
        "c",
        " (c) ",
        "C) 8 times",
        8,
        8.0,
        np.int64(8),
        "8",
        "8x",
        "8 times",
        "eight",
        "Eight times",
    ],
)
def test_doubling_prediction_accepts_every_spelling_of_eight(answer, capsys):
    check_doubling_prediction(lambda: answer)
    assert capsys.readouterr().out.startswith("\u2714 8 times")


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ("A", "proportional to n"),
        (2, "proportional to n"),
        ("b", "each entry is also a sum twice as long"),
        ("4x", "each entry is also a sum twice as long"),
        ("four times", "each entry is also a sum twice as long"),
        ("D", "n\\*\\*4"),
        (16.0, "n\\*\\*4"),
    ],
)
def test_each_wrong_doubling_choice_gets_its_own_reason(answer, why):
    with pytest.raises(AssertionError, match=f"(?s)got .*Hint: .*{why}"):
        check_doubling_prediction(lambda: answer)


@pytest.mark.parametrize("answer", ["cubic", "", None, True, 3])
def test_an_answer_naming_no_choice_is_told_what_form_to_use(answer):
    with pytest.raises(AssertionError, match="expected one of the letters"):
        check_doubling_prediction(lambda: answer)

"""The exercise checks of lessons 01 and 02: correct answers pass, wrong ones are named."""

from __future__ import annotations

import numpy as np
import pytest

from course.checks.lesson01 import (
    check_inertia_prediction,
    check_nearest_centroid,
    check_predict_next_month,
    check_suggest_family,
)
from course.checks.lesson02 import check_doubling_prediction, check_gflops, check_plateau_size

# --- correct answers -------------------------------------------------------------------------


def predict_next_month(sales):
    t = np.arange(len(sales))
    a, b = np.polyfit(t, sales, 1)
    return a * len(sales) + b


def nearest_centroid(points, centroids):
    return np.linalg.norm(points[:, None, :] - centroids[None, :, :], axis=2).argmin(axis=1)


def suggest_family(data_type):
    return {"image": "CNN", "video": "CNN", "text": "RNN", "time series": "RNN"}.get(
        data_type, "ANN"
    )


def inertia_prediction():
    return "B"


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


def last_value(sales):
    return sales[-1]


def manhattan_nearest(points, centroids):
    return np.abs(points[:, None, :] - centroids[None, :, :]).sum(axis=2).argmin(axis=1)


def everything_is_an_ann(data_type):
    return "ANN"


def inertia_like_k_equals_3():
    return "A"


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
    (check_predict_next_month, predict_next_month, last_value, "perfect line"),
    (check_nearest_centroid, nearest_centroid, manhattan_nearest, "close call"),
    (check_suggest_family, suggest_family, everything_is_an_ann, "suggest_family('image')"),
    (check_inertia_prediction, inertia_prediction, inertia_like_k_equals_3, "one group per"),
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


def test_suggest_family_accepts_lower_case_answers(capsys):
    check_suggest_family(lambda data_type: suggest_family(data_type).lower())
    assert "\u2714" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answers",
    [
        {"tabular": "MLP", "text": "Transformer", "time series": "LSTM"},
        {"text": "transformers", "time series": "GRU"},
        {"text": " lstm ", "time series": "Transformer", "tabular": "ann"},
    ],
)
def test_suggest_family_accepts_every_correct_family(answers, capsys):
    check_suggest_family(lambda data_type: answers.get(data_type, suggest_family(data_type)))
    assert "\u2714" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("data_type", "wrong"),
    [("image", "RNN"), ("tabular", "CNN"), ("video", "ANN"), ("text", "YOLO")],
)
def test_suggest_family_rejects_a_family_that_ignores_the_structure(data_type, wrong):
    answers = {data_type: wrong}
    with pytest.raises(AssertionError, match=rf"(?s)suggest_family\('{data_type}'\).*Hint: ask"):
        check_suggest_family(lambda d: answers.get(d, suggest_family(d)))


@pytest.mark.parametrize("answer", ["B", "b", " B ", "B)"])
def test_inertia_prediction_accepts_the_letter_in_any_spelling(answer, capsys):
    check_inertia_prediction(answer)
    assert capsys.readouterr().out.startswith("\u2714 B:")


@pytest.mark.parametrize(
    ("answer", "why"),
    [("A", "keeps falling past k = 3"), ("C", "k = 1 is the worst"), ("D", "runs for any k")],
)
def test_inertia_prediction_explains_why_each_wrong_choice_is_wrong(answer, why):
    with pytest.raises(AssertionError, match=why):
        check_inertia_prediction(answer)


@pytest.mark.parametrize("answer", ["E", "", 2, None])
def test_inertia_prediction_asks_for_a_letter(answer):
    with pytest.raises(AssertionError, match="expected one of the letters"):
        check_inertia_prediction(answer)


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

"""Lesson 03's exercises through the check and the grader alike (see exercise_util)."""

from __future__ import annotations

import pytest
from exercise_util import checked, exercise_cells, right_everywhere, wrong_everywhere

RIGHT = {
    "l03-weighted-sum-test": [
        "def weighted_sum(x, w, b):\n    return float(np.dot(w, x) + b)",
        "def weighted_sum(x, w, b):\n    return w @ x + b",
        "def weighted_sum(x, w, b):\n    return sum(wi * xi for wi, xi in zip(w, x)) + b",
    ],
    "l03-perceptron-update-test": [
        "def perceptron_update(w, b, x, y, lr):\n"
        "    y_hat = 1 if np.dot(w, x) + b >= 0 else 0\n"
        "    return w + lr * (y - y_hat) * x, b + lr * (y - y_hat)",
        "def perceptron_update(w, b, x, y, lr):\n"
        "    error = y - np.heaviside(w @ x + b, 1)\n"
        "    return [w + lr * error * x, float(b + lr * error)]",
    ],
    "l03-gap-prediction-test": ["my_prediction = 'b'", "def my_prediction():\n    return ' (B) '"],
}

WRONG = {
    "l03-weighted-sum-test": [
        ("def weighted_sum(x, w, b):\n    return float(np.dot(w, x))", "add b once at the end"),
        (
            "def weighted_sum(x, w, b):\n    return np.sum(x) * np.sum(w) + b",
            "paired with its own w_i",
        ),
        (
            "def weighted_sum(x, w, b):\n    p = dl.Perceptron(); p.w, p.b = w, b\n"
            "    return p.net_input(x)",
            "dlcore.Perceptron.net_input is not available in this exercise",
        ),
    ],
    "l03-perceptron-update-test": [
        (
            "def perceptron_update(w, b, x, y, lr):\n"
            "    y_hat = 1 if np.dot(w, x) + b >= 0 else 0\n"
            "    return w + lr * (y - y_hat) * x, b",
            "the bias moves too",
        ),
        (
            "def perceptron_update(w, b, x, y, lr):\n"
            "    y_hat = 1 if np.dot(w, x) + b > 0 else 0\n"
            "    return w + lr * (y - y_hat) * x, b + lr * (y - y_hat)",
            "the step function is 1 at z = 0",
        ),
        (
            "def perceptron_update(w, b, x, y, lr):\n"
            "    y_hat = 1 if np.dot(w, x) + b >= 0 else 0\n"
            "    w += lr * (y - y_hat) * x\n"
            "    return w, b + lr * (y - y_hat)",
            "changed the arrays passed in",
        ),
    ],
    "l03-gap-prediction-test": [("my_prediction = 'C'", "much smaller without the gap")],
}


def test_every_exercise_of_the_lesson_is_listed_here():
    assert set(RIGHT) == set(WRONG) == set(exercise_cells("03"))


@pytest.mark.parametrize(("test_id", "answer"), [(t, a) for t, As in RIGHT.items() for a in As])
def test_a_right_answer_is_right_for_the_check_and_the_grader(test_id, answer):
    right_everywhere("03", test_id, answer)


@pytest.mark.parametrize(
    ("test_id", "answer", "hint"), [(t, a, h) for t, As in WRONG.items() for a, h in As]
)
def test_a_typical_mistake_is_wrong_for_both_and_named_by_the_check(test_id, answer, hint):
    assert hint in wrong_everywhere("03", test_id, answer)


def test_a_second_wrong_answer_shows_the_next_hint_never_the_code():
    wrong = "def weighted_sum(x, w, b):\n    return 0.0"
    first = checked("03", "l03-weighted-sum-test", wrong)
    second = checked("03", "l03-weighted-sum-test", wrong)
    assert "Hint 1 of 2" in first and "Hint 2 of 2" not in first
    assert "Hint 2 of 2: z = w_1 x_1" in second
    assert "np.dot" not in second and "return" not in second

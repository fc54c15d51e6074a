"""Lesson 03's exercises through the check and the grader alike (see exercise_util)."""

from __future__ import annotations

import pytest
from exercise_util import checked, exercise_cells, right_everywhere, wrong_everywhere

TRAIN = (
    "def train_perceptron(X, y, lr, epochs):\n"
    "    w, b, errors = np.zeros(X.shape[1]), 0.0, []\n"
    "    for _ in range(epochs):\n"
    "        n = 0\n"
    "        for x_i, y_i in zip(X, y):\n"
    "            y_hat = 1.0 if x_i @ w + b >= 0 else 0.0\n"
    "            if y_hat != y_i:\n"
    "                n += 1\n"
    "                w, b = w + lr * (y_i - y_hat) * x_i, b + lr * (y_i - y_hat)\n"
    "        STOP\n"
    "    return w, b, errors"
)
RECORD_THEN_STOP = "errors.append(n)\n        if n == 0:\n            break"

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
    "l03-train-perceptron-test": [
        TRAIN.replace("STOP", RECORD_THEN_STOP),
        # a while loop, the rule through a helper, the errors as an array, b as [b]
        "def step_once(w, b, x, y, lr):\n"
        "    e = y - np.heaviside(x @ w + b, 1)\n"
        "    return w + lr * e * x, b + lr * e, e != 0\n"
        "def train_perceptron(X, y, lr, epochs):\n"
        "    w, b, errors = np.zeros(len(X[0])), 0, []\n"
        "    while len(errors) < epochs and (not errors or errors[-1] > 0):\n"
        "        errors.append(0)\n"
        "        for i in range(len(X)):\n"
        "            w, b, wrong = step_once(w, b, X[i], y[i], lr)\n"
        "            errors[-1] += int(wrong)\n"
        "    return w, [b], np.array(errors)",
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
            "    return p.weighted_sum(x)",
            "dlcore.Perceptron.weighted_sum is not available in this exercise",
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
    "l03-train-perceptron-test": [
        (TRAIN.replace("STOP", "errors.append(n)"), "stop there"),
        (
            TRAIN.replace("STOP", "if n == 0:\n            break\n        errors.append(n)"),
            "record its 0, then stop",
        ),
        (
            "def train_perceptron(X, y, lr, epochs):\n"
            "    p = dl.Perceptron(lr=lr, epochs=epochs, shuffle=False).fit(X, y)\n"
            "    return p.w, p.b, p.errors_",
            "dlcore.Perceptron.fit is not available in this exercise",
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

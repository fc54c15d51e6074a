"""Lesson 04's exercises through the check and the grader alike (see exercise_util)."""

from __future__ import annotations

import pytest
from exercise_util import exercise_cells, graded, right_everywhere, wrong_everywhere

POCKET = (
    "def pocket_perceptron(X, y, lr, epochs):\n"
    "    w, b = np.zeros(X.shape[1]), 0.0\n"
    "    best_w, best_b, best = w.copy(), b, np.mean((X @ w + b >= 0) == y)\n"
    "    for _ in range(epochs):\n"
    "        for x, t in zip(X, y):\n"
    "            e = t - (1.0 if x @ w + b >= 0 else 0.0)\n"
    "            if e:\n"
    "                w += lr * e * x\n"
    "                b += lr * e\n"
    "                a = np.mean((X @ w + b >= 0) == y)\n"
    "                if a > best:\n"
    "                    best_w, best_b, best = COPY, b, a\n"
    "    return best_w, best_b, best"
)

RIGHT = {
    "l04-majority-baseline-test": [
        "def majority_baseline(y):\n"
        "    return max(list(y).count(c) for c in set(list(y))) / len(y)",
        "def majority_baseline(y):\n"
        "    _, n = np.unique(y, return_counts=True)\n    return n.max() / n.sum()",
    ],
    "l04-best-line-test": ["def my_prediction():\n    return ' (b) '", "my_prediction = 'B'"],
    "l04-xor-weights-test": [
        "def xor_weights():\n    return [[1, 1], [1, 1]], [-0.5, -1.5], [1, -1], -0.5",
        "def xor_weights():\n    return (np.array([[1., 1.], [1., 1.]]), np.array("
        "[-0.5, -1.5]), np.array([[1.], [-1.]]), np.array([-0.5]))",
        "def xor_weights():\n    return [[1, -1], [-1, 1]], [-0.5, -0.5], [1, 1], [-0.5]",
    ],
    "l04-pocket-test": [POCKET.replace("COPY", "w.copy()")],
}

WRONG = {
    "l04-majority-baseline-test": [
        (
            "def majority_baseline(y):\n    return np.unique(y, return_counts=True)[1].max()",
            "divide by the number of labels",
        ),
    ],
    "l04-best-line-test": [("def my_prediction():\n    return 'A'", "no line separates XOR")],
    "l04-xor-weights-test": [
        (
            "def xor_weights():\n    return [[1, 1], [1, 1]], [-0.5, -0.5], [1, 1], -0.5",
            "this network computes OR",
        ),
        ("def xor_weights():\n    return [1, 1], [0], [1], 0", "expected W_hidden with 4"),
    ],
    "l04-pocket-test": [(POCKET.replace("COPY", "w"), "changed after you put them there")],
}


def test_every_exercise_of_the_lesson_is_listed_here():
    assert set(RIGHT) == set(WRONG) == set(exercise_cells("04"))


@pytest.mark.parametrize(("test_id", "answer"), [(t, a) for t, As in RIGHT.items() for a in As])
def test_a_right_answer_is_right_for_the_check_and_the_grader(test_id, answer):
    right_everywhere("04", test_id, answer)


@pytest.mark.parametrize(
    ("test_id", "answer", "hint"), [(t, a, h) for t, As in WRONG.items() for a, h in As]
)
def test_a_typical_mistake_is_wrong_for_both_and_named_by_the_check(test_id, answer, hint):
    assert hint in wrong_everywhere("04", test_id, answer)


def test_dlcores_perceptron_does_not_answer_the_pocket_exercise():
    """Perceptron.fit trains by Rosenblatt's rule in one call: the exercise withholds it."""
    answer = (
        "def pocket_perceptron(X, y, lr, epochs):\n"
        "    dl.Perceptron(lr=lr, epochs=epochs, shuffle=False).fit(X, y)\n"
        "    return np.zeros(X.shape[1]), 0.0, 1.0"
    )
    message = wrong_everywhere("04", "l04-pocket-test", answer)
    assert "dlcore.Perceptron.fit is not available in this exercise" in message
    _, reason = graded("l04-pocket-test", answer)
    assert "dlcore.Perceptron.fit is not available in this exercise" in reason

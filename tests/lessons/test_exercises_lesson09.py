"""Lesson 09's exercises through the check and the grader alike (see exercise_util)."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_util import checked, exercise_cells, right_everywhere, wrong_everywhere

from course.exercises import lesson09

#: heavy-ball momentum with one line to fill: how the velocity and w are updated
MOMENTUM = (
    "def momentum_descent(grad, w0, lr, mu, steps):\n"
    "    w = np.array(w0, dtype=float)\n"
    "    v = np.zeros_like(w)\n"
    "    path = [w.copy()]\n"
    "    for _ in range(steps):\n"
    "STEP\n"
    "        path.append(w.copy())\n"
    "    return np.array(path)"
)
HEAVY_BALL = "        v = mu * v - lr * grad(w)\n        w = w + v"

RIGHT = {
    "l09-unit-step-prediction-test": [
        "def my_prediction():\n    return 'C'",
        "my_prediction = ' (c) '",
    ],
    "l09-largest-stable-lr-test": [
        "def largest_stable_lr(c):\n    return 2 / c",
        "def largest_stable_lr(c):\n    return 2.0 * c**-1",
        "def largest_stable_lr(c):\n    return np.divide(2, np.array([c]))",
        "def largest_stable_lr(c):\n    one_step = 1 / c\n    return 2 * one_step",
    ],
    "l09-momentum-test": [
        MOMENTUM.replace("STEP", HEAVY_BALL),
        # the velocity with the other sign: v <- mu v + eta g, w <- w - v
        MOMENTUM.replace("STEP", "        v = mu * v + lr * grad(w)\n        w = w - v"),
        # Polyak's form, without a velocity: w <- w - eta g + mu (w - w_previous)
        "def momentum_descent(grad, w0, lr, mu, steps):\n"
        "    path = [w0, w0 - lr * grad(w0)] if steps else [w0]\n"
        "    while len(path) < steps + 1:\n"
        "        w, before = path[-1], path[-2]\n"
        "        path.append(w - lr * grad(w) + mu * (w - before))\n"
        "    return path",
        # plain Python floats and lists for one weight, a column of shape (steps + 1, 1)
        "def momentum_descent(grad, w0, lr, mu, steps):\n"
        "    w, v, path = np.atleast_1d(np.array(w0, dtype=float)), 0.0, []\n"
        "    path.append(w)\n"
        "    for _ in range(steps):\n"
        "        v = mu * v - lr * np.reshape(grad(w if w.size > 1 else w[0]), w.shape)\n"
        "        w = w + v\n"
        "        path.append(w)\n"
        "    return np.vstack(path)",
        # in place, copying each row
        MOMENTUM.replace("STEP", "        v *= mu\n        v -= lr * grad(w)\n        w += v"),
    ],
    "l09-momentum-limit-prediction-test": [
        "def my_limit_prediction():\n    return 'C'",
        "my_limit_prediction = 'c) about 0.38'",
    ],
}

WRONG = {
    "l09-unit-step-prediction-test": [
        ("my_prediction = 'A'", "jumps over the minimum"),
        ("def my_prediction():\n    return 'B'", "does not grow"),
        ("my_prediction = 'D'", "eta = 1/2"),
    ],
    "l09-largest-stable-lr-test": [
        ("def largest_stable_lr(c):\n    return 1 / c", "lands on the minimum in one step"),
        ("def largest_stable_lr(c):\n    return 2 * c", "must shrink as c grows"),
        ("def largest_stable_lr(c):\n    return c / 2", "must shrink as c grows"),
        ("def largest_stable_lr(c):\n    return 1.999 / c", "Hint 1 of 2"),
    ],
    "l09-momentum-test": [
        (
            MOMENTUM.replace("STEP", "        v = v - lr * grad(w)\n        w = w + v").replace(
                "v = v", "v = 0 * mu * v"
            ),
            "that is plain gradient descent",
        ),
        (
            MOMENTUM.replace("STEP", "        w = w + v\n        v = mu * v - lr * grad(w)"),
            "your first step did not move w",
        ),
        (
            MOMENTUM.replace(
                "STEP", "        v = mu * v - lr * grad(w + mu * v)\n        w = w + v"
            ),
            "Nesterov's momentum",
        ),
        (
            MOMENTUM.replace(
                "STEP", "        v = mu * v - (1 - mu) * lr * grad(w)\n        w = w + v"
            ),
            "averages the gradients",
        ),
        (MOMENTUM.replace("STEP", HEAVY_BALL.replace("- lr", "+ lr")), "your steps go uphill"),
        (
            MOMENTUM.replace("STEP", HEAVY_BALL).replace("path = [w.copy()]", "path = []"),
            "the path must start with w0",
        ),
        (
            MOMENTUM.replace("STEP", HEAVY_BALL).replace("range(steps)", "range(steps + 1)"),
            "one step too many",
        ),
        (
            MOMENTUM.replace("STEP", HEAVY_BALL).replace("np.array(path)", "path[-1]"),
            "only the last weights",
        ),
        (
            MOMENTUM.replace("STEP", "        v = mu * v - lr * grad(w)\n        w += v")
            .replace("path.append(w.copy())", "path.append(w)")
            .replace("path = [w.copy()]", "path = [w]"),
            "an in-place update (w += v)",
        ),
    ],
    "l09-momentum-limit-prediction-test": [
        ("my_limit_prediction = 'A'", "alternate in sign"),
        ("def my_limit_prediction():\n    return 'B'", "damps the bounce"),
        ("my_limit_prediction = 'D'", "still overshoots"),
    ],
}

#: answers that call a withheld library function, and the name its message gives
LIBRARY = [
    (
        "l09-momentum-test",
        "def momentum_descent(grad, w0, lr, mu, steps):\n"
        "    w = np.atleast_1d(np.array(w0, dtype=float))\n"
        "    sgd, path = dl.SGD(lr=lr, momentum=mu), [w.copy()]\n"
        "    for _ in range(steps):\n"
        "        sgd.step([('w', w, np.reshape(grad(w if w.size > 1 else w[0]), w.shape))])\n"
        "        path.append(w.copy())\n"
        "    return np.array(path)",
        "dlcore.SGD.update",
    ),
    (
        "l09-momentum-test",
        "def momentum_descent(grad, w0, lr, mu, steps):\n"
        "    from dlcore.optimizers import SGD\n"
        "    w = np.atleast_1d(np.array(w0, dtype=float))\n"
        "    sgd, path = SGD(lr, mu), [w.copy()]\n"
        "    for _ in range(steps):\n"
        "        sgd.update('w', w, np.reshape(grad(w if w.size > 1 else w[0]), w.shape))\n"
        "        path.append(w.copy())\n"
        "    return np.array(path)",
        "dlcore.SGD.update",
    ),
    (
        "l09-momentum-test",
        "def momentum_descent(grad, w0, lr, mu, steps):\n"
        "    from course.widgets.learning_rate import descent_path\n"
        "    return descent_path(grad, w0, lr, steps, momentum=mu)",
        "dlcore.SGD.update",
    ),
    (
        "l09-largest-stable-lr-test",
        "from course.widgets.learning_rate import largest_stable_lr as limit\n"
        "def largest_stable_lr(c):\n    return limit(c)",
        "course.widgets.learning_rate.largest_stable_lr",
    ),
]


def test_every_exercise_of_the_lesson_is_listed_here():
    assert set(RIGHT) == set(WRONG) == set(exercise_cells("09"))


@pytest.mark.parametrize(("test_id", "answer"), [(t, a) for t, As in RIGHT.items() for a in As])
def test_a_right_answer_is_right_for_the_check_and_the_grader(test_id, answer):
    right_everywhere("09", test_id, answer)


@pytest.mark.parametrize(
    ("test_id", "answer", "hint"), [(t, a, h) for t, As in WRONG.items() for a, h in As]
)
def test_a_typical_mistake_is_wrong_for_both_and_named_by_the_check(test_id, answer, hint):
    assert hint in wrong_everywhere("09", test_id, answer)


@pytest.mark.parametrize(("test_id", "answer", "name"), LIBRARY)
def test_an_answer_calling_the_library_is_wrong_everywhere(test_id, answer, name):
    message = wrong_everywhere("09", test_id, answer)
    assert name in message and "is not available in this exercise" in message


def test_every_library_function_withheld_is_tried_above():
    withheld = {name for exercise in lesson09.EXERCISES for name in exercise.library}
    assert withheld == {name for _, _, name in LIBRARY}
    assert withheld == {"dlcore.SGD.update", "course.widgets.learning_rate.largest_stable_lr"}


def test_the_library_is_back_after_a_check():
    import dlcore as dl

    checked("09", "l09-momentum-test", LIBRARY[0][1])
    w = np.array([1.0])
    dl.SGD(lr=0.5).step([("w", w, np.array([1.0]))])
    assert w[0] == 0.5


def test_the_hints_come_in_steps_and_never_hold_the_code():
    wrong = MOMENTUM.replace("STEP", "        w = w - lr * grad(w)")
    first = checked("09", "l09-momentum-test", wrong)
    second = checked("09", "l09-momentum-test", wrong)
    assert "Hint 1 of 2" in first and "Hint 2 of 2" not in first
    assert "Hint 2 of 2: v <- mu v - eta grad(w)" in second
    for exercise in lesson09.EXERCISES:
        for hint in exercise.hints:
            assert not any(code in hint for code in ("return", "np.", "def ", "append", "(path"))


def test_the_limit_hint_no_longer_gives_the_equation_to_solve():
    """Issue 19: the hint was 'find the eta where 1 - eta c = -1'."""
    texts = [h for h in lesson09.LARGEST_STABLE_LR.hints]
    texts += [m.hint for m in lesson09.LARGEST_STABLE_LR.mistakes]
    assert not any("= -1" in text or "2/c" in text for text in texts)


def test_the_answers_are_the_edges_of_convergence():
    """2/c and 2(1 + mu)/c are where gradient descent with momentum mu on (c/2) w^2 stops
    converging, by running the reference (dlcore's SGD), with a 1 % margin either side."""
    for c in (0.5, 2.0, 10.0):
        for mu in (0.0, 0.5, 0.9):
            limit = 2 * (1 + mu) / c
            assert np.isclose(lesson09.largest_stable_lr(c), 2 / c)
            for fraction, converges in ((0.99, True), (1.01, False)):
                path = lesson09.momentum_descent(
                    lambda w, c=c: c * w, 1.0, fraction * limit, mu, 3000
                )
                assert (abs(path[-1]) < 1e-6) == converges, (c, mu, fraction)


def test_the_prediction_names_the_limit_of_the_reference():
    """Choice C's 0.38 is 2(1 + 0.9)/10, and A's 0.2 is the limit without momentum."""
    c, mu = 10.0, 0.9
    assert "0.38" in lesson09.MOMENTUM_LIMIT.reasons["C"]
    assert "0.2" in lesson09.MOMENTUM_LIMIT.reasons["A"]
    settles = lesson09.momentum_descent(lambda w: c * w, 1.0, 0.375, mu, 3000)
    leaves = lesson09.momentum_descent(lambda w: c * w, 1.0, 0.385, mu, 3000)
    assert abs(settles[-1]) < 1e-6 < 1e6 < abs(leaves[-1])


def test_the_last_momentum_case_grows_as_its_hint_and_choice_d_say():
    (*_, case) = lesson09.MOMENTUM.cases
    path = np.abs(lesson09.MOMENTUM.expected(case.args))
    assert path[-1] > 10 * path[0] and np.all(np.isfinite(path))

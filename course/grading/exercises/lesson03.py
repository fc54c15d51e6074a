"""Grader-side specs of lesson 03: the weighted sum, Rosenblatt's update, the margin."""

from __future__ import annotations

import numpy as np

from course.checks.lesson03 import _UPDATE_CASES, _reference_update
from course.grading.exercises import Exercise, choice, close, value_of


def _weighted_sum(x: list, w: list, b: float) -> float:
    """Reference: z = w . x + b."""
    return float(np.dot(w, x) + b)


def _letter(answer: object) -> str | None:
    return str(answer).strip().strip("()").strip().upper() if answer else None


def _update(args: tuple, outcome: dict) -> str | None:
    """Right when the result is the pair (w, b) of Rosenblatt's rule."""
    value, why = value_of(outcome)
    if why:
        return why
    if not (isinstance(value, list) and len(value) == 2):
        return f"expected a pair (new_w, new_b), got {str(value)[:60]}"
    w0, b0, x, y, lr = args
    w, b = _reference_update(np.asarray(w0, float), b0, np.asarray(x, float), y, lr)
    try:
        got_w, got_b = np.asarray(value[0], dtype=float), np.asarray(value[1], dtype=float)
    except (TypeError, ValueError):
        return f"expected numbers, got {str(value)[:60]}"
    if got_w.shape != w.shape or not np.allclose(got_w, w) or not np.allclose(got_b, b):
        return f"expected ({w.tolist()}, {b}), got {str(value)[:60]}"
    return None


_rng = np.random.default_rng(123)
_SUMS = tuple(
    (_rng.normal(size=6).tolist(), _rng.normal(size=6).tolist(), float(_rng.normal()))
    for _ in range(5)
)
_rng = np.random.default_rng(7)
_UPDATES = tuple(
    (
        _rng.normal(size=3).tolist(),
        float(_rng.normal()),
        _rng.normal(size=3).tolist(),
        int(_rng.integers(2)),
        0.3,
    )
    for _ in range(20)
)

EXERCISES = [
    Exercise(
        "l03-weighted-sum-test",
        ("weighted_sum",),
        (
            ([1.0, 2.0], [0.5, -1.0], 0.5),
            ([0.0, 0.0], [3.0, -2.0], 2.0),
            ([2.0, -1.0, 4.0], [0.25, 3.0, 0.5], -1.0),
            *_SUMS,
        ),
        close(_weighted_sum),
        arrays=(0, 1),
    ),
    Exercise(
        "l03-perceptron-update-test",
        ("perceptron_update",),
        (*(tuple(case[:5]) for case in _UPDATE_CASES), *_UPDATES),
        _update,
        arrays=(0, 2),
    ),
    Exercise(
        "l03-gap-prediction-test",
        ("my_prediction", "gap_prediction", "prediction"),
        ((),),
        choice(_letter, "B"),
        prediction=True,
    ),
]

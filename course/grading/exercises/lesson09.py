"""Grader-side specs of lesson 09: the unit step predicted, the largest stable learning rate."""

from __future__ import annotations

from course.checks.lesson09 import CURVATURES
from course.grading.exercises import Exercise, close, predicted


def _largest_stable_lr(c: float) -> float:
    """Reference: 2/c, where |1 - eta c| reaches 1."""
    return 2.0 / c


EXERCISES = [
    predicted("l09-unit-step-prediction-test", "C"),
    Exercise(
        "l09-largest-stable-lr-test",
        ("largest_stable_lr",),
        tuple((c,) for c in (*CURVATURES, 0.1, 3.0, 7, 100.0)),
        close(_largest_stable_lr, atol=0.0, rtol=1e-9, fit="squeeze"),
    ),
]

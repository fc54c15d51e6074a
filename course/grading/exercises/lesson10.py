"""Grader-side specs of lesson 10: the depth of the bound, dL/dw_1 of a chain, the largest
gradient predicted."""

from __future__ import annotations

import numpy as np

from course.checks.lesson10 import B_EXAMPLE, W_EXAMPLE, X_EXAMPLE, Y_EXAMPLE, chain_reference
from course.grading.exercises import Exercise, close, predicted


def _smallest_depth(threshold: float, slope: float = 0.25) -> int:
    """Reference: the smallest n >= 1 with slope**n < threshold."""
    return next(n for n in range(1, 10_000) if slope**n < threshold)


def _random_chains() -> tuple:
    rng = np.random.default_rng(1010)
    cases = []
    for n in range(1, 9):
        w, b = rng.normal(0, 2, n).tolist(), rng.normal(0, 1, n).tolist()
        cases.append((float(rng.normal()), float(rng.integers(2)), w, b))
    return tuple(cases)


EXERCISES = [
    Exercise(
        "l10-smallest-depth-test",
        ("smallest_depth",),
        (
            (1e-6, 0.25),
            (0.1, 0.25),
            (0.3, 0.25),
            (1e-6, 0.5),
            (1e-3, 0.9),
            (1e-6,),
            (1e-30,),
            (0.5, 0.9),
            (0.2,),
            (0.0625, 0.25),
            (0.5, 0.5),
        ),
        close(_smallest_depth, atol=0.0, rtol=0.0, fit="squeeze"),
    ),
    Exercise(
        "l10-first-weight-gradient-test",
        ("first_weight_gradient",),
        (
            (X_EXAMPLE, Y_EXAMPLE, W_EXAMPLE, B_EXAMPLE),
            (0.5, 0.0, [2.0], [-1.0]),
            (-1.0, 1.0, [1.0, -2.0], [0.0, 0.3]),
            (2.0, 0.0, [0.8, -1.5, 2.0, 1.2, -0.7], [0.1, 0.2, -0.3, 0.0, 0.4]),
            *_random_chains(),
        ),
        close(chain_reference, atol=1e-9, rtol=1e-5, fit="squeeze"),
    ),
    predicted("l10-largest-gradient-test", "C"),
]

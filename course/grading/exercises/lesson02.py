"""Grader-side specs of lesson 02: the doubling prediction, GFLOP/s, the plateau of a curve."""

from __future__ import annotations

from course.checks.lesson02 import _choice, _plateau
from course.grading.exercises import Exercise, choice, close


def _gflops(n: float, seconds: float) -> float:
    """Reference: 2 n^3 / seconds / 1e9."""
    return 2 * n**3 / seconds / 1e9


def _plateau_default(sizes: list, accuracies: list, tol: float = 0.01) -> float:
    return _plateau(sizes, accuracies, tol)


EXERCISES = [
    Exercise(
        "l02-double-n-test", ("predict_doubling",), ((),), choice(_choice, "C"), prediction=True
    ),
    Exercise(
        "l02-gflops-test",
        ("gflops",),
        ((1000, 1.0), (100, 0.001), (512, 0.01), (2000, 4.0), (64, 2e-5), (10, 2e-6), (3, 0.5)),
        close(_gflops, atol=1e-9, rtol=1e-9),
    ),
    Exercise(
        "l02-plateau-size-test",
        ("plateau_size",),
        (
            ([10, 20, 40, 80], [0.50, 0.70, 0.80, 0.80], 0.01),
            ([10, 20, 40, 80], [0.50, 0.60, 0.70, 0.80], 0.01),
            ([10, 20, 40], [0.90, 0.90, 0.90], 0.01),
            ([10, 20, 40, 80, 160], [0.50, 0.80, 0.60, 0.80, 0.80], 0.01),
            ([10, 20, 40, 80], [0.70, 0.76, 0.79, 0.80], 0.05),
            ([25, 50, 100, 200], [0.62, 0.81, 0.795, 0.80], 0.01),
            ([1, 2, 3], [0.1, 0.5, 0.505]),
            ([10, 20], [0.3, 0.9]),
            ([5, 6, 7, 8], [0.2, 0.4, 0.41, 0.5], 1.0),
        ),
        close(_plateau_default),
    ),
]

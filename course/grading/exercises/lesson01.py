"""Grader-side specs of lesson 01: a prediction, a forecast, k-means' assignment, a family."""

from __future__ import annotations

import numpy as np

from course.checks.lesson01 import FAMILIES, _line_forecast
from course.grading.exercises import Exercise, choice, close, one_of, per_case, raises


def _letter(answer: object) -> str | None:
    """The letter a prediction names: "B", "b", "b)"."""
    return answer.strip().upper().rstrip(")") if isinstance(answer, str) else None


def _nearest(points: list, centroids: list) -> np.ndarray:
    """Reference: argmin_j ||x_i - c_j||^2 for every point."""
    p, c = np.asarray(points, dtype=float), np.asarray(centroids, dtype=float)
    return ((p[:, None, :] - c[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)


def _families(data_type: str) -> frozenset[str]:
    return FAMILIES[data_type]


def _unknown(data_type: str) -> bool:
    return data_type not in FAMILIES


EXERCISES = [
    Exercise(
        "l01-inertia-prediction-test",
        ("my_prediction", "prediction"),
        ((),),
        choice(_letter, "B"),
        prediction=True,
    ),
    Exercise(
        "l01-predict-next-month-test",
        ("predict_next_month",),
        (
            ([10.0, 12.0, 14.0],),
            ([5.0, 5.0, 5.0, 5.0],),
            ([30.0, 25.0, 20.0],),
            ([10.0, 14.0, 11.0, 15.0, 13.0],),
            ([100.0, 100.0, 130.0, 110.0, 120.0, 150.0],),
            ([1.0, 2.0],),
            ([3.0, -1.0, 4.0, 1.0, -5.0, 9.0, 2.0],),
        ),
        close(_line_forecast, atol=1e-6),
    ),
    Exercise(
        "l01-nearest-centroid-test",
        ("nearest_centroid",),
        (
            ([[0.0, 0.0]], [[0.0, 1.0], [5.0, 5.0]]),
            ([[0.0, 0.0], [9.0, 9.0], [4.0, 6.0]], [[1.0, 1.0], [8.0, 8.0]]),
            (
                [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -3.0]],
                [[2.0, 0.0], [0.0, 2.0], [-2.0, 0.0], [0.0, -2.0]],
            ),
            ([[0.0, 0.0]], [[3.0, 3.0], [0.0, 5.0]]),
            ([[1.0, 9.0, 0.0], [0.0, 0.0, 1.0]], [[0.0, 0.0, 0.0], [1.0, 8.0, 1.0]]),
            ([[0.0, 0.0]] * 4, [[1.0, 1.0], [2.0, 2.0]]),
        ),
        close(_nearest),
        arrays=(0, 1),
    ),
    Exercise(
        "l01-suggest-family-test",
        ("suggest_family",),
        tuple((data_type,) for data_type in [*FAMILIES, "smell"]),
        per_case(one_of(_families), (_unknown, raises("ValueError", "smell"))),
    ),
]

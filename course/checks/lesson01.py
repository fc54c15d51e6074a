"""Checks for lesson 01: AI, machine learning and deep learning."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course.checks._core import CheckFailed, as_float, call, expect_close, passed

__all__ = ["check_nearest_centroid", "check_predict_next_month", "check_suggest_family"]


def _line_forecast(sales: list[float]) -> float:
    """Reference: least-squares line through ``(t, sales[t])``, evaluated at ``t = len(sales)``."""
    t = np.arange(len(sales), dtype=float)
    slope, intercept = np.polyfit(t, np.asarray(sales, dtype=float), 1)
    return float(slope * len(sales) + intercept)


def check_predict_next_month(fn: Callable[[list[float]], float]) -> None:
    r"""Check ``predict_next_month(sales)``: the least-squares line evaluated one month ahead.

    The line :math:`\hat y = a t + b` minimises :math:`\sum_t (y_t - a t - b)^2` over the
    months :math:`t = 0, \dots, n-1`; the forecast is :math:`a n + b`.
    """
    cases = [
        ([10.0, 12.0, 14.0], "a perfect line (+2 a month)"),
        ([5.0, 5.0, 5.0, 5.0], "flat sales"),
        ([30.0, 25.0, 20.0], "falling sales"),
        ([10.0, 14.0, 11.0, 15.0, 13.0], "noisy sales"),
        ([100.0, 100.0, 130.0, 110.0, 120.0, 150.0], "noisy growing sales"),
    ]
    for sales, what in cases:
        case = f"{what}: predict_next_month({sales})"
        got = call(fn, list(sales), case=case)
        expect_close(
            as_float(got, case),
            _line_forecast(sales),
            case,
            hint="fit a and b by least squares over t = 0..n-1 (np.polyfit(t, sales, 1) or the "
            "normal equations), then return a * n + b, not the last value or the mean",
            atol=1e-6,
        )
    passed("predict_next_month extends the least-squares line one month ahead")


def check_nearest_centroid(fn: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> None:
    r"""Check ``nearest_centroid(points, centroids)``: the k-means assignment step.

    Point :math:`x_i` goes to :math:`\arg\min_j \lVert x_i - c_j \rVert^2`; ties go to the
    lower index, as ``np.argmin`` does.
    """
    cases = [
        (np.array([[0.0, 0.0]]), np.array([[0.0, 1.0], [5.0, 5.0]]), "one point, two centroids"),
        (
            np.array([[0.0, 0.0], [9.0, 9.0], [4.0, 6.0]]),
            np.array([[1.0, 1.0], [8.0, 8.0]]),
            "three points, two centroids",
        ),
        (
            np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -3.0]]),
            np.array([[2.0, 0.0], [0.0, 2.0], [-2.0, 0.0], [0.0, -2.0]]),
            "four points, four centroids",
        ),
        (
            np.array([[0.0, 0.0]]),
            np.array([[3.0, 3.0], [0.0, 5.0]]),
            "a close call (straight-line distance 4.24 against 5.0)",
        ),
        (
            np.array([[1.0, 9.0, 0.0], [0.0, 0.0, 1.0]]),
            np.array([[0.0, 0.0, 0.0], [1.0, 8.0, 1.0]]),
            "three features",
        ),
    ]
    for points, centroids, what in cases:
        case = f"{what}: nearest_centroid({points.tolist()}, {centroids.tolist()})"
        got = call(fn, points.copy(), centroids.copy(), case=case)
        dist = ((points[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
        expected = dist.argmin(axis=1)
        expect_close(
            np.asarray(got),
            expected,
            case,
            hint="return one index per point (shape (n,)): the centroid with the smallest "
            "squared distance sum((x - c) ** 2), compared over all centroids",
        )
    passed("nearest_centroid assigns every point to its closest centroid")


#: the notes' pairing of data types with network families
FAMILIES: dict[str, str] = {
    "tabular": "ANN",
    "image": "CNN",
    "video": "CNN",
    "text": "RNN",
    "time series": "RNN",
}


def check_suggest_family(fn: Callable[[str], str]) -> None:
    """Check ``suggest_family(data_type)``: ANN for tables, CNN for images, RNN for sequences."""
    for data_type, expected in FAMILIES.items():
        case = f"suggest_family({data_type!r})"
        got = call(fn, data_type, case=case)
        if not isinstance(got, str) or got.strip().upper() != expected:
            raise CheckFailed(
                f"{case}: expected {expected!r}, got {got!r}\nHint: the notes pair tabular "
                "features with ANN, images and video with CNN, text and time series with RNN"
            )
    passed("suggest_family matches each data type with its network family")

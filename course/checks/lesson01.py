"""Checks for lesson 01, AI, machine learning and deep learning: the inertia with one group
per customer, next month's sales, the nearest-centroid classifier, a family for each data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course.checks._core import check
from course.exercises import lesson01
from course.exercises.lesson01 import FAMILIES, INERTIA_CHOICES

__all__ = [
    "FAMILIES",
    "INERTIA_CHOICES",
    "check_inertia_prediction",
    "check_nearest_centroid_classifier",
    "check_predict_next_month",
    "check_suggest_family",
]


def check_inertia_prediction(prediction: Any) -> None:
    r"""Check the prediction: the inertia :math:`J = \sum_i \lVert x_i - c_{a_i} \rVert^2` of
    k-means with as many groups as customers.

    ``prediction`` is a letter ``"A"``..``"D"`` (any case), or a function returning one.
    """
    check(lesson01.INERTIA, prediction)


def check_predict_next_month(fn: Callable[[Any], float]) -> None:
    r"""Check ``predict_next_month(sales)``: the least-squares line evaluated one month ahead.

    The line :math:`\hat y_t = a t + b` minimises :math:`\sum_t (y_t - a t - b)^2` over the
    months :math:`t = 0, \dots, n-1`:
    :math:`a = \sum_t (t - \bar t)(y_t - \bar y) / \sum_t (t - \bar t)^2`,
    :math:`b = \bar y - a \bar t`; the forecast is :math:`a n + b`. NumPy's and SciPy's
    fitting functions are not available while it runs.
    """
    check(lesson01.FORECAST, fn)


def check_nearest_centroid_classifier(fn: Callable[..., Any]) -> None:
    r"""Check ``nearest_centroid_classifier(X_train, y_train, X_new)``: the labels of X_new.

    With :math:`z = (x - m) / s` (:math:`m`, :math:`s` the mean and standard deviation of
    each feature of ``X_train``), one centroid per label,
    :math:`\mu_c = \frac{1}{n_c}\sum_{i: y_i = c} z_i`, and for each new row the label
    :math:`\arg\min_c \lVert z - \mu_c \rVert^2`.
    """
    check(lesson01.CLASSIFIER, fn)


def check_suggest_family(fn: Callable[[str], str]) -> None:
    """Check ``suggest_family(data_type)``: a family that respects the data's structure.

    Any correct family passes, in any letter case: ANN or MLP for tables, CNN for images and
    video, RNN, LSTM, GRU or Transformer for text and time series; any other data type
    raises a ValueError that names it.
    """
    check(lesson01.FAMILY, fn)
